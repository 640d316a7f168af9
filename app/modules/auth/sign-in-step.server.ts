/** The HTTP side shared by the sign-in steps after the password (/login/two-factor, /login/enrol). */
import { redirect } from "@remix-run/node";
import { parseForm, type FormFailure } from "~/utils/http.server";
import { endChallenge, readChallenge } from "./sign-in-challenge.server";
import { SecondFactorCodeSchema } from "./two-factor.schema.server";

/**
 * A step's POST: "cancel" ends the challenge (back to /login), no live challenge goes to /login,
 * a bad form comes back as a failure (400), else the typed code.
 */
export async function readStepForm(request: Request, fd: FormData): Promise<Response | FormFailure | { code: string }> {
  if (fd.get("intent") === "cancel") return redirect("/login", { headers: { "Set-Cookie": await endChallenge(request) } });
  if (!(await readChallenge(request))) return redirect("/login");
  const form = await parseForm(request, SecondFactorCodeSchema, fd);
  return form.ok ? { code: form.data.code } : form;
}

export function setCookies(cookies: string[]): Headers {
  const headers = new Headers();
  for (const c of cookies) headers.append("Set-Cookie", c);
  return headers;
}
