import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import ageYaml from "../../../test/fixtures/sops/algorithms/age.yaml?raw";
import agePqYaml from "../../../test/fixtures/sops/algorithms/age-pq.yaml?raw";
import pgpYaml from "../../../test/fixtures/sops/algorithms/pgp.yaml?raw";
import globalYaml from "../../../test/fixtures/sops/global/secret.yaml?raw";
import ageKey from "../../../test/fixtures/sops/keys/age.txt?raw";
import agePqKey from "../../../test/fixtures/sops/keys/age-pq.txt?raw";
import ageGlobalKey from "../../../test/fixtures/sops/keys/age-global.txt?raw";
import { encryptSopsDocument, newAgeIdentity } from "../../../test/support/sops";
import { ageKeyring, decryptSopsDocument, isSopsDocument, parseAgeIdentities, SopsError } from "./index";
import { parseSourceFile } from "../parse";
import { Decrypter, armor } from "age-encryption";
import { nativeX25519FileKey, nativeX25519Identity, openAgePayload, splitAgeFile } from "./age-native";

async function keyringOf(text: string) {
  const ids = await parseAgeIdentities(text);
  if ("error" in ids) throw new Error(ids.error);
  return ageKeyring(ids.identities);
}

function docOf(text: string): Record<string, unknown> {
  const r = parseSourceFile({ path: "x.yaml", content: text });
  expect(r.problems).toEqual([]);
  const v = r.docs[0]!.value;
  expect(isSopsDocument(v)).toBe(true);
  return v as Record<string, unknown>;
}

async function failure(p: Promise<unknown>): Promise<SopsError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SopsError) return e;
    throw e;
  }
  throw new Error("expected a SopsError");
}

const fixtures = [
  { name: "algorithms/age.yaml", text: ageYaml, key: ageKey },
  { name: "algorithms/age-pq.yaml", text: agePqYaml, key: agePqKey },
  { name: "global/secret.yaml", text: globalYaml, key: ageGlobalKey },
];

describe("SOPS decryption of files made by the sops tool", () => {
  for (const f of fixtures) {
    it(`decrypts ${f.name} with its key and verifies the MAC`, async () => {
      const out = await decryptSopsDocument(docOf(f.text), await keyringOf(f.key));
      expect(out.value.sops).toBeUndefined();
      const stringData = out.value.stringData as Record<string, unknown>;
      expect(typeof stringData.key).toBe("string");
      expect(stringData.key as string).not.toMatch(/^ENC\[/);
      expect((stringData.key as string).length).toBeGreaterThan(0);
      expect(out.paths).toEqual(["/stringData/key"]);
      // metadata stays in clear: encrypted_regex limits encryption to data/stringData
      expect((out.value.metadata as Record<string, unknown>).name).toBe((docOf(f.text).metadata as Record<string, unknown>).name);
    });

    it(`fails ${f.name} with a wrong key (SOPS_NO_MATCHING_KEY)`, async () => {
      const other = fixtures.find((g) => g.name !== f.name)!;
      const err = await failure(decryptSopsDocument(docOf(f.text), await keyringOf(other.key)));
      expect(err.code).toBe("SOPS_NO_MATCHING_KEY");
      expect(err.message).toContain("age1");
    });
  }

  it("changing any byte of a value's data, iv or tag fails SOPS_MAC_MISMATCH", async () => {
    const keyring = await keyringOf(ageKey);
    const original = docOf(ageYaml);
    const enc = (original.stringData as Record<string, string>).key!;
    // every base64 character of the data, iv and tag fields
    const positions: number[] = [];
    for (const m of enc.matchAll(/(data|iv|tag):([A-Za-z0-9+/=]+)/g)) {
      const from = m.index + m[1]!.length + 1;
      for (let i = from; i < from + m[2]!.length; i++) if (enc.charAt(i) !== "=") positions.push(i);
    }
    let checked = 0;
    for (const i of positions) {
      const c = enc.charAt(i);
      const changed = enc.slice(0, i) + (c === "A" ? "B" : "A") + enc.slice(i + 1);
      const doc = { ...original, stringData: { key: changed } };
      const err = await failure(decryptSopsDocument(doc, keyring));
      expect(err.code, `byte ${i} (${c})`).toBe("SOPS_MAC_MISMATCH");
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("changing any byte of lastmodified fails SOPS_MAC_MISMATCH", async () => {
    const keyring = await keyringOf(ageGlobalKey);
    const original = docOf(globalYaml);
    const sops = original.sops as Record<string, unknown>;
    const lm = sops.lastmodified as string;
    for (let i = 0; i < lm.length; i++) {
      const c = lm.charAt(i);
      const changed = lm.slice(0, i) + (c === "1" ? "2" : "1") + lm.slice(i + 1);
      const err = await failure(decryptSopsDocument({ ...original, sops: { ...sops, lastmodified: changed } }, keyring));
      expect(err.code, `lastmodified byte ${i}`).toBe("SOPS_MAC_MISMATCH");
    }
  });

  it("a value re-encrypted under the same key but a different cleartext fails the MAC", async () => {
    // the attacker knows nothing of the key, so forge by swapping in another document's value
    const keyring = await keyringOf(ageKey);
    const a = docOf(ageYaml);
    const sops = a.sops as Record<string, unknown>;
    const err = await failure(decryptSopsDocument({ ...a, sops: { ...sops, mac: "not an ENC value" } }, keyring));
    expect(err.code).toBe("SOPS_MAC_MISMATCH");
    const noMac = { ...sops };
    delete noMac.mac;
    expect((await failure(decryptSopsDocument({ ...a, sops: noMac }, keyring))).code).toBe("SOPS_MAC_MISMATCH");
  });

  it("fails pgp.yaml clearly: provider pgp is not supported", async () => {
    const err = await failure(decryptSopsDocument(docOf(pgpYaml), await keyringOf(ageKey)));
    expect(err.code).toBe("SOPS_UNSUPPORTED_PROVIDER");
    expect(err.message).toContain("provider pgp is not supported; add an age recipient");
  });

  it("a malformed ENC value fails SOPS_MALFORMED, without a keyring SOPS_NOT_CONFIGURED", async () => {
    const keyring = await keyringOf(ageKey);
    const a = docOf(ageYaml);
    const err = await failure(decryptSopsDocument({ ...a, stringData: { key: "ENC[AES256_GCM,data:xx" } }, keyring));
    expect(err.code).toBe("SOPS_MALFORMED");
    expect(err.message).toContain("stringData.key");
    expect((await failure(decryptSopsDocument(a, undefined))).code).toBe("SOPS_NOT_CONFIGURED");
  });

  it("identities: comments allowed, bad lines named by number, never echoed", async () => {
    const ok = await parseAgeIdentities(`${ageKey}\n${agePqKey}`);
    expect("identities" in ok && ok.identities.length).toBe(2);
    const bad = await parseAgeIdentities("# a comment\nAGE-SECRET-KEY-1NOTAKEY\n");
    expect(bad).toEqual({ error: expect.stringContaining("line 2") });
    expect(JSON.stringify(bad)).not.toContain("NOTAKEY");
    expect(await parseAgeIdentities("# only comments\n")).toEqual({ error: expect.stringContaining("no age identity") });
  });
});

describe("the test helper's SOPS encryption", () => {
  const doc = {
    apiVersion: "example.com/v1",
    kind: "Database",
    metadata: { name: "orders", namespace: "shop", labels: { tier: "db" } },
    spec: { host: "db.internal", port: 5432, ratio: 0.25, tls: true, password: "s3cr3t-pa55", tags: ["a", "b"], nested: { token: "tok-123", empty: "" } },
  };

  it("round-trips X25519 and post-quantum recipients with every rule kind", async () => {
    const x = await newAgeIdentity();
    const pq = await parseAgeIdentities(agePqKey);
    if ("error" in pq) throw new Error(pq.error);
    const rulesList = [
      { encryptedRegex: "^spec$" },
      { unencryptedRegex: "^(apiVersion|kind|metadata)$" },
      { encryptedSuffix: "word" },
      { unencryptedSuffix: "_clear" },
      { encryptedRegex: "^spec$", macOnlyEncrypted: true },
    ];
    for (const rules of rulesList) {
      const enc = await encryptSopsDocument(doc, { recipients: [x.recipient, pq.recipients[0]!], ...rules });
      // through the parser, as a file in Git would be
      const text = (await import("yaml")).stringify(enc);
      const parsed = parseSourceFile({ path: "d.yaml", content: text }).docs[0]!.value as Record<string, unknown>;
      for (const ids of [x.identity, agePqKey]) {
        const out = await decryptSopsDocument(parsed, await keyringOf(ids));
        expect(out.value, JSON.stringify(rules)).toEqual(doc);
      }
    }
    const bySuffix = await decryptSopsDocument(
      await encryptSopsDocument(doc, { recipients: [x.recipient], encryptedSuffix: "word" }),
      await keyringOf(x.identity),
    );
    expect(bySuffix.paths).toEqual(["/spec/password"]);
    const bySpec = await decryptSopsDocument(
      await encryptSopsDocument(doc, { recipients: [x.recipient], encryptedRegex: "^spec$" }),
      await keyringOf(x.identity),
    );
    expect(bySpec.paths).toEqual([
      "/spec/host",
      "/spec/port",
      "/spec/ratio",
      "/spec/tls",
      "/spec/password",
      "/spec/tags/0",
      "/spec/tags/1",
      "/spec/nested/token",
      "/spec/nested/empty",
    ]);
  });

  it("the helper's output is read like the sops tool's: a forged value fails the MAC", async () => {
    const x = await newAgeIdentity();
    const enc = await encryptSopsDocument(doc, { recipients: [x.recipient], encryptedRegex: "^spec$" });
    const spec = enc.spec as Record<string, unknown>;
    // swapping two encrypted values (both authentic) is caught by the path as additional data
    const swapped = { ...enc, spec: { ...spec, host: spec.password, password: spec.host } };
    expect((await failure(decryptSopsDocument(swapped, await keyringOf(x.identity)))).code).toBe("SOPS_MAC_MISMATCH");
    // a plain value changed where nothing is encrypted is caught by the MAC
    const relabeled = { ...enc, metadata: { ...(enc.metadata as object), labels: { tier: "web" } } };
    expect((await failure(decryptSopsDocument(relabeled, await keyringOf(x.identity)))).code).toBe("SOPS_MAC_MISMATCH");
  });

  it("parses sops's own YAML fixtures identically with the yaml library", () => {
    expect(docOf(ageYaml)).toEqual(parse(ageYaml));
  });
});

describe("age on native crypto (X25519 stanzas, header MAC, payload)", () => {
  const encOf = (text: string) => ((docOf(text).sops as Record<string, unknown>).age as { enc: string }[])[0]!.enc;

  it("opens the sops tool's X25519 stanzas exactly as age-encryption does, and refuses a wrong key or a changed header", async () => {
    for (const f of [fixtures[0]!, fixtures[2]!]) {
      const file = armor.decode(encOf(f.text));
      const identity = f.key.split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1"))!;
      const lib = new Decrypter();
      lib.addIdentity(identity);
      const want = await lib.decrypt(file);
      const fileKey = nativeX25519FileKey(file, [nativeX25519Identity(identity)]);
      expect(fileKey).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(openAgePayload(fileKey!, splitAgeFile(file)!.payload))).toEqual(Buffer.from(want));
      const other = fixtures.find((g) => g !== f && g.name !== "algorithms/age-pq.yaml")!;
      expect(nativeX25519FileKey(file, [nativeX25519Identity(other.key.split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1"))!)])).toBeNull();
      // one byte of the stanza's share changed: the header MAC (or the wrap) no longer verifies
      const text = Buffer.from(file).toString("latin1");
      const at = text.indexOf("X25519 ") + 10;
      const forged = Buffer.from(text.slice(0, at) + (text.charAt(at) === "A" ? "B" : "A") + text.slice(at + 1), "latin1");
      expect(nativeX25519FileKey(forged, [nativeX25519Identity(identity)])).toBeNull();
    }
    // a post-quantum file is left to age-encryption
    expect(
      nativeX25519FileKey(armor.decode(encOf(agePqYaml)), [nativeX25519Identity(ageKey.split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1"))!)]),
    ).toBeUndefined();
  });
});
