import { describe, expect, it } from "vitest";
import { confirmProductionSync, type ConfirmIo } from "./production-confirm";

const io = (isTTY: boolean, answer = ""): ConfirmIo & { asked: string[] } => {
  const asked: string[] = [];
  return { isTTY, asked, ask: async (q) => (asked.push(q), answer) };
};

describe("syncline resource sync on a production definition", () => {
  const name = "deployments.example.io";

  it("asks for the typed name on a terminal and accepts it (spaces trimmed)", async () => {
    const t = io(true, `  ${name} \n`);
    await expect(confirmProductionSync(name, { production: true, dryRun: false, yes: false }, t)).resolves.toBeUndefined();
    expect(t.asked[0]).toMatch(/marked production/);
  });

  it("refuses a wrong name", async () => {
    await expect(confirmProductionSync(name, { production: true, dryRun: false, yes: false }, io(true, "deployments"))).rejects.toMatchObject({
      message: expect.stringMatching(/did not match/),
    });
  });

  it("needs --yes without a terminal", async () => {
    await expect(confirmProductionSync(name, { production: true, dryRun: false, yes: false }, io(false))).rejects.toMatchObject({
      message: expect.stringMatching(/--yes/),
    });
    const t = io(false);
    await expect(confirmProductionSync(name, { production: true, dryRun: false, yes: true }, t)).resolves.toBeUndefined();
    expect(t.asked).toHaveLength(0);
  });

  it("does not ask for a dry run or a definition that is not production", async () => {
    const t = io(false);
    await confirmProductionSync(name, { production: true, dryRun: true, yes: false }, t);
    await confirmProductionSync(name, { production: false, dryRun: false, yes: false }, t);
    expect(t.asked).toHaveLength(0);
  });
});
