import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ListTable, Th } from "~/components/list";
import { useWebhookEventLabel } from "~/components/webhooks";
import { PageHeader } from "~/components/ui/layout";
import { Section } from "~/components/ui/record";
import { useT } from "~/i18n/react";
import { endpointList } from "~/modules/api/openapi.server";
import { API_SCOPE_LIST } from "~/modules/auth/permissions";
import { WEBHOOK_EVENT_TYPES } from "~/modules/webhooks/webhooks.schema";
import { env } from "~/utils/env.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("apiDocs.title");

const PROBLEM_TYPES = [
  "unauthorized",
  "forbidden",
  "not-found",
  "method-not-allowed",
  "conflict",
  "idempotency-key-reused",
  "payload-too-large",
  "unsupported-media-type",
  "validation",
  "rate-limited",
  "unavailable",
  "internal",
] as const;

/** The Dealer API's reference page (public: it holds no dealer data); the OpenAPI document is the reference. */
export async function loader(_args: LoaderFunctionArgs) {
  const e = env();
  return json({
    endpoints: endpointList(),
    origin: e.APP_ORIGIN ?? "",
    perMinute: e.API_RATE_LIMIT_PER_MINUTE,
    kib: Math.round(e.API_BODY_LIMIT_BYTES / 1024),
  });
}

function Code({ children }: { children: string }) {
  return (
    <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100" tabIndex={0} translate="no">
      <code>{children}</code>
    </pre>
  );
}

export default function ApiDocs() {
  const { endpoints, origin, perMinute, kib } = useLoaderData<typeof loader>();
  const t = useT();
  const eventLabel = useWebhookEventLabel();
  const base = origin || "https://portal.example.com";
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={t("apiDocs.title")} crumbs={[{ label: t("nav.home"), to: "/" }, { label: t("apiDocs.title") }]} />
      <p className="text-sm text-slate-700">{t("apiDocs.intro")}</p>
      <p>
        <a href="/api/v1/openapi.json" className="link">
          {t("apiDocs.openapi")}
        </a>
      </p>
      <Section title={t("apiDocs.authTitle")} id="auth">
        <p className="mb-2 text-sm">{t("apiDocs.auth")}</p>
        <Code>{`curl -H "Authorization: Bearer $DD_TOKEN" ${base}/api/v1/products?q=AC-`}</Code>
      </Section>
      <Section title={t("apiDocs.scopesTitle")} id="scopes">
        <ul className="space-y-1 text-sm">
          {API_SCOPE_LIST.map((s) => (
            <li key={s}>
              <code translate="no">{s}</code> · {t(`apiScope.${s}`)}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t("apiDocs.idempotencyTitle")} id="idempotency">
        <p className="mb-2 text-sm">{t("apiDocs.idempotency")}</p>
        <Code>{`curl -X POST ${base}/api/v1/orders \\
  -H "Authorization: Bearer $DD_TOKEN" -H "Content-Type: application/json" \\
  -H "Idempotency-Key: erp-po-2026-0042" \\
  -d '{"submit": true, "addressId": 12, "requestedDate": "2027-01-15",
       "poReference": "PO-2026-0042", "lines": [{"sku": "AC-1000", "quantity": 4}]}'`}</Code>
      </Section>
      <Section title={t("apiDocs.pagingTitle")} id="paging">
        <p className="mb-2 text-sm">{t("apiDocs.paging")}</p>
        <Code>{`curl -H "Authorization: Bearer $DD_TOKEN" "${base}/api/v1/orders?updatedSince=2026-12-01T00:00:00Z&limit=100"`}</Code>
      </Section>
      <Section title={t("apiDocs.errorsTitle")} id="errors">
        <p className="mb-2 text-sm">{t("apiDocs.errors")}</p>
        <h3 className="mb-1 mt-3 text-sm font-semibold">{t("apiDocs.problemTypesTitle")}</h3>
        <ul className="grid gap-1 text-sm sm:grid-cols-2">
          {PROBLEM_TYPES.map((p) => (
            <li key={p} id={`problem-${p}`} translate="no">
              <code>/api/docs#problem-{p}</code>
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t("apiDocs.webhooksTitle")} id="webhooks">
        <p className="mb-2 text-sm">{t("apiDocs.webhooks")}</p>
        <h3 className="mb-1 mt-3 text-sm font-semibold">{t("apiDocs.webhookEvents")}</h3>
        <ul className="mb-3 space-y-1 text-sm">
          {WEBHOOK_EVENT_TYPES.map((e) => (
            <li key={e}>
              <code translate="no">{e}</code> · {eventLabel(e)}
            </li>
          ))}
        </ul>
        <Code>{`import { createHmac, timingSafeEqual } from "node:crypto";
function verified(secret, header, rawBody, nowSeconds = Math.floor(Date.now() / 1000)) {
  const { t, v1 } = Object.fromEntries(header.split(",").map((p) => p.split("=")));
  if (!t || !v1 || Math.abs(nowSeconds - Number(t)) > 300) return false;
  const mac = createHmac("sha256", secret).update(\`\${t}.\${rawBody}\`).digest();
  return v1.length === 64 && timingSafeEqual(mac, Buffer.from(v1, "hex"));
}`}</Code>
      </Section>
      <Section title={t("apiDocs.limitsTitle")} id="limits">
        <p className="text-sm">{t("apiDocs.limits", { perMinute, kib })}</p>
      </Section>
      <section aria-labelledby="endpoints" className="space-y-2">
        <h2 id="endpoints" className="font-semibold">
          {t("apiDocs.endpointsTitle")}
        </h2>
        <ListTable
          testId="api-endpoints"
          head={
            <>
              <Th>{t("apiDocs.method")}</Th>
              <Th>{t("apiDocs.path")}</Th>
              <Th>{t("apiDocs.scope")}</Th>
              <Th>{t("apiDocs.summary")}</Th>
            </>
          }
        >
          {endpoints.map((e) => (
            <tr key={`${e.method} ${e.path}`}>
              <td translate="no">
                <code>{e.method}</code>
              </td>
              <td translate="no">
                <code className="text-xs">{e.path}</code>
              </td>
              <td translate="no">
                <code className="text-xs">{e.scope}</code>
              </td>
              <td className="text-sm">{t(`apiOp.${e.operationId}`)}</td>
            </tr>
          ))}
        </ListTable>
      </section>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";
