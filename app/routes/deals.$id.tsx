import { ListTable, Th } from "~/components/list";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { QuoteBadge, StageBadge } from "~/components/deals";
import { Field, FormError, Notice, SelectField, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { can } from "~/modules/auth/actor";
import { requireActor } from "~/modules/auth/auth.server";
import { ACTIVITY_KINDS } from "~/modules/deals/deals.schema";
import {
  ActivitySchema,
  OptionalNoteSchema,
  ReasonSchema,
  TaskDoneSchema,
  TaskSchema,
  UpdateDealSchema,
  FlagSchema,
} from "~/modules/deals/deals.schema.server";
import {
  addActivity,
  addTask,
  approveDeal,
  closeLost,
  completeTask,
  declineRenewal,
  getDealPage,
  rejectDeal,
  renewProtection,
  requestRenewal,
  resolveFlag,
  startNegotiation,
  updateDeal,
} from "~/modules/deals/deals.server";
import { OPEN_STAGES, PROTECTED_STAGES } from "~/modules/deals/state";
import { createQuoteVersion } from "~/modules/quotes/quotes.server";
import { env } from "~/utils/env.server";
import { ForbiddenError } from "~/utils/errors";
import { intentAction, type IntentContext } from "~/utils/intent.server";
import { idParam } from "~/utils/params.server";
import { withAction, withLoader } from "~/utils/route";
import { pageMeta } from "~/utils/meta";
import { Section, Facts, Fact } from "~/components/ui/record";
import { useIntentResult } from "~/components/intent-result";

export const meta = pageMeta<typeof loader>("deals.deal", ({ deal }) => `#${deal.id} ${deal.title}`);

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "deal:read");
  const page = await getDealPage(actor, idParam(params.id));
  const stage = page.deal.stage;
  const open = (OPEN_STAGES as readonly string[]).includes(stage);
  const protectedNow = (PROTECTED_STAGES as readonly string[]).includes(stage) && !page.protectionLapsed;
  return json({
    ...page,
    protectionDays: env().DEAL_PROTECTION_DAYS,
    isDealer: actor.dealerId !== null,
    caps: {
      decide: can(actor, "deal:approve") && (stage === "registered" || stage === "conflict"),
      renew: can(actor, "deal:approve") && protectedNow,
      requestRenewal: can(actor, "deal:register") && protectedNow && !page.deal.renewal_requested_at,
      lose: can(actor, "deal:close") && (stage === "approved" || stage === "negotiating" || stage === "quoted"),
      negotiate: can(actor, "deal:activity") && stage === "approved" && protectedNow,
      edit: can(actor, "deal:register") && open,
      activity: can(actor, "deal:activity"),
      quote: can(actor, "quote:create") && protectedNow,
      book: can(actor, "order:create") && can(actor, "quote:accept"),
      resolveFlags: can(actor, "deal:approve"),
    },
  });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "deal:read");
  const id = idParam(params.id);
  const withReason =
    (change: (a: typeof actor, id: number, reason: string) => Promise<unknown>, key: MessageKey) =>
    (ctx: IntentContext<"reject" | "declineRenewal" | "lost">) =>
      ctx.submit(ReasonSchema, (data) => change(actor, id, data.reason), key);
  return intentAction(request, {
    // Nobody marks a deal won by hand: it is won when an order made from its accepted quote is approved.
    won: async () => {
      throw new ForbiddenError();
    },
    approve: async (ctx) => {
      await approveDeal(actor, id);
      return ctx.done("deals.approved");
    },
    reject: withReason(rejectDeal, "deals.rejected"),
    renew: async (ctx) => {
      const r = await renewProtection(actor, id);
      return ctx.done("deals.renewed", { date: r.protectionExpiresOn });
    },
    declineRenewal: withReason(declineRenewal, "deals.renewalDeclined"),
    requestRenewal: (ctx) => ctx.submit(OptionalNoteSchema, (data) => requestRenewal(actor, id, data.note), "deals.renewalRequestSent"),
    negotiate: async (ctx) => {
      await startNegotiation(actor, id);
      return ctx.done("deals.negotiating");
    },
    lost: withReason(closeLost, "deals.lost"),
    update: (ctx) => ctx.submit(UpdateDealSchema, (data) => updateDeal(actor, id, data), "deals.updated"),
    activity: (ctx) => ctx.submit(ActivitySchema, (data) => addActivity(actor, id, data), "deals.activityLogged"),
    task: (ctx) => ctx.submit(TaskSchema, (data) => addTask(actor, id, data), "deals.taskAdded"),
    taskDone: (ctx) => ctx.submit(TaskDoneSchema, (data) => completeTask(actor, id, data.taskId), "deals.taskDone"),
    flagResolve: (ctx) => ctx.submit(FlagSchema, (data) => resolveFlag(actor, id, data.flagId), "deals.flagResolved"),
    newQuote: async () => {
      const q = await createQuoteVersion(actor, id);
      return redirect(`/quotes/${q.id}`);
    },
  });
});

export default function DealPage() {
  const data = useLoaderData<typeof loader>();
  const { done, failure, errors } = useIntentResult();
  const [sp] = useSearchParams();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const { deal, caps } = data;
  const errFor = (intent: string, field: string): string | undefined => errors(intent)[field];
  const registered = sp.get("registered");
  const notice = done ?? (registered ? t(registered === "conflict" ? "deals.registeredConflict" : "deals.registered") : undefined);
  const lineName = (l: { name_en: string; name_zh: string }) => (locale === "en" ? l.name_en : l.name_zh);
  return (
    <div className="space-y-4">
      <PageHeader
        title={`#${deal.id} ${deal.title}`}
        crumbs={[{ label: t("deals.title"), to: "/deals" }, { label: `#${deal.id}` }]}
        actions={
          caps.quote ? (
            <Form method="post">
              <input type="hidden" name="intent" value="newQuote" />
              <SubmitButton name="intent" value="newQuote">
                {t("deals.newQuote")}
              </SubmitButton>
            </Form>
          ) : undefined
        }
      />
      <FormError message={failure?.formError} />
      <Notice message={notice} />

      <Facts
        testId="deal-summary"
        footer={
          deal.renewal_requested_at ? (
            <div className="text-amber-800">
              {t("deals.renewalRequested", { date: f.dateTime(deal.renewal_requested_at) })} {deal.renewal_note}
            </div>
          ) : undefined
        }
      >
        <Fact label={t("deals.stage")} testId="deal-stage">
          <StageBadge stage={deal.stage} />
        </Fact>
        <Fact label={t("deals.value")} className="font-medium tabular-nums">
          {f.money(deal.estimated_value_minor, deal.currency)}
        </Fact>
        <Fact label={t("deals.expectedClose")}>{f.date(deal.expected_close_date)}</Fact>
        <Fact label={t("deals.protection")}>
          {deal.protection_expires_on ? f.date(deal.protection_expires_on) : t("deals.notProtected")}{" "}
          {data.protectionLapsed && (OPEN_STAGES as readonly string[]).includes(deal.stage) ? (
            <Badge tone="red">{t("deals.protectionLapsedBadge")}</Badge>
          ) : null}
        </Fact>
        <Fact label={data.isDealer ? t("deals.accountManager") : t("deals.dealer")}>
          {data.isDealer ? deal.account_manager_name : `${deal.dealer_code} · ${deal.dealer_name}`}
        </Fact>
        <Fact label={t("deals.source")}>{t(`deals.source.${deal.source}` as "deals.source.dealer")}</Fact>
        {deal.competitors ? (
          <Fact label={t("deals.competitors")} wide>
            {deal.competitors}
          </Fact>
        ) : null}
        {deal.notes ? (
          <Fact label={t("deals.notes")} wide className="whitespace-pre-line">
            {deal.notes}
          </Fact>
        ) : null}
        {deal.lost_reason ? (
          <Fact label={t("deals.closeReason")} wide>
            {deal.lost_reason}
          </Fact>
        ) : null}
      </Facts>

      {deal.stage === "conflict" ? (
        <div role="note" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900" data-testid="conflict-box">
          <p className="font-semibold">{t("deals.conflictTitle")}</p>
          {deal.conflict ? (
            <p className="mt-1">
              {t("deals.conflictDealer", {
                dealer: deal.conflict.dealerCode,
                deal: deal.conflict.dealId,
                stage: t(`deals.stage.${deal.conflict.stage}` as "deals.stage.registered"),
                lines: deal.conflict.lines.join(", "),
              })}{" "}
              <Link className="link" to={`/deals/${deal.conflict.dealId}`}>
                {t("deals.conflictOther")}
              </Link>
            </p>
          ) : (
            <p className="mt-1">{t("deals.conflictForDealer")}</p>
          )}
        </div>
      ) : null}

      {caps.decide || caps.renew || caps.requestRenewal || caps.lose || caps.negotiate ? (
        <Section title={t("deals.actions")} id="actions-h">
          <div className="flex flex-wrap items-start gap-4">
            {caps.decide ? (
              <>
                <Form method="post">
                  <SubmitButton name="intent" value="approve">
                    {deal.stage === "conflict" ? t("deals.resolveApprove") : t("deals.approve")}
                  </SubmitButton>
                </Form>
                <Form method="post" className="flex items-end gap-2">
                  <Field name="reason" label={t("deals.rejectReason")} error={errFor("reject", "reason")} maxLength={2000} />
                  <SubmitButton name="intent" value="reject" className="btn-danger">
                    {deal.stage === "conflict" ? t("deals.resolveReject") : t("deals.reject")}
                  </SubmitButton>
                </Form>
              </>
            ) : null}
            {caps.negotiate ? (
              <Form method="post">
                <SubmitButton name="intent" value="negotiate" className="btn-secondary">
                  {t("deals.startNegotiation")}
                </SubmitButton>
              </Form>
            ) : null}
            {caps.renew ? (
              <>
                <Form method="post">
                  <SubmitButton name="intent" value="renew" className="btn-secondary">
                    {t("deals.renew", { days: data.protectionDays })}
                  </SubmitButton>
                </Form>
                {deal.renewal_requested_at ? (
                  <Form method="post" className="flex items-end gap-2">
                    <Field name="reason" label={t("deals.closeReason")} error={errFor("declineRenewal", "reason")} maxLength={2000} />
                    <SubmitButton name="intent" value="declineRenewal" className="btn-secondary">
                      {t("deals.declineRenewal")}
                    </SubmitButton>
                  </Form>
                ) : null}
              </>
            ) : null}
            {caps.requestRenewal ? (
              <Form method="post" className="flex items-end gap-2">
                <Field name="note" label={t("deals.renewalNote")} error={errFor("requestRenewal", "note")} maxLength={500} />
                <SubmitButton name="intent" value="requestRenewal" className="btn-secondary">
                  {t("deals.requestRenewal")}
                </SubmitButton>
              </Form>
            ) : null}
            {caps.lose ? (
              <Form method="post" className="flex items-end gap-2">
                <Field name="reason" label={t("deals.lostReason")} error={errFor("lost", "reason")} maxLength={2000} />
                <SubmitButton name="intent" value="lost" className="btn-danger">
                  {t("deals.closeLost")}
                </SubmitButton>
              </Form>
            ) : null}
          </div>
        </Section>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Section title={t("deals.quotes")} id="quotes-h">
            {data.quotes.length === 0 ? (
              <p className="text-sm text-slate-600">{t("deals.quotesEmpty")}</p>
            ) : (
              <ListTable
                testId="deal-quotes"
                bare
                head={
                  <>
                    <Th>{t("quotes.title")}</Th>
                    <Th>{t("quotes.status")}</Th>
                    <Th>{t("quotes.validUntil")}</Th>
                    <Th num>{t("quotes.total")}</Th>
                    <Th>
                      <span className="sr-only">{t("common.actions")}</span>
                    </Th>
                  </>
                }
              >
                {data.quotes.map((q) => (
                  <tr key={q.id}>
                    <td>
                      <Link className="link" to={`/quotes/${q.id}`}>
                        {t("quotes.version", { n: q.version })}
                      </Link>
                    </td>
                    <td>
                      <QuoteBadge status={q.status} />
                    </td>
                    <td>{f.date(q.valid_until)}</td>
                    <td className="text-right tabular-nums">{f.money(q.total_minor, q.currency)}</td>
                    <td>
                      {caps.book && q.status === "accepted" ? (
                        <Form method="post" action={`/quotes/${q.id}`}>
                          <SubmitButton name="intent" value="book">
                            {t("deals.bookOrder")}
                          </SubmitButton>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </ListTable>
            )}
          </Section>

          <Section title={t("deals.timeline")} id="timeline-h">
            {caps.activity ? (
              <Form method="post" className="mb-4 grid gap-3 sm:grid-cols-4" data-testid="activity-form">
                <input type="hidden" name="intent" value="activity" />
                <SelectField
                  name="kind"
                  label={t("deals.activityKind")}
                  options={ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`deals.activity.${k}`) }))}
                  error={errFor("activity", "kind")}
                />
                <Field name="occurredAt" type="datetime-local" label={t("deals.activityWhen")} error={errFor("activity", "occurredAt")} />
                <div className="sm:col-span-4">
                  <Field name="body" label={t("deals.activityBody")} error={errFor("activity", "body")}>
                    <textarea id="f-body" name="body" className="input" rows={2} maxLength={4000} required />
                  </Field>
                </div>
                <div>
                  <SubmitButton name="intent" value="activity" pendingText={t("common.saving")}>
                    {t("deals.logActivity")}
                  </SubmitButton>
                </div>
              </Form>
            ) : null}
            {data.activities.length === 0 ? (
              <p className="text-sm text-slate-600">{t("deals.timelineEmpty")}</p>
            ) : (
              <ol className="space-y-3" data-testid="timeline">
                {data.activities.map((a) => (
                  <li key={a.id} className="border-l-2 border-brand-100 pl-3 text-sm">
                    <div className="text-slate-500">
                      <Badge>{t(`deals.activity.${a.kind}` as "deals.activity.note")}</Badge> {f.dateTime(a.occurred_at)} · {a.actor_name ?? "—"}
                      {a.actor_role ? ` (${t(`role.${a.actor_role}` as "role.admin")})` : ""}
                    </div>
                    <p className="mt-1 whitespace-pre-line">{a.body}</p>
                  </li>
                ))}
              </ol>
            )}
          </Section>

          <Section title={t("deals.tasks")} id="tasks-h">
            {data.tasks.length === 0 ? (
              <p className="mb-3 text-sm text-slate-600">{t("deals.tasksEmpty")}</p>
            ) : (
              <ul className="mb-4 divide-y divide-slate-100 text-sm" data-testid="tasks">
                {data.tasks.map((task) => (
                  <li key={task.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <span className={task.done_at ? "text-slate-500 line-through" : ""}>
                      {task.title} · {task.owner_name ?? "—"} · {f.date(task.due_date)}{" "}
                      {!task.done_at && task.due_date && task.due_date < data.today ? <Badge tone="red">{t("deals.overdue")}</Badge> : null}
                    </span>
                    {task.done_at ? (
                      <Badge tone="green">{t("deals.done")}</Badge>
                    ) : caps.activity ? (
                      <Form method="post">
                        <input type="hidden" name="taskId" value={task.id} />
                        <SubmitButton name="intent" value="taskDone" className="btn-secondary">
                          {t("deals.markDone")}
                        </SubmitButton>
                      </Form>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
            {caps.activity ? (
              <Form method="post" className="grid gap-3 sm:grid-cols-4">
                <div className="sm:col-span-2">
                  <Field name="title" label={t("deals.taskTitle")} error={errFor("task", "title")} maxLength={200} />
                </div>
                <SelectField
                  name="ownerUserId"
                  label={t("deals.taskOwner")}
                  options={data.taskOwners.map((u) => ({ value: String(u.id), label: u.name }))}
                  error={errFor("task", "ownerUserId")}
                />
                <Field name="dueDate" type="date" label={t("deals.taskDue")} min={data.today} error={errFor("task", "dueDate")} />
                <div>
                  <SubmitButton name="intent" value="task" className="btn-secondary">
                    {t("deals.addTask")}
                  </SubmitButton>
                </div>
              </Form>
            ) : null}
          </Section>

          {caps.edit ? (
            <details className="card">
              <summary className="cursor-pointer font-semibold">{t("deals.edit")}</summary>
              <Form method="post" className="mt-3 grid gap-3 sm:grid-cols-2">
                <div className="sm:col-span-2">
                  <Field name="title" label={t("deals.dealTitle")} defaultValue={deal.title} error={errFor("update", "title")} maxLength={200} />
                </div>
                <Field
                  name="estimatedValue"
                  label={t("deals.value")}
                  inputMode="decimal"
                  defaultValue={(deal.estimated_value_minor / 100).toFixed(2)}
                  error={errFor("update", "estimatedValue")}
                />
                <Field
                  name="expectedCloseDate"
                  type="date"
                  label={t("deals.expectedClose")}
                  defaultValue={deal.expected_close_date ?? ""}
                  error={errFor("update", "expectedCloseDate")}
                />
                <Field name="competitors" label={t("deals.competitors")} defaultValue={deal.competitors} error={errFor("update", "competitors")} />
                <Field name="notes" label={t("deals.notes")} defaultValue={deal.notes ?? ""} error={errFor("update", "notes")} />
                <div>
                  <SubmitButton name="intent" value="update" className="btn-secondary">
                    {t("common.save")}
                  </SubmitButton>
                </div>
              </Form>
            </details>
          ) : null}
        </div>

        <div className="space-y-4">
          <Section title={t("deals.profile")} id="profile-h">
            <dl className="grid grid-cols-3 gap-1 text-sm">
              <dt className="text-slate-500">{t("common.name")}</dt>
              <dd className="col-span-2">
                {data.isDealer ? (
                  deal.key_account_name
                ) : (
                  <Link className="link" to={`/key-accounts/${deal.key_account_id}`}>
                    {deal.key_account_name}
                  </Link>
                )}
              </dd>
              <dt className="text-slate-500">{t("keyAccounts.creditCode")}</dt>
              <dd className="col-span-2 font-mono text-xs">{deal.key_account_credit_code ?? "—"}</dd>
              <dt className="text-slate-500">{t("keyAccounts.industry")}</dt>
              <dd className="col-span-2">{t(`keyAccounts.industry.${deal.key_account_industry}` as "keyAccounts.industry.other")}</dd>
              <dt className="text-slate-500">{t("common.region")}</dt>
              <dd className="col-span-2">{deal.key_account_region ? t(`region.${deal.key_account_region}` as "region.east") : "—"}</dd>
            </dl>
            <h3 className="mb-1 mt-3 text-sm font-semibold">{t("deals.contacts")}</h3>
            <ul className="space-y-1 text-sm">
              {data.contacts.map((c) => (
                <li key={c.id}>
                  {c.name} {c.title ? `· ${c.title}` : ""} {c.phone ? `· ${c.phone}` : ""} {c.email ? `· ${c.email}` : ""}
                </li>
              ))}
            </ul>
            <h3 className="mb-1 mt-3 text-sm font-semibold">{t("deals.productLines")}</h3>
            <ul className="space-y-1 text-sm">
              {data.lines.map((l) => (
                <li key={l.code}>
                  {lineName(l)} · {t("deals.estimatedQuantity")} {f.number(l.estimated_quantity)}
                </li>
              ))}
            </ul>
          </Section>

          <Section title={t("deals.orders")} id="orders-h">
            {data.orders.length === 0 ? (
              <p className="text-sm text-slate-600">{t("deals.ordersEmpty")}</p>
            ) : (
              <ul className="space-y-1 text-sm" data-testid="deal-orders">
                {data.orders.map((o) => (
                  <li key={o.id}>
                    {o.number ? (
                      <Link className="link" to={`/orders/${o.number}`}>
                        {o.number}
                      </Link>
                    ) : (
                      t("quotes.draftOrder", { id: o.id })
                    )}{" "}
                    · {t(`dash.orderStatus.${o.status}` as MessageKey)} · {f.money(o.total_minor, o.currency)}
                  </li>
                ))}
              </ul>
            )}
            {data.shipments.length ? (
              <>
                <h3 className="mb-1 mt-3 text-sm font-semibold">{t("deals.shipments")}</h3>
                <ul className="space-y-1 text-sm">
                  {data.shipments.map((s) => (
                    <li key={s.id}>
                      {s.number} · {f.date(s.shipped_on)} · {s.carrier} {s.tracking_number}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {data.invoices.length ? (
              <>
                <h3 className="mb-1 mt-3 text-sm font-semibold">{t("deals.invoices")}</h3>
                <ul className="space-y-1 text-sm">
                  {data.invoices.map((i) => (
                    <li key={i.id}>
                      {i.reference ?? `#${i.id}`} · {f.date(i.business_date)} · {f.money(i.amount_minor, i.currency)}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </Section>

          {!data.isDealer && data.flags.length ? (
            <Section title={t("deals.flags")} id="flags-h">
              <p className="mb-2 text-xs text-slate-500">{t("deals.flagsHelp")}</p>
              <ul className="space-y-2 text-sm" data-testid="deal-flags">
                {data.flags.map((fl) => (
                  <li key={fl.id} className="flex items-center justify-between gap-2">
                    <span>
                      {t("deals.flagRef", { type: fl.ref_type === "order" ? t("deals.orders") : t("deals.quotes"), id: fl.ref_id, dealer: fl.dealer_code })} ·{" "}
                      {f.dateTime(fl.created_at)}
                    </span>
                    {fl.resolved_at ? (
                      <Badge tone="green">{t("deals.reviewed")}</Badge>
                    ) : caps.resolveFlags ? (
                      <Form method="post">
                        <input type="hidden" name="flagId" value={fl.id} />
                        <SubmitButton name="intent" value="flagResolve" className="btn-secondary">
                          {t("deals.flagResolve")}
                        </SubmitButton>
                      </Form>
                    ) : null}
                  </li>
                ))}
              </ul>
            </Section>
          ) : null}
        </div>
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";
