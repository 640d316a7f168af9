import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getActor, setLocale } from "~/modules/auth/auth.server";
import { LocaleSchema } from "~/modules/auth/auth.schema.server";
import { formDataToObject } from "~/utils/http.server";
import { LOCALE_COOKIE, safeRedirectPath } from "~/utils/request.server";

export async function loader() {
  return redirect("/");
}

/** The language switcher: remembered on the user (when signed in) and in a cookie. */
export async function action({ request }: ActionFunctionArgs) {
  let values: Record<string, unknown> = {};
  try {
    values = formDataToObject(await request.formData());
  } catch {
    /* handled below as a bad value */
  }
  const parsed = LocaleSchema.safeParse(values);
  if (!parsed.success) throw new Response("Bad language", { status: 400 });
  const actor = await getActor(request);
  if (actor) await setLocale(actor, parsed.data.locale);
  return redirect(safeRedirectPath(parsed.data.redirectTo), {
    headers: { "Set-Cookie": `${LOCALE_COOKIE}=${parsed.data.locale}; Path=/; Max-Age=31536000; SameSite=Lax` },
  });
}
