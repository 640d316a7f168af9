import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { IntentForm } from "~/components/intent-form";
import { useIntentResult } from "~/components/intent-result";
import { Link } from "~/components/link";
import { OrderStatusBadge } from "~/components/orders/OrderStatusBadge";
import { LineQuantitiesForm, PromiseBadge, ServiceStatusBadge } from "~/components/service";
import { Field, FormError, Notice, SelectField, SubmitButton, TextAreaField } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import { Fact, Facts, Section } from "~/components/ui/record";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { requireActor } from "~/modules/auth/auth.server";
import { LINK_KINDS, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_POST, SERVICE_OUTCOMES } from "~/modules/service/service.schema";
import {
  AssignSchema,
  AuthoriseRmaSchema,
  CallbackSchema,
  LinkSchema,
  ReceiveRmaSchema,
  ReplacementSchema,
  ReplySchema,
  TransitionSchema,
} from "~/modules/service/service.schema.server";
import { createReplacement, replacementSection } from "~/modules/service/replacement.server";
import { authoriseRma, receiveRma, rmaSection } from "~/modules/service/rma.server";
import { readCaseForm } from "~/modules/service/service.forms.server";
import { assignCase, getCasePage, linkCase, moveCase, replyToCase } from "~/modules/service/service.server";
import { recordCallback, surveySection } from "~/modules/service/survey.server";
import { parseForm } from "~/utils/http.server";
import { intentAction } from "~/utils/intent.server";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";
import { withAction, withLoader } from "~/utils/route";

export const meta = pageMeta<typeof loader>("service.title", ({ case: c }) => c.number ?? "");

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "service:read");
  const id = idParam(params.id);
  const page = await getCasePage(actor, id);
  const [returns, replacements, survey] = await Promise.all([rmaSection(actor, id), replacementSection(actor, id), surveySection(actor, id)]);
  return json({ ...page, returns, replacements, survey });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "service:read");
  const id = idParam(params.id);
  const { form, files } = await readCaseForm(request);
  return intentAction(
    request,
    {
      reply: async (ctx) => {
        const parsed = await parseForm(request, ReplySchema, ctx.form);
        if (!parsed.ok) return ctx.fail(parsed);
        await replyToCase(actor, id, parsed.data, files);
        return ctx.done("service.done.replied");
      },
      assign: (ctx) => ctx.submit(AssignSchema, (d) => assignCase(actor, id, d.assigneeId), "service.done.assigned"),
      move: (ctx) => ctx.submit(TransitionSchema, (d) => moveCase(actor, id, d), "service.done.moved"),
      link: (ctx) => ctx.submit(LinkSchema, (d) => linkCase(actor, id, d), "service.done.linked"),
      rma: (ctx) => ctx.submit(AuthoriseRmaSchema, (d) => authoriseRma(actor, id, d), "service.done.rmaAuthorised"),
      receive: (ctx) => ctx.submit(ReceiveRmaSchema, (d) => receiveRma(actor, id, d.rmaId, d.warehouseId), "service.done.rmaReceived"),
      callback: (ctx) => ctx.submit(CallbackSchema, (d) => recordCallback(actor, id, d), "service.done.callback"),
      replace: (ctx) => ctx.submit(ReplacementSchema, (d) => createReplacement(actor, id, d), "service.done.replaced"),
    },
    form,
  );
});

export default function ServiceCase() {
  const { case: c, thread, attachments, links, assignees, actions, can, returns, replacements, survey } = useLoaderData<typeof loader>();
  const result = useIntentResult();
  const [params] = useSearchParams();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const sv = (intent: string, k: string) => result.field(intent, k).defaultValue;
  const fileLink = (a: (typeof attachments)[number]) => (
    <li key={a.id} className="flex flex-wrap items-center gap-2">
      <a className="link" href={`/service/${c.id}/attachments/${a.id}`}>
        {a.display_name}
      </a>
      <span className="text-xs text-slate-500">
        {a.content_type} · {f.number(Math.max(1, Math.round(a.size_bytes / 1024)))} KB
      </span>
      {a.visibility === "internal" ? <Badge tone="amber">{t("service.internalBadge")}</Badge> : null}
    </li>
  );
  const caseFiles = attachments.filter((a) => a.message_id === null);
  // The forms this page shows now: a failed intent's error shows beside its form, or at the top when the case has
  // changed meanwhile and its form is gone (a reply to a case closed in the meantime).
  const receiving = result.values("receive").rmaId;
  const forms: Record<string, boolean> = {
    reply: can.reply,
    move: actions.length > 0,
    callback: survey.canRecord,
    assign: can.work,
    receive: can.work && returns.rmas.some((r) => r.status === "authorised" && String(r.id) === receiving),
    rma: can.work && c.status !== "closed" && returns.returnable.length > 0,
    replace: replacements.canReplace && replacements.replaceable.length > 0,
    link: can.work,
  };
  return (
    <div className="space-y-4">
      <PageHeader title={`${c.number} · ${c.subject}`} crumbs={[{ label: t("service.title"), to: "/service" }, { label: c.number ?? "" }]} />
      <Notice message={params.get("opened") ? t("service.done.opened", { number: c.number ?? "" }) : result.done} />
      <FormError message={result.pageError(forms)} />
      <Facts testId="service-facts">
        <Fact label={t("service.status")}>
          <ServiceStatusBadge status={c.status} />
        </Fact>
        <Fact label={t("service.promise")}>
          <PromiseBadge flag={c.flag} />
        </Fact>
        <Fact label={t("service.priority")}>{t(`service.priority.${c.priority}` as "service.priority.normal")}</Fact>
        <Fact label={t("service.type")}>{t(`service.type.${c.case_type}` as "service.type.other")}</Fact>
        <Fact label={t("service.dealer")}>{`${c.dealer_code} · ${c.dealer_name}`}</Fact>
        <Fact label={t("service.assignee")}>{c.assignee_name ?? t("service.unassigned")}</Fact>
        <Fact label={t("service.about")}>
          {t(`service.about.${c.about}` as "service.about.account")}
          {c.order_number ? (
            <>
              {" · "}
              <Link className="link" to={`/orders/${encodeURIComponent(c.order_number)}`}>
                {c.order_number}
              </Link>
            </>
          ) : null}
          {c.line_sku ? ` · ${c.line_sku}` : ""}
          {c.shipment_number ? ` · ${c.shipment_number}` : ""}
          {c.product_sku && !c.line_sku ? ` · ${c.product_sku}` : ""}
        </Fact>
        <Fact label={t("service.serial")}>{c.serial_no ?? "—"}</Fact>
        <Fact label={t("service.endCustomer")}>{c.key_account_name ?? c.end_customer ?? "—"}</Fact>
        <Fact label={t("service.openedBy")}>{c.opened_by_name}</Fact>
        <Fact label={t("service.openedAt")}>{f.dateTime(c.created_at)}</Fact>
        <Fact label={t("service.responseDue")}>{f.dateTime(c.response_due_at)}</Fact>
        <Fact label={t("service.firstResponse")}>{c.first_response_at ? f.dateTime(c.first_response_at) : "—"}</Fact>
        <Fact label={t("service.resolutionDue")}>{f.dateTime(c.resolution_due_at)}</Fact>
        <Fact label={t("service.resolvedAt")}>{c.resolved_at ? f.dateTime(c.resolved_at) : "—"}</Fact>
        <Fact label={t("service.outcome")}>{c.outcome ? t(`service.outcome.${c.outcome}` as "service.outcome.answer") : "—"}</Fact>
        <Fact label={t("service.reopens")}>{f.number(c.reopen_count)}</Fact>
      </Facts>
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <Section title={t("service.description")} id="service-description">
            <p className="whitespace-pre-wrap text-sm">{c.description}</p>
            {caseFiles.length ? <ul className="mt-3 space-y-1 text-sm">{caseFiles.map(fileLink)}</ul> : null}
          </Section>
          <Section title={t("service.thread")} id="service-thread">
            {thread.length === 0 ? <p className="text-sm text-slate-500">{t("service.threadEmpty")}</p> : null}
            <ol className="space-y-3" data-testid="service-thread">
              {thread.map((m) => (
                <li
                  key={m.id}
                  data-visibility={m.visibility}
                  className={`rounded-md border p-3 text-sm ${m.visibility === "internal" ? "border-amber-200 bg-amber-50" : "border-slate-200"}`}
                >
                  <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
                    <span className="font-medium text-slate-800">{m.author_name ?? "—"}</span>
                    <span>{f.dateTime(m.created_at)}</span>
                    {m.visibility === "internal" ? <Badge tone="amber">{t("service.internalBadge")}</Badge> : null}
                    {m.kind === "status" ? <Badge>{t("service.statusNote")}</Badge> : null}
                  </div>
                  <p className="whitespace-pre-wrap">{m.body}</p>
                  {attachments.some((a) => a.message_id === m.id) ? (
                    <ul className="mt-2 space-y-1">{attachments.filter((a) => a.message_id === m.id).map(fileLink)}</ul>
                  ) : null}
                </li>
              ))}
            </ol>
            {can.reply ? (
              // Keyed by the thread's length: once a reply is added the form starts empty again (with JavaScript).
              <IntentForm key={thread.length} intent="reply" encType="multipart/form-data" className="mt-4 space-y-3">
                <TextAreaField {...result.field("reply", "body")} label={t("service.replyBody")} className="min-h-24" rows={2} maxLength={5000} />
                {can.internal ? (
                  <SelectField
                    name="visibility"
                    label={t("service.visibility")}
                    defaultValue={sv("reply", "visibility") ?? (can.work ? "public" : "internal")}
                    options={(can.work ? (["public", "internal"] as const) : (["internal"] as const)).map((x) => ({
                      value: x,
                      label: t(`service.visibility.${x}`),
                    }))}
                  />
                ) : null}
                <Field
                  name="files"
                  label={t("service.files")}
                  type="file"
                  multiple
                  accept="image/png,image/jpeg,image/webp,application/pdf"
                  error={result.errors("reply").files}
                  help={t("service.filesHint", { max: MAX_ATTACHMENTS_PER_POST, mb: MAX_ATTACHMENT_BYTES / 1_048_576 })}
                />
                <SubmitButton name="intent" value="reply" pendingText={t("common.saving")}>
                  {t("service.send")}
                </SubmitButton>
              </IntentForm>
            ) : null}
          </Section>
        </div>
        <div className="space-y-4">
          {actions.length ? (
            <Section title={t("service.actions")} id="service-actions">
              <IntentForm intent="move" className="space-y-3">
                {actions.includes("resolve") ? (
                  <SelectField
                    name="outcome"
                    label={t("service.outcome")}
                    defaultValue={sv("move", "outcome") ?? c.outcome ?? "answer"}
                    error={result.errors("move").outcome}
                    options={SERVICE_OUTCOMES.filter(
                      (o) => (o !== "rma" || returns.rmas.length > 0) && (o !== "replacement" || replacements.orders.length > 0),
                    ).map((o) => ({ value: o, label: t(`service.outcome.${o}`) }))}
                  />
                ) : null}
                <Field {...result.field("move", "note")} label={t("service.note")} maxLength={2000} />
                <div className="flex flex-wrap gap-2">
                  {actions.map((a) => (
                    <SubmitButton
                      key={a}
                      name="action"
                      value={a}
                      className={a === "resolve" ? "btn-primary" : "btn-secondary"}
                      pendingText={t("common.saving")}
                    >
                      {t(`service.action.${a}`)}
                    </SubmitButton>
                  ))}
                </div>
              </IntentForm>
            </Section>
          ) : null}
          <Section title={t("service.survey.title")} id="service-survey">
            {survey.surveys.length === 0 ? <p className="text-sm text-slate-500">{t("service.survey.none")}</p> : null}
            <ul className="space-y-3 text-sm" data-testid="service-surveys">
              {survey.surveys.map((s) => (
                <li key={s.id} className="rounded-md border border-slate-200 p-3">
                  <p className="text-xs text-slate-600">{t("service.survey.sent", { name: s.user_name, date: f.dateTime(s.created_at) })}</p>
                  {s.score === null ? (
                    <p className="mt-1 text-slate-500">{t("service.survey.waiting")}</p>
                  ) : (
                    <dl className="mt-1 space-y-1">
                      <div className="flex flex-wrap gap-2">
                        <dt className="text-slate-600">{t("service.survey.score")}:</dt>
                        <dd data-testid="survey-score">
                          <Badge tone={s.score <= 2 ? "red" : s.score >= 4 ? "green" : "amber"}>{t("service.survey.scoreOf", { score: s.score })}</Badge>
                        </dd>
                      </div>
                      {s.comment ? (
                        <div>
                          <dt className="text-slate-600">{t("service.survey.comment")}:</dt>
                          <dd className="whitespace-pre-wrap">{s.comment}</dd>
                        </div>
                      ) : null}
                      {s.answered_at ? (
                        <div className="flex flex-wrap gap-2 text-xs text-slate-500">
                          <dt>{t("service.survey.answeredAt")}:</dt>
                          <dd>{f.dateTime(s.answered_at)}</dd>
                        </div>
                      ) : null}
                    </dl>
                  )}
                </li>
              ))}
            </ul>
            {survey.callbacks.length ? (
              <div className="mt-4 space-y-3" data-testid="service-callbacks">
                <h3 className="text-sm font-semibold">{t("service.callback.title")}</h3>
                {survey.callbacks.map((cb) => (
                  <div
                    key={cb.id}
                    data-callback={cb.status}
                    className={`rounded-md border p-3 text-sm ${cb.status === "open" ? "border-amber-300 bg-amber-50" : "border-slate-200"}`}
                  >
                    {cb.status === "open" ? (
                      <p>
                        <Badge tone="amber">{t("service.callback.badge")}</Badge> {t("service.callback.open", { score: cb.score })}
                      </p>
                    ) : (
                      <>
                        <p className="text-xs text-slate-600">
                          {t("service.callback.doneBy", { name: cb.called_by_name ?? "—", date: cb.called_at ? f.dateTime(cb.called_at) : "—" })}
                        </p>
                        <p className="mt-1 whitespace-pre-wrap">{cb.outcome}</p>
                      </>
                    )}
                  </div>
                ))}
                {survey.canRecord ? (
                  <IntentForm intent="callback" className="space-y-3" help={<p className="text-xs text-slate-600">{t("service.callback.help")}</p>}>
                    <Field {...result.field("callback", "calledAt")} type="datetime-local" label={t("service.callback.calledAt")} />
                    <TextAreaField
                      {...result.field("callback", "outcome")}
                      label={t("service.callback.outcome")}
                      className="min-h-20"
                      rows={2}
                      maxLength={2000}
                    />
                    <SubmitButton className="btn-primary" pendingText={t("common.saving")}>
                      {t("service.callback.record")}
                    </SubmitButton>
                  </IntentForm>
                ) : null}
              </div>
            ) : null}
          </Section>
          {can.work ? (
            <Section title={t("service.desk")} id="service-desk">
              <IntentForm intent="assign" className="space-y-3">
                <SelectField
                  {...result.field("assign", "assigneeId")}
                  label={t("service.assignee")}
                  defaultValue={sv("assign", "assigneeId") ?? c.assignee_id ?? ""}
                  includeEmpty={t("service.unassigned")}
                  options={assignees.map((a) => ({ value: a.id, label: a.name }))}
                />
                <SubmitButton className="btn-secondary" pendingText={t("common.saving")}>
                  {t("service.assign")}
                </SubmitButton>
              </IntentForm>
            </Section>
          ) : null}
          <Section title={t("service.rma.title")} id="service-rma" help={can.work ? t("service.rma.help") : undefined}>
            {returns.rmas.length === 0 ? <p className="text-sm text-slate-500">{t("service.rma.none")}</p> : null}
            <ul className="space-y-3 text-sm" data-testid="service-rmas">
              {returns.rmas.map((r) => (
                <li key={r.id} className="rounded-md border border-slate-200 p-3">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-mono font-medium">{r.number}</span>
                    <Badge tone={r.status === "received" ? "green" : "amber"}>{t(`service.rma.status.${r.status}` as "service.rma.status.authorised")}</Badge>
                    <span>
                      {t("service.rma.total")}: {f.money(r.total_minor, r.currency)}
                    </span>
                    {r.warehouse_code ? <span className="text-slate-500">{r.warehouse_code}</span> : null}
                  </div>
                  <ul className="mt-1 text-slate-600">
                    {r.lines.map((l) => (
                      <li key={l.order_line_id}>
                        {l.sku} × {f.number(l.quantity)} · {f.money(l.amount_minor, r.currency)}
                      </li>
                    ))}
                  </ul>
                  {can.work && r.status === "authorised" ? (
                    <Form method="post" className="mt-2 flex flex-wrap items-end gap-2" noValidate>
                      <input type="hidden" name="intent" value="receive" />
                      <input type="hidden" name="rmaId" value={r.id} />
                      {result.values("receive").rmaId === String(r.id) ? (
                        <div className="w-full">
                          <FormError message={result.formError("receive")} />
                        </div>
                      ) : null}
                      <SelectField
                        name="warehouseId"
                        id={`f-warehouse-${r.id}`}
                        label={t("service.rma.warehouse")}
                        includeEmpty={t("service.choose")}
                        defaultValue=""
                        error={result.values("receive").rmaId === String(r.id) ? result.errors("receive").warehouseId : undefined}
                        options={returns.warehouses.map((w) => ({ value: w.id, label: `${w.code} · ${locale === "en" ? w.name_en : w.name_zh}` }))}
                      />
                      <SubmitButton className="btn-secondary" pendingText={t("common.saving")}>
                        {t("service.rma.receive")}
                      </SubmitButton>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
            {can.work && c.status !== "closed" ? (
              returns.returnable.length ? (
                <LineQuantitiesForm
                  intent="rma"
                  lines={returns.returnable.map((l) => ({ ...l, help: t("service.rma.left", { left: l.left, shipped: l.shipped_qty }) }))}
                  submit={t("service.rma.authorise")}
                />
              ) : (
                <p className="mt-2 text-sm text-slate-500">{t("service.rma.noOrder")}</p>
              )
            ) : null}
          </Section>
          <Section title={t("service.replace.title")} id="service-replacement" help={replacements.canReplace ? t("service.replace.help") : undefined}>
            {replacements.orders.length === 0 ? <p className="text-sm text-slate-500">{t("service.replace.none")}</p> : null}
            <ul className="space-y-3 text-sm" data-testid="service-replacements">
              {replacements.orders.map((o) => (
                <li key={o.id} className="rounded-md border border-slate-200 p-3">
                  <div className="flex flex-wrap items-center gap-2">
                    <Link className="link font-mono font-medium" to={`/orders/${encodeURIComponent(o.number ?? "")}`}>
                      {o.number}
                    </Link>
                    <OrderStatusBadge status={o.status} />
                  </div>
                  <ul className="mt-1 text-slate-600">
                    {o.lines.map((l) => (
                      <li key={l.order_line_id}>
                        {l.sku} × {f.number(l.quantity)}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
            {replacements.canReplace ? (
              replacements.replaceable.length ? (
                <LineQuantitiesForm
                  intent="replace"
                  lines={replacements.replaceable.map((l) => ({ ...l, help: t("service.replace.left", { left: l.left, shipped: l.shipped }) }))}
                  fieldId={(id) => `f-replace-${id}`}
                  submit={t("service.replace.create")}
                />
              ) : (
                <p className="mt-2 text-sm text-slate-500">{t("service.replace.nothingLeft")}</p>
              )
            ) : can.work && c.status !== "closed" && replacements.orders.length === 0 ? (
              <p className="mt-2 text-sm text-slate-500">{t("service.replace.notAbout")}</p>
            ) : null}
          </Section>
          <Section title={t("service.links")} id="service-links">
            {links.length ? (
              <ul className="space-y-1 text-sm">
                {links.map((l) => (
                  <li key={`${l.kind}-${l.id}`}>
                    {t(`service.link.${l.kind}` as "service.link.order")}:{" "}
                    {l.href ? (
                      <Link className="link" to={l.href}>
                        {l.label}
                      </Link>
                    ) : (
                      l.label
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">{t("service.linksEmpty")}</p>
            )}
            {can.work ? (
              <IntentForm intent="link" className="mt-3 space-y-3">
                <SelectField
                  name="kind"
                  id="f-link-kind"
                  label={t("service.linkKind")}
                  defaultValue={sv("link", "kind") ?? "order"}
                  options={LINK_KINDS.map((k) => ({ value: k, label: t(`service.link.${k}`) }))}
                />
                <Field {...result.field("link", "ref")} label={t("service.linkRef")} help={t("service.linkRefHint")} maxLength={40} />
                <SubmitButton className="btn-secondary" pendingText={t("common.saving")}>
                  {t("service.link")}
                </SubmitButton>
              </IntentForm>
            ) : null}
          </Section>
        </div>
      </div>
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";
