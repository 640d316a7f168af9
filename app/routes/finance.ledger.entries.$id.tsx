import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { Amount, EntryDescription, EntryType, SourceLinks } from "~/components/ledger";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { useFormat, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { getEntry, reverseLedgerEntry } from "~/modules/ledger/ledger.server";
import { ReverseSchema } from "~/modules/ledger/ledger.schema.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("ledger.entryTitle", ({ entry }) => `#${entry.id}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "ledger:post");
  return json(await getEntry(actor, idParam(params.id)));
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "ledger:post");
  const id = idParam(params.id);
  const form = await parseForm(request, ReverseSchema);
  if (!form.ok) return json(form, { status: 400 });
  const reversal = await reverseLedgerEntry(actor, id, form.data.reason);
  return redirect(`/finance/ledger/entries/${id}?reversed=${reversal}`);
});

export default function EntryDetail() {
  const { entry: e, statement, canReverse } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const f = useFormat();
  const reversed = sp.get("reversed");
  const row = (label: string, value: React.ReactNode) => (
    <>
      <dt className="text-slate-500">{label}</dt>
      <dd className="sm:col-span-2">{value}</dd>
    </>
  );
  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader
        title={t("ledger.entry", { id: e.id })}
        crumbs={[{ label: t("ledger.title"), to: "/finance/ledger" }, { label: e.dealer_code, to: `/finance/ledger/${e.dealer_id}` }, { label: `#${e.id}` }]}
      />
      <Notice message={reversed ? t("ledger.reversed", { id: reversed }) : undefined} />
      <dl className="card grid gap-2 text-sm sm:grid-cols-3" data-testid="entry-detail">
        {row(
          t("ledger.dealer"),
          <Link className="link" to={`/finance/ledger/${e.dealer_id}`}>
            {e.dealer_code} · {e.dealer_name}
          </Link>,
        )}
        {row(t("ledger.type"), <EntryType type={e.entry_type} />)}
        {row(t("ledger.amount"), <Amount minor={e.amount_minor} currency={e.currency} className="font-semibold" />)}
        {row(t("ledger.businessDate"), f.date(e.business_date))}
        {row(t("ledger.dueDate"), f.date(e.due_date))}
        {row(t("ledger.description"), <EntryDescription e={e} />)}
        {row(t("ledger.source"), <SourceLinks e={e} finance />)}
        {row(t("ledger.postedBy"), e.created_by_name ?? "—")}
        {row(t("ledger.postedAt"), f.dateTime(e.created_at))}
        {row(
          t("statements.title"),
          statement ? (
            <Link className="link" to={`/statements/${statement.id}`}>
              {t("ledger.onStatement", { period: statement.period, line: statement.line_no })}
            </Link>
          ) : (
            t("ledger.notOnStatement")
          ),
        )}
        {e.reversed_by_id
          ? row(
              t("ledger.reverse"),
              <Link className="link" to={`/finance/ledger/entries/${e.reversed_by_id}`}>
                {t("ledger.reversedBy", { id: e.reversed_by_id })}
              </Link>,
            )
          : null}
      </dl>
      {canReverse ? (
        <Form method="post" className="card space-y-3" noValidate>
          <h2 className="font-semibold">{t("ledger.reverse")}</h2>
          <p className="text-sm text-slate-600">{t("ledger.reverseHelp")}</p>
          <FormError message={failure?.formError} />
          <Field
            name="reason"
            label={t("ledger.reverseReason")}
            defaultValue={String(failure?.values.reason ?? "")}
            error={failure?.fieldErrors.reason}
            required
            maxLength={300}
          />
          <SubmitButton className="btn-danger" pendingText={t("common.submitting")}>
            {t("ledger.reverse")}
          </SubmitButton>
        </Form>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";
