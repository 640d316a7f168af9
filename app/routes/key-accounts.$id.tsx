import { ListTable, Th } from "~/components/list";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { Link } from "~/components/link";
import { DealLink, QuoteBadge, StageBadge } from "~/components/deals";
import { KeyAccountFields } from "~/components/KeyAccountForm";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { ContactSchema, KeyAccountSchema, OfferLeadSchema, ContactIdSchema } from "~/modules/deals/deals.schema.server";
import { addContact, getKeyAccountPage, keyAccountFormOptions, offerLead, removeContact, updateKeyAccount } from "~/modules/deals/key-accounts.server";
import { intentAction } from "~/utils/intent.server";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";
import { keyAccountEventKey } from "~/modules/audit/event-types";
import { pageMeta } from "~/utils/meta";
import { ScrollX } from "~/components/ui/scroll-x";
import { Section, Facts, Fact } from "~/components/ui/record";
import { useIntentResult } from "~/components/intent-result";
import { IntentForm } from "~/components/intent-form";

export const meta = pageMeta<typeof loader>("deals.keyAccount", ({ account }) => account.name);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "key_account:read");
  const page = await getKeyAccountPage(actor, idParam(params.id));
  return json({ ...page, ...(await keyAccountFormOptions(actor)) });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "key_account:read");
  const id = idParam(params.id);
  return intentAction(request, {
    update: (ctx) => ctx.submit(KeyAccountSchema, (data) => updateKeyAccount(actor, id, data), "keyAccounts.updated"),
    addContact: (ctx) => ctx.submit(ContactSchema, (data) => addContact(actor, id, data), "keyAccounts.contactAdded"),
    removeContact: (ctx) => ctx.submit(ContactIdSchema, (data) => removeContact(actor, id, data.contactId), "keyAccounts.contactRemoved"),
    offerLead: (ctx) => ctx.submit(OfferLeadSchema, (data) => offerLead(actor, id, data), "leads.offered"),
  });
});

export default function KeyAccountPage() {
  const data = useLoaderData<typeof loader>();
  const result = useIntentResult();
  const [sp] = useSearchParams();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const a = data.account;
  const notice = result.done ?? (sp.get("created") ? t("keyAccounts.created") : undefined);
  const lineName = (l: { name_en: string; name_zh: string }) => (locale === "en" ? l.name_en : l.name_zh);
  const bought = new Set(data.purchases.map((p) => p.code));
  const profileValues =
    result.failure?.intent === "update"
      ? result.values("update")
      : {
          name: a.name,
          creditCode: a.credit_code ?? "",
          industry: a.industry,
          region: a.region,
          size: a.size,
          notes: a.notes ?? "",
          ownerId: String(a.owner_id),
        };
  return (
    <div className="space-y-4">
      <PageHeader title={a.name} crumbs={[{ label: t("keyAccounts.title"), to: "/key-accounts" }, { label: a.name }]} />
      <FormError message={result.pageError({ removeContact: true, addContact: true, offerLead: data.canOfferLead, update: true })} />
      <Notice message={notice} />
      <Facts testId="key-account-profile" footer={a.notes ? <div className="whitespace-pre-line">{a.notes}</div> : undefined}>
        <Fact label={t("keyAccounts.creditCode")} className="font-mono text-xs">
          {a.credit_code ?? "—"}
        </Fact>
        <Fact label={t("keyAccounts.industry")}>{t(`keyAccounts.industry.${a.industry}` as "keyAccounts.industry.other")}</Fact>
        <Fact label={t("common.region")}>{a.region ? t(`region.${a.region}` as "region.east") : "—"}</Fact>
        <Fact label={t("keyAccounts.size")}>{t(`keyAccounts.size.${a.size}` as "keyAccounts.size.medium")}</Fact>
        <Fact label={t("keyAccounts.owner")}>{a.owner_name}</Fact>
        <Fact label={t("keyAccounts.openDeals")}>
          {f.number(data.deals.filter((d) => ["registered", "conflict", "approved", "negotiating", "quoted"].includes(d.stage)).length)}
        </Fact>
      </Facts>

      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Section className="overflow-x-auto" title={t("keyAccounts.deals")} id="deals-h">
            {data.deals.length === 0 ? (
              <p className="text-sm text-slate-600">{t("keyAccounts.dealsEmpty")}</p>
            ) : (
              <ListTable
                testId="ka-deals"
                bare
                head={
                  <>
                    <Th>{t("deals.deal")}</Th>
                    <Th>{t("deals.dealer")}</Th>
                    <Th>{t("deals.productLines")}</Th>
                    <Th>{t("deals.stage")}</Th>
                    <Th num>{t("deals.value")}</Th>
                    <Th>{t("deals.protection")}</Th>
                  </>
                }
              >
                {data.deals.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <DealLink deal={d} />
                    </td>
                    <td>{d.dealer_code}</td>
                    <td className="text-xs">{d.line_codes}</td>
                    <td>
                      <StageBadge stage={d.stage} />
                    </td>
                    <td className="text-right tabular-nums">{f.money(d.estimated_value_minor, d.currency)}</td>
                    <td>{f.date(d.protection_expires_on)}</td>
                  </tr>
                ))}
              </ListTable>
            )}
          </Section>

          <Section title={t("keyAccounts.purchases")} id="purchases-h" help={t("keyAccounts.purchasesHelp")}>
            <ListTable
              testId="ka-purchases"
              bare
              head={
                <>
                  <Th>{t("deals.productLines")}</Th>
                  <Th num>{t("keyAccounts.orderedQty")}</Th>
                  <Th num>{t("keyAccounts.shippedQty")}</Th>
                  <Th num>{t("keyAccounts.orderedValue")}</Th>
                  <Th num>{t("keyAccounts.shippedValue")}</Th>
                  <Th>{t("keyAccounts.lastOrder")}</Th>
                </>
              }
            >
              {data.purchases.map((p) => (
                <tr key={p.code}>
                  <td>{lineName(p)}</td>
                  <td className="text-right tabular-nums">{f.number(p.orderedQty)}</td>
                  <td className="text-right tabular-nums">{f.number(p.shippedQty)}</td>
                  <td className="text-right tabular-nums">{f.money(p.orderedMinor)}</td>
                  <td className="text-right tabular-nums">{f.money(p.shippedMinor)}</td>
                  <td>{f.dateTime(p.lastOrderAt)}</td>
                </tr>
              ))}
              {data.productLines
                .filter((l) => !bought.has(l.code))
                .map((l) => (
                  <tr key={l.code} className="text-slate-500">
                    <td>{lineName(l)}</td>
                    <td colSpan={5}>
                      <Badge tone="amber">{t("keyAccounts.noPurchaseYet")}</Badge>
                    </td>
                  </tr>
                ))}
            </ListTable>
          </Section>

          <Section className="overflow-x-auto" title={t("keyAccounts.quotes")} id="quotes-h">
            <RowsOrEmpty empty={data.quotes.length === 0 && t("deals.quotesEmpty")}>
              {data.quotes.map((q) => (
                <tr key={q.id}>
                  <td>
                    <Link className="link" to={`/quotes/${q.id}`}>
                      {q.deal_title} · {t("quotes.versionShort", { n: q.version })}
                    </Link>
                  </td>
                  <td>{q.dealer_code}</td>
                  <td>
                    <QuoteBadge status={q.status} />
                  </td>
                  <td>{f.date(q.valid_until)}</td>
                  <td className="text-right tabular-nums">{f.money(q.total_minor, q.currency)}</td>
                </tr>
              ))}
            </RowsOrEmpty>
          </Section>

          <Section className="overflow-x-auto" title={t("keyAccounts.orders")} id="orders-h">
            <RowsOrEmpty empty={data.orders.length === 0 && t("deals.ordersEmpty")}>
              {data.orders.map((o) => (
                <tr key={o.id}>
                  <td>
                    {o.number ? (
                      <Link className="link" to={`/orders/${o.number}`}>
                        {o.number}
                      </Link>
                    ) : (
                      t("quotes.draftOrder", { id: o.id })
                    )}
                  </td>
                  <td>{o.dealer_code}</td>
                  <td>{t(`dash.orderStatus.${o.status}` as MessageKey)}</td>
                  <td>{f.dateTime(o.created_at)}</td>
                  <td className="text-right tabular-nums">{f.money(o.total_minor, o.currency)}</td>
                </tr>
              ))}
            </RowsOrEmpty>
            {data.shipments.length ? (
              <>
                <h3 className="mb-1 mt-3 text-sm font-semibold">{t("keyAccounts.shipments")}</h3>
                <ul className="space-y-1 text-sm">
                  {data.shipments.map((s) => (
                    <li key={s.id}>
                      {s.number} · {s.order_number ?? `#${s.order_id}`} · {f.date(s.shipped_on)} · {s.carrier} · {f.money(s.value_minor)}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </Section>

          <Section className="overflow-x-auto" title={t("keyAccounts.history")} id="history-h">
            {data.activities.length === 0 && data.events.length === 0 ? (
              <p className="text-sm text-slate-600">{t("keyAccounts.historyEmpty")}</p>
            ) : (
              <ol className="space-y-2 text-sm" data-testid="ka-history">
                {[
                  ...data.activities.map((x) => ({
                    key: `a${x.id}`,
                    at: x.occurred_at,
                    text: `${t(`deals.activity.${x.kind}` as "deals.activity.note")} · ${x.dealer_code} · ${x.deal_title}: ${x.body}`,
                    who: x.actor_name,
                    href: `/deals/${x.deal_id}`,
                  })),
                  ...data.events.map((e) => ({
                    key: `e${e.id}`,
                    at: e.occurred_at,
                    text: `${t(keyAccountEventKey(e.type) as MessageKey)} · #${e.entity_id}`,
                    who: e.actor_name,
                    href: e.entity_type === "deal" ? `/deals/${e.entity_id}` : `/quotes/${e.entity_id}`,
                  })),
                ]
                  .sort((x, y) => new Date(y.at).getTime() - new Date(x.at).getTime())
                  .slice(0, 100)
                  .map((x) => (
                    <li key={x.key} className="border-l-2 border-brand-100 pl-3">
                      <span className="text-slate-500">
                        {f.dateTime(x.at)} · {x.who ?? "—"}
                      </span>{" "}
                      <Link className="link" to={x.href}>
                        {x.text}
                      </Link>
                    </li>
                  ))}
              </ol>
            )}
          </Section>
        </div>

        <div className="space-y-4">
          <Section className="overflow-x-auto" title={t("keyAccounts.contacts")} id="contacts-h">
            {data.contacts.length === 0 ? <p className="text-sm text-slate-600">{t("keyAccounts.contactsEmpty")}</p> : null}
            <FormError message={result.formError("removeContact")} />
            <ul className="mb-3 space-y-2 text-sm">
              {data.contacts.map((c) => (
                <li key={c.id} className="flex items-start justify-between gap-2">
                  <span>
                    {c.name}
                    {c.title ? ` · ${c.title}` : ""}
                    <br />
                    <span className="text-slate-500">
                      {c.phone} {c.email}
                    </span>
                  </span>
                  <Form method="post">
                    <input type="hidden" name="contactId" value={c.id} />
                    <SubmitButton name="intent" value="removeContact" className="btn-secondary">
                      {t("keyAccounts.removeContact")}
                    </SubmitButton>
                  </Form>
                </li>
              ))}
            </ul>
            <IntentForm intent="addContact" className="space-y-2">
              <Field {...result.field("addContact", "name")} id="c-name" label={t("keyAccounts.contactName")} maxLength={120} />
              <Field {...result.field("addContact", "title")} id="c-title" label={t("keyAccounts.contactTitle")} maxLength={120} />
              <Field {...result.field("addContact", "phone")} id="c-phone" label={t("keyAccounts.contactPhone")} maxLength={64} />
              <Field {...result.field("addContact", "email")} id="c-email" label={t("keyAccounts.contactEmail")} type="email" maxLength={254} />
              <SubmitButton className="btn-secondary">{t("keyAccounts.addContact")}</SubmitButton>
            </IntentForm>
          </Section>

          <Section className="overflow-x-auto" title={t("keyAccounts.leads")} id="leads-h">
            {data.leads.length ? (
              <ul className="mb-3 space-y-2 text-sm">
                {data.leads.map((l) => (
                  <li key={l.id}>
                    <Link className="link" to={`/leads/${l.id}`}>
                      {l.dealer_code} · {l.product_line_code}
                    </Link>{" "}
                    ·{" "}
                    <Badge tone={l.status === "offered" ? "amber" : l.status === "accepted" ? "green" : "slate"}>
                      {t(`leads.status.${l.status}` as "leads.status.offered")}
                    </Badge>
                    {l.decline_reason ? <span className="text-slate-500"> · {l.decline_reason}</span> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mb-3 text-sm text-slate-600">{t("leads.empty")}</p>
            )}
            {data.canOfferLead ? (
              <IntentForm
                intent="offerLead"
                testId="offer-lead"
                className="space-y-2"
                help={
                  <>
                    <h3 className="text-sm font-semibold">{t("leads.offer")}</h3>
                    <p className="text-xs text-slate-500">{t("leads.offerHelp")}</p>
                  </>
                }
              >
                <SelectField
                  {...result.field("offerLead", "dealerId")}
                  label={t("deals.dealer")}
                  includeEmpty="—"
                  options={data.dealers.map((d) => ({ value: String(d.id), label: `${d.code} · ${d.name}` }))}
                />
                <SelectField
                  {...result.field("offerLead", "productLineCode")}
                  label={t("leads.productLine")}
                  includeEmpty="—"
                  options={data.productLines.map((l) => ({ value: l.code, label: lineName(l) }))}
                />
                <Field {...result.field("offerLead", "estimatedValue")} id="lead-value" label={t("deals.value")} inputMode="decimal" />
                <Field {...result.field("offerLead", "note")} id="lead-note" label={t("leads.note")} maxLength={2000} />
                <SubmitButton>{t("leads.offer")}</SubmitButton>
              </IntentForm>
            ) : null}
          </Section>

          <details className="card" open={result.failure?.intent === "update"}>
            <summary className="cursor-pointer font-semibold">{t("keyAccounts.edit")}</summary>
            <IntentForm intent="update" className="mt-3 space-y-3">
              <KeyAccountFields values={profileValues} errors={result.errors("update")} accountManagers={data.accountManagers} isAdmin={data.isAdmin} />
              <SubmitButton pendingText={t("common.saving")}>{t("common.save")}</SubmitButton>
            </IntentForm>
          </details>
        </div>
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";

/** A section's plain table of rows (no head), or the text saying there are none. */
function RowsOrEmpty({ empty, children }: { empty: string | false; children: ReactNode }) {
  if (empty) return <p className="text-sm text-slate-600">{empty}</p>;
  return (
    <ScrollX>
      <table className="table">
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </ScrollX>
  );
}
