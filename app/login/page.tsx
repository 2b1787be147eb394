import { redirect } from "next/navigation";
import { getPagePrincipal } from "@/lib/server/auth/page-auth";
import { LoginForm } from "@/components/login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  if (await getPagePrincipal()) redirect("/");
  return <LoginForm />;
}
