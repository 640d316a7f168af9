import { Form } from "@remix-run/react";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { Badge } from "~/components/ui/layout";
import { Section } from "~/components/ui/record";
import { ListTable, Th, ListEmpty } from "~/components/list";
import { Link } from "~/components/link";
import { useFormat, useT } from "~/i18n/react";
import { API_SCOPE_LIST, API_WRITE_SCOPES } from "~/modules/auth/permissions";

export type TokenView = {
  id: number;
  name: string;
  tokenPrefix: string;
  scopes: string[];
  ipAllow: string[];
  createdAt: string;
  createdByName: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  expiresAt: string | null;
  status: "active" | "revoked" | "expired";
};

export type TokenActionData =
  | { ok: true; intent: string; message: string; created?: { name: string; secret: string } }
  | { ok: false; intent: string; formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> };

const STATUS_TONE = { active: "green", revoked: "slate", expired: "amber" } as const;

/** The token page's body: the secret (once, after creating), the create form, the list with revoke buttons. */
export function ApiTokens({ tokens, data }: { tokens: TokenView[]; data: TokenActionData | undefined }) {
  const t = useT();
  const f = useFormat();
  const failure = data && data.ok === false && data.intent === "create" ? data : undefined;
  const revokeFailure = data && data.ok === false && data.intent === "revoke" ? data : undefined;
  const created = data && data.ok === true ? data.created : undefined;
  const values = failure?.values ?? {};
  const chosen = new Set(Array.isArray(values.scopes) ? (values.scopes as string[]) : typeof values.scopes === "string" ? [values.scopes] : []);
  return (
    <>
      <p className="text-sm text-slate-600">
        {t("apiTokens.help")}{" "}
        <Link to="/api/docs" className="link">
          {t("apiTokens.docsLink")}
        </Link>
      </p>
      <Notice message={data && data.ok === true ? data.message : undefined} />
      <FormError message={revokeFailure?.formError} />
      {created ? (
        <Section title={t("apiTokens.secretTitle")} id="token-secret" help={t("apiTokens.secretHelp")} className="border-amber-300 bg-amber-50">
          <label htmlFor="token-secret-value" className="label">
            {t("apiTokens.secretLabel", { name: created.name })}
          </label>
          <input id="token-secret-value" readOnly value={created.secret} className="input font-mono text-sm" data-testid="token-secret" translate="no" />
        </Section>
      ) : null}
      <Section title={t("apiTokens.new")} id="new-token">
        <Form method="post" className="space-y-4" noValidate key={created ? `done-${created.secret.slice(0, 12)}` : "new"}>
          <input type="hidden" name="intent" value="create" />
          <FormError message={failure?.formError} />
          <Field
            name="name"
            label={t("apiTokens.name")}
            help={t("apiTokens.nameHelp")}
            defaultValue={String(values.name ?? "")}
            error={failure?.fieldErrors.name}
            maxLength={80}
            required
          />
          <fieldset aria-describedby="scopes-help" aria-invalid={failure?.fieldErrors.scopes ? true : undefined}>
            <legend className="label">{t("apiTokens.scopes")}</legend>
            <p id="scopes-help" className="mb-2 text-xs text-slate-500">
              {t("apiTokens.scopesHelp")}
            </p>
            <div className="grid gap-2 sm:grid-cols-2">
              {API_SCOPE_LIST.map((s) => (
                <label key={s} className="flex items-start gap-2 text-sm">
                  <input type="checkbox" name="scopes" value={s} defaultChecked={chosen.has(s)} className="mt-1" />
                  <span>
                    <code className="text-xs" translate="no">
                      {s}
                    </code>{" "}
                    · {t(`apiScope.${s}`)}
                    {API_WRITE_SCOPES.includes(s) ? <span className="sr-only"> (write)</span> : null}
                  </span>
                </label>
              ))}
            </div>
            {failure?.fieldErrors.scopes ? (
              <p className="mt-1 text-sm text-red-600" role="alert">
                {failure.fieldErrors.scopes}
              </p>
            ) : null}
          </fieldset>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              name="expiresOn"
              type="date"
              label={t("apiTokens.expiresOn")}
              help={t("apiTokens.expiresOnHelp")}
              defaultValue={String(values.expiresOn ?? "")}
              error={failure?.fieldErrors.expiresOn}
            />
            <Field name="ipAllow" label={t("apiTokens.ipAllow")} help={t("apiTokens.ipAllowHelp")} error={failure?.fieldErrors.ipAllow}>
              <textarea
                id="f-ipAllow"
                name="ipAllow"
                rows={2}
                className="input font-mono text-sm"
                defaultValue={String(values.ipAllow ?? "")}
                aria-invalid={failure?.fieldErrors.ipAllow ? true : undefined}
                aria-describedby={`f-ipAllow-help${failure?.fieldErrors.ipAllow ? " f-ipAllow-error" : ""}`}
              />
            </Field>
          </div>
          <SubmitButton pendingText={t("common.saving")}>{t("apiTokens.create")}</SubmitButton>
        </Form>
      </Section>
      <section aria-labelledby="token-list" className="space-y-2">
        <h2 id="token-list" className="font-semibold">
          {t("apiTokens.list")}
        </h2>
        <ListTable
          testId="api-tokens"
          empty={tokens.length === 0 ? <ListEmpty message={t("apiTokens.empty")} /> : undefined}
          head={
            <>
              <Th>{t("apiTokens.name")}</Th>
              <Th>{t("apiTokens.scopes")}</Th>
              <Th>{t("apiTokens.createdAt")}</Th>
              <Th>{t("apiTokens.lastUsed")}</Th>
              <Th>{t("apiTokens.expires")}</Th>
              <Th>{t("apiTokens.status")}</Th>
              <Th>
                <span className="sr-only">{t("apiTokens.revoke")}</span>
              </Th>
            </>
          }
        >
          {tokens.map((tk) => (
            <tr key={tk.id}>
              <td>
                <div className="font-medium">{tk.name}</div>
                <div className="font-mono text-xs text-slate-500" translate="no">
                  {tk.tokenPrefix}…
                </div>
                {tk.ipAllow.length ? (
                  <div className="font-mono text-xs text-slate-500" translate="no">
                    {tk.ipAllow.join(", ")}
                  </div>
                ) : (
                  <div className="text-xs text-slate-500">{t("apiTokens.anyIp")}</div>
                )}
              </td>
              <td className="text-xs">
                {tk.scopes.map((s) => (
                  <code key={s} className="mr-1 inline-block" translate="no">
                    {s}
                  </code>
                ))}
              </td>
              <td className="text-sm">
                {f.dateTime(tk.createdAt)}
                {tk.createdByName ? <div className="text-xs text-slate-500">{tk.createdByName}</div> : null}
              </td>
              <td className="text-sm">
                {tk.lastUsedAt ? f.dateTime(tk.lastUsedAt) : t("apiTokens.never")}
                {tk.lastUsedIp ? (
                  <div className="font-mono text-xs text-slate-500" translate="no">
                    {tk.lastUsedIp}
                  </div>
                ) : null}
              </td>
              <td className="text-sm">{tk.expiresAt ? f.dateTime(tk.expiresAt) : t("apiTokens.noExpiry")}</td>
              <td>
                <Badge tone={STATUS_TONE[tk.status]}>{t(`apiTokens.status.${tk.status}`)}</Badge>
              </td>
              <td>
                {tk.status === "revoked" ? null : (
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="tokenId" value={tk.id} />
                    <SubmitButton className="btn-secondary" aria-label={t("apiTokens.revokeNamed", { name: tk.name })}>
                      {t("apiTokens.revoke")}
                    </SubmitButton>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </ListTable>
      </section>
    </>
  );
}
