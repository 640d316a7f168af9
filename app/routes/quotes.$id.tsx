import { ListTable, Th } from "~/components/list";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { Link } from "~/components/link";
import { QuoteBadge, StageBadge, bpText } from "~/components/deals";
import { Field, FormError, Notice, SubmitButton } from "~/components/ui/form";
import { PageHeader } from "~/components/ui/layout";
import { translate } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { bookQuoteAsOrder } from "~/modules/quotes/booking.server";
import { requireActor } from "~/modules/auth/auth.server";
import { PROTECTED_STAGES } from "~/modules/deals/state";
import { remapLineErrors } from "~/modules/quotes/quotes.schema";
import { QuoteCommentSchema, QuoteDraftSchema, QuoteNoteSchema, RefuseSchema } from "~/modules/quotes/quotes.schema.server";
import {
  acceptQuote,
  approveQuoteDiscount,
  createQuoteVersion,
  getQuotePage,
  proposeQuote,
  refuseQuoteDiscount,
  requestRevision,
  saveDraft,
} from "~/modules/quotes/quotes.server";
import { orderLinkFor } from "~/modules/orders/orders.views.server";
import { canReplaceQuote } from "~/modules/quotes/state";
import { minorToDecimal } from "~/utils/money";
import { parseForm } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { Facts, Fact } from "~/components/ui/record";
import { useIntentResult } from "~/components/intent-result";
import { IntentForm } from "~/components/intent-form";

export const meta = pageMeta<typeof loader>(
  "quotes.title",
  ({ quote }, locale) => `${quote.deal_title} ${translate(locale, "quotes.version", { n: quote.version })}`,
);

const BLANK_ROWS = 4;

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "quote:read");
  const page = await getQuotePage(actor, idParam(params.id));
  const q = page.quote;
  const latest = page.versions[page.versions.length - 1];
  const dealOpen = (PROTECTED_STAGES as readonly string[]).includes(q.deal_stage) && !!q.protection_expires_on && q.protection_expires_on >= page.today;
  return json({
    ...page,
    // The order the quote was booked as: the draft or the order it became, linked only where this reader may open it.
    bookedOrder: q.converted_order_id ? await orderLinkFor(actor, q.converted_order_id) : null,
    latestId: latest?.id ?? q.id,
    caps: {
      edit: can(actor, "quote:create") && q.status === "draft",
      approve: can(actor, "quote:approve_discount") && q.status === "pending_approval",
      answer: can(actor, "quote:accept") && q.effectiveStatus === "proposed",
      revise: can(actor, "quote:accept") && q.status === "proposed",
      book: can(actor, "order:create") && can(actor, "quote:accept") && q.status === "accepted" && q.valid_until >= page.today,
      newVersion: can(actor, "quote:create") && latest?.id === q.id && canReplaceQuote(q.status, q.valid_until, page.today) && dealOpen,
    },
  });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "quote:read");
  const id = idParam(params.id);
  return intentAction(request, {
    save: async (ctx) => {
      const form = await parseForm(request, QuoteDraftSchema, ctx.form);
      // Shown on the line that is wrong, with what was typed.
      if (!form.ok) return ctx.fail({ ...form, fieldErrors: remapLineErrors(form.fieldErrors, form.values) });
      await saveDraft(actor, id, form.data);
      return ctx.done("quotes.saved");
    },
    propose: async (ctx) => {
      const r = await proposeQuote(actor, id);
      return ctx.done(r.status === "pending_approval" ? "quotes.sentForApproval" : "quotes.proposed");
    },
    approve: (ctx) => ctx.submit(QuoteNoteSchema, (data) => approveQuoteDiscount(actor, id, data.note), "quotes.approvedMsg"),
    refuse: (ctx) => ctx.submit(RefuseSchema, (data) => refuseQuoteDiscount(actor, id, data.note), "quotes.refused"),
    accept: async (ctx) => {
      await acceptQuote(actor, id);
      return ctx.done("quotes.acceptedMsg");
    },
    revise: (ctx) => ctx.submit(QuoteCommentSchema, (data) => requestRevision(actor, id, data.comment), "quotes.revisionRequested"),
    newVersion: async () => {
      const page = await getQuotePage(actor, id);
      const q = await createQuoteVersion(actor, page.quote.deal_id);
      return redirect(`/quotes/${q.id}`);
    },
    book: async () => {
      const booked = await bookQuoteAsOrder(actor, id);
      return redirect(booked.number ? `/orders/${booked.number}` : `/orders/drafts/${booked.orderId}`);
    },
  });
});

/** One of the quote's actions: its error (and `help`) above its field and button. */
function ActionForm({ intent, help, children }: { intent: string; help?: ReactNode; children: ReactNode }) {
  return (
    <IntentForm intent={intent} className="flex flex-col items-start gap-1" help={help}>
      <div className="flex items-end gap-2">{children}</div>
    </IntentForm>
  );
}

export default function QuotePage() {
  const data = useLoaderData<typeof loader>();
  const result = useIntentResult();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const { quote, caps } = data;
  // The forms this reader is shown; each shows its own failure. A failure of any other (the quote moved on
  // meanwhile, so its form is gone) shows at the top of the page.
  const forms = {
    save: caps.edit,
    propose: caps.edit && data.lines.length > 0,
    approve: caps.approve,
    refuse: caps.approve,
    accept: caps.answer,
    revise: caps.revise,
    book: caps.book,
    newVersion: caps.newVersion,
  };
  const fe = result.errors("save");
  const v = result.values("save");
  const pname = (p: { name_en: string; name_zh: string }) => (locale === "en" ? p.name_en : p.name_zh);
  const rows = caps.edit
    ? [
        ...data.lines.map((l) => ({
          productId: String(l.product_id),
          quantity: String(l.quantity),
          unitPrice: minorToDecimal(l.unit_price_minor, quote.currency),
        })),
        ...Array.from({ length: BLANK_ROWS }, () => ({ productId: "", quantity: "", unitPrice: "" })),
      ]
    : [];
  return (
    <div className="space-y-4">
      <PageHeader
        title={`${t("quotes.title")} · ${quote.deal_title} · ${t("quotes.version", { n: quote.version })}`}
        crumbs={[
          { label: t("deals.title"), to: "/deals" },
          { label: `#${quote.deal_id}`, to: `/deals/${quote.deal_id}` },
          { label: t("quotes.version", { n: quote.version }) },
        ]}
        actions={
          <div className="no-print flex flex-wrap gap-2">
            <Link className="btn-secondary" to={`/quotes/${quote.id}/print`}>
              {t("documents.printQuotation")}
            </Link>
            {caps.newVersion ? (
              <ActionForm intent="newVersion">
                <SubmitButton className="btn-secondary">{t("quotes.newVersion")}</SubmitButton>
              </ActionForm>
            ) : null}
          </div>
        }
      />
      <FormError message={result.pageError(forms)} />
      <Notice message={result.done} />

      <Facts
        testId="quote-summary"
        footer={
          <>
            <div className="space-y-1 text-slate-700">
              <p>
                {t("quotes.maxDiscount")}: {bpText(quote.max_discount_bp)} — {t("quotes.limit", { pct: data.limitBp / 100 })}
              </p>
              {quote.terms ? (
                <p className="whitespace-pre-line">
                  {t("quotes.terms")}: {quote.terms}
                </p>
              ) : null}
              {quote.revision_comment ? <p className="text-amber-800">{t("quotes.revisionCommentShown", { comment: quote.revision_comment })}</p> : null}
              {quote.approval_note ? <p>{t("quotes.approvalNoteShown", { note: quote.approval_note })}</p> : null}
              {quote.approved_by_name ? <p>{t("quotes.approvedBy", { name: quote.approved_by_name })}</p> : null}
              {quote.accepted_by_name && quote.accepted_at ? (
                <p>{t("quotes.acceptedBy", { name: quote.accepted_by_name, date: f.dateTime(quote.accepted_at) })}</p>
              ) : null}
              {quote.effectiveStatus === "expired" ? <p className="text-red-700">{t("quotes.expiredNote")}</p> : null}
              {quote.status === "superseded" ? (
                <p>
                  {t("quotes.supersededNote")}{" "}
                  <Link className="link" to={`/quotes/${data.latestId}`}>
                    {t("quotes.openLatest")}
                  </Link>
                </p>
              ) : null}
              {data.bookedOrder ? (
                <p className="text-emerald-800" data-testid="booked-order">
                  {t("quotes.bookedAs")}{" "}
                  {data.bookedOrder.href ? (
                    <Link className="link" to={data.bookedOrder.href}>
                      {data.bookedOrder.number
                        ? t("quotes.orderNumber", { number: data.bookedOrder.number })
                        : t("quotes.draftOrder", { id: data.bookedOrder.id })}
                    </Link>
                  ) : data.bookedOrder.number ? (
                    t("quotes.orderNumber", { number: data.bookedOrder.number })
                  ) : (
                    t("quotes.draftOrder", { id: data.bookedOrder.id })
                  )}
                </p>
              ) : null}
            </div>
          </>
        }
      >
        <Fact label={t("quotes.status")} testId="quote-status">
          <QuoteBadge status={quote.effectiveStatus} />
        </Fact>
        <Fact label={t("deals.stage")}>
          <StageBadge stage={quote.deal_stage} />
        </Fact>
        <Fact label={t("deals.keyAccount")}>{quote.key_account_name}</Fact>
        <Fact label={t("deals.dealer")}>
          {quote.dealer_code} · {t(`tier.${quote.dealer_tier}` as "tier.gold")}
        </Fact>
        <Fact label={t("quotes.validUntil")}>{f.date(quote.valid_until)}</Fact>
        <Fact label={t("quotes.total")} className="font-semibold tabular-nums" testId="quote-total">
          {f.money(quote.total_minor, quote.currency)}
        </Fact>
      </Facts>

      {forms.propose || caps.approve || caps.answer || caps.revise || caps.book ? (
        <section className="card flex flex-wrap items-end gap-4" aria-label={t("deals.actions")} data-testid="quote-actions">
          {forms.propose ? (
            <ActionForm intent="propose">
              <SubmitButton>{t("quotes.propose")}</SubmitButton>
            </ActionForm>
          ) : null}
          {caps.approve ? (
            <>
              <ActionForm intent="approve">
                <Field {...result.field("approve", "note")} label={t("quotes.approvalNote")} maxLength={2000} />
                <SubmitButton>{t("quotes.approve")}</SubmitButton>
              </ActionForm>
              <ActionForm intent="refuse">
                <Field {...result.field("refuse", "note")} id="refuse-note" label={t("quotes.approvalNote")} maxLength={2000} />
                <SubmitButton className="btn-danger">{t("quotes.refuse")}</SubmitButton>
              </ActionForm>
            </>
          ) : null}
          {caps.answer ? (
            <ActionForm intent="accept">
              <SubmitButton>{t("quotes.accept")}</SubmitButton>
            </ActionForm>
          ) : null}
          {caps.revise ? (
            <ActionForm intent="revise">
              <Field {...result.field("revise", "comment")} label={t("quotes.revisionComment")} maxLength={2000} />
              <SubmitButton className="btn-secondary">{t("quotes.askRevision")}</SubmitButton>
            </ActionForm>
          ) : null}
          {caps.book ? (
            <ActionForm intent="book" help={<p className="text-xs text-slate-500">{t("quotes.bookHelp")}</p>}>
              <SubmitButton>{t("quotes.book")}</SubmitButton>
            </ActionForm>
          ) : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="lines-h">
        <h2 id="lines-h" className="mb-3 font-semibold">
          {t("quotes.lines")}
        </h2>
        {data.lines.length === 0 ? (
          <p className="text-sm text-slate-600">{t("quotes.noLinesYet")}</p>
        ) : (
          <ListTable
            testId="quote-lines"
            bare
            head={
              <>
                <Th>{t("quotes.product")}</Th>
                <Th num>{t("quotes.quantity")}</Th>
                <Th num>{t("quotes.listPrice")}</Th>
                <Th num>{t("quotes.tierPrice", { tier: t(`tier.${quote.dealer_tier}` as "tier.gold") })}</Th>
                <Th num>{t("quotes.unitPrice")}</Th>
                <Th num>{t("quotes.discount")}</Th>
                <Th num>{t("quotes.lineTotal")}</Th>
              </>
            }
          >
            {data.lines.map((l) => (
              <tr key={l.id}>
                <td>
                  <span className="font-mono text-xs">{l.sku}</span> {pname(l)}
                </td>
                <td className="text-right tabular-nums">{f.number(l.quantity)}</td>
                <td className="text-right tabular-nums">{f.money(l.list_price_minor, quote.currency)}</td>
                <td className="text-right tabular-nums">{f.money(l.tier_price_minor, quote.currency)}</td>
                <td className="text-right font-medium tabular-nums">{f.money(l.unit_price_minor, quote.currency)}</td>
                <td className={`text-right tabular-nums ${l.discount_bp > data.limitBp ? "font-semibold text-amber-700" : ""}`}>{bpText(l.discount_bp)}</td>
                <td className="text-right tabular-nums">{f.money(l.line_total_minor, quote.currency)}</td>
              </tr>
            ))}
          </ListTable>
        )}
      </section>

      {caps.edit ? (
        <IntentForm intent="save" className="card space-y-3" testId="quote-editor" help={<p className="text-sm text-slate-600">{t("quotes.editHelp")}</p>}>
          <ListTable
            bare
            head={
              <>
                <Th>{t("quotes.product")}</Th>
                <Th>{t("quotes.quantity")}</Th>
                <Th>{t("quotes.unitPrice")}</Th>
              </>
            }
          >
            {rows.map((r, i) => (
              <tr key={i}>
                <td>
                  <label htmlFor={`productId_${i}`} className="sr-only">
                    {t("quotes.product")}
                  </label>
                  <select
                    id={`productId_${i}`}
                    name={`productId_${i}`}
                    className="input"
                    defaultValue={String(v[`productId_${i}`] ?? r.productId)}
                    aria-invalid={fe[`productId_${i}`] ? true : undefined}
                  >
                    <option value="">{t("quotes.choose")}</option>
                    {data.products.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.sku} · {pname(p)} · {t("quotes.listPrice")} {f.money(p.list_price_minor, quote.currency)} ·{" "}
                        {f.money(p.tier_price_minor ?? p.list_price_minor, quote.currency)}
                      </option>
                    ))}
                  </select>
                  {fe[`productId_${i}`] ? (
                    <p className="mt-1 text-sm text-red-600" role="alert">
                      {fe[`productId_${i}`]}
                    </p>
                  ) : null}
                </td>
                <td>
                  <label htmlFor={`quantity_${i}`} className="sr-only">
                    {t("quotes.quantity")}
                  </label>
                  <input
                    id={`quantity_${i}`}
                    name={`quantity_${i}`}
                    inputMode="numeric"
                    className="input w-28"
                    defaultValue={String(v[`quantity_${i}`] ?? r.quantity)}
                    aria-invalid={fe[`quantity_${i}`] ? true : undefined}
                  />
                  {fe[`quantity_${i}`] ? (
                    <p className="mt-1 text-sm text-red-600" role="alert">
                      {fe[`quantity_${i}`]}
                    </p>
                  ) : null}
                </td>
                <td>
                  <label htmlFor={`unitPrice_${i}`} className="sr-only">
                    {t("quotes.unitPrice")}
                  </label>
                  <input
                    id={`unitPrice_${i}`}
                    name={`unitPrice_${i}`}
                    inputMode="decimal"
                    className="input w-36"
                    defaultValue={String(v[`unitPrice_${i}`] ?? r.unitPrice)}
                    aria-invalid={fe[`unitPrice_${i}`] ? true : undefined}
                  />
                  {fe[`unitPrice_${i}`] ? (
                    <p className="mt-1 text-sm text-red-600" role="alert">
                      {fe[`unitPrice_${i}`]}
                    </p>
                  ) : null}
                </td>
              </tr>
            ))}
          </ListTable>
          <div className="grid gap-3 sm:grid-cols-3">
            <Field
              name="validUntil"
              type="date"
              label={t("quotes.validUntil")}
              min={data.today}
              defaultValue={String(v.validUntil ?? quote.valid_until)}
              error={fe.validUntil}
            />
            <div className="sm:col-span-2">
              <Field name="terms" label={t("quotes.terms")} defaultValue={String(v.terms ?? quote.terms ?? "")} error={fe.terms} maxLength={4000} />
            </div>
          </div>
          <SubmitButton pendingText={t("common.saving")}>{t("quotes.save")}</SubmitButton>
        </IntentForm>
      ) : null}

      {data.versions.length > 1 ? (
        <section className="card" aria-labelledby="versions-h">
          <h2 id="versions-h" className="font-semibold">
            {t("quotes.versions")}
          </h2>
          <p className="mb-3 text-sm text-slate-600">{t("quotes.versionsHelp")}</p>
          <ListTable
            testId="quote-versions"
            bare
            head={
              <>
                <Th>{t("quotes.product")}</Th>
                {data.versions.map((ver) => (
                  <th key={ver.id} scope="col" className={ver.id === quote.id ? "bg-brand-50" : ""}>
                    <Link className="link" to={`/quotes/${ver.id}`}>
                      {t("quotes.versionShort", { n: ver.version })}
                    </Link>{" "}
                    <QuoteBadge status={ver.effectiveStatus} />
                  </th>
                ))}
              </>
            }
          >
            {data.comparison.map((row) => (
              <tr key={row.productId}>
                <td>
                  <span className="font-mono text-xs">{row.sku}</span> {pname(row)}
                </td>
                {row.cells.map((c, i) => {
                  const prev = i > 0 ? row.cells[i - 1] : null;
                  const changed = !!prev && !!c && (prev.unitPrice !== c.unitPrice || prev.quantity !== c.quantity);
                  return (
                    <td key={i} className={`tabular-nums ${changed ? "font-semibold text-brand-700" : ""}`}>
                      {c ? `${f.number(c.quantity)} × ${f.money(c.unitPrice, quote.currency)} (${bpText(c.discountBp)})` : "—"}
                    </td>
                  );
                })}
              </tr>
            ))}
            <tr>
              <th scope="row" className="text-left">
                {t("quotes.total")}
              </th>
              {data.versions.map((ver) => (
                <td key={ver.id} className="font-semibold tabular-nums">
                  {f.money(ver.total_minor, quote.currency)}
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row" className="text-left">
                {t("quotes.validUntil")}
              </th>
              {data.versions.map((ver) => (
                <td key={ver.id}>{f.date(ver.valid_until)}</td>
              ))}
            </tr>
          </ListTable>
        </section>
      ) : null}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";
