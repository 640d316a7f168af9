import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { withLoader } from "~/utils/route";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { SubmitButton } from "~/components/ui/form";
import { translate, type Locale, type MessageKey } from "~/i18n";
import { unsubscribe, unsubscribeView, type UnsubscribeView } from "~/modules/notifications/unsubscribe.server";
import { metaLocale, pageTitle } from "~/utils/meta";
import { clientIp, localeOf } from "~/utils/request.server";

/**
 * One-click unsubscribe from digest emails, without signing in. GET shows a
 * confirmation page (a link scanner opening the URL changes nothing); POST —
 * the page's button, or a mail client's RFC 8058 one-click request — turns
 * the digest off. Texts are in the recipient's language.
 */
function texts(view: UnsubscribeView, fallback: Locale, done: boolean) {
  const locale = view.ok ? view.locale : fallback;
  const t = (k: MessageKey, p?: Record<string, string>) => translate(locale, k, p);
  return {
    locale,
    title: t("unsubscribe.title"),
    message: !view.ok
      ? t(view.reason === "expired" ? "unsubscribe.expired" : "unsubscribe.invalid")
      : done
        ? t("unsubscribe.done", { email: view.email })
        : view.frequency === "off"
          ? t("unsubscribe.already", { email: view.email })
          : t("unsubscribe.confirm", { email: view.email }),
    explain: view.ok && !done && view.frequency !== "off" ? t("unsubscribe.explain") : null,
    button: view.ok && !done && view.frequency !== "off" ? t("unsubscribe.button") : null,
    settings: t("unsubscribe.settings"),
  };
}

/**
 * The tab title is in the reader's language, like the rest of the browser's chrome and the document's `lang`
 * (the message itself is in the recipient's language, marked with its own `lang`).
 */
export const meta: MetaFunction<typeof loader> = ({ matches }) => [
  { title: pageTitle(metaLocale(matches), "unsubscribe.title") },
  { name: "robots", content: "noindex" },
];

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const view = await unsubscribeView(params.token ?? "");
  return json({ ok: view.ok, ...texts(view, localeOf(request), false) }, { status: view.ok ? 200 : 400, headers: { "Referrer-Policy": "no-referrer" } });
});

// Wrapped as a loader is: the page has no form state to keep, so a failure (a lost database) is the error page, not a 500.
export const action = withLoader(async ({ request, params }: ActionFunctionArgs) => {
  const view = await unsubscribe(params.token ?? "", clientIp(request));
  return json(
    { ok: view.ok, done: view.ok, ...texts(view, localeOf(request), view.ok) },
    { status: view.ok ? 200 : 400, headers: { "Referrer-Policy": "no-referrer" } },
  );
});

export default function Unsubscribe() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const v = acted ?? loaded;
  return (
    <div className="mx-auto max-w-lg py-12" lang={v.locale}>
      <div className="card space-y-4">
        <h1 className="text-xl font-semibold">{v.title}</h1>
        <p data-testid="unsubscribe-message" className={v.ok ? "text-slate-700" : "text-red-700"} role={v.ok ? undefined : "alert"}>
          {v.message}
        </p>
        {v.explain ? <p className="text-sm text-slate-500">{v.explain}</p> : null}
        <div className="flex flex-wrap gap-2">
          {v.button ? (
            <Form method="post">
              <SubmitButton className="btn-primary">{v.button}</SubmitButton>
            </Form>
          ) : null}
          <Link to="/settings" className="btn-secondary">
            {v.settings}
          </Link>
        </div>
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";
