import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Link } from "~/components/link";
import { AnnouncementForm, type AnnouncementFormValues } from "~/components/AnnouncementForm";
import { STATE_TONE } from "~/components/notifications";
import { FormError, Notice, SubmitButton } from "~/components/ui/form";
import { Badge, PageHeader } from "~/components/ui/layout";
import type { MessageKey } from "~/i18n";
import { useFormat, useLocale, useT } from "~/i18n/react";
import { getAnnouncement, updateAnnouncement, withdrawAnnouncement } from "~/modules/announcements/announcements.server";
import { AnnouncementSchema } from "~/modules/announcements/announcements.schema.server";
import { requireActor } from "~/modules/auth/auth.server";
import { intentAction } from "~/utils/intent.server";
import { withAction, withLoader } from "~/utils/route";
import { idParam } from "~/utils/params.server";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta<typeof loader>("announcements.announcement", ({ announcement: a }, locale) => (locale === "zh-CN" ? a.title_zh : a.title_en));

export const loader = withLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "announcement:manage");
  return json({ announcement: await getAnnouncement(actor, idParam(params.id)) });
});

export const action = withAction(async ({ request, params }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "announcement:manage");
  const id = idParam(params.id);
  return intentAction(request, {
    update: (ctx) => ctx.submit(AnnouncementSchema, (data) => updateAnnouncement(actor, id, data), "announcements.updated"),
    withdraw: async (ctx) => {
      await withdrawAnnouncement(actor, id);
      return ctx.done("announcements.withdrawn");
    },
  });
});

export default function EditAnnouncement() {
  const { announcement: a } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const t = useT();
  const f = useFormat();
  const locale = useLocale();
  const failure = data && data.ok === false ? data : undefined;
  const notice = data && data.ok === true ? data.message : sp.get("created") ? t("announcements.created") : undefined;
  const title = locale === "zh-CN" ? a.title_zh : a.title_en;
  const values: AnnouncementFormValues = (failure?.values as AnnouncementFormValues | undefined) ?? {
    kind: a.kind,
    titleEn: a.title_en,
    titleZh: a.title_zh,
    bodyEn: a.body_en,
    bodyZh: a.body_zh,
    regions: a.regions,
    tiers: a.tiers,
    productSkus: a.skus.join(", "),
    startsAt: a.startsLocal,
    endsAt: a.endsLocal,
  };
  return (
    <div className="max-w-3xl space-y-4">
      <PageHeader title={title} crumbs={[{ label: t("announcements.title"), to: "/admin/announcements" }, { label: title }]} />
      <Notice message={notice} />
      {a.state === "withdrawn" ? <FormError message={failure?.formError} /> : null}
      <div className="card flex flex-wrap items-center gap-3 text-sm">
        <Badge tone={STATE_TONE[a.state]}>{t(`announcements.state.${a.state}`)}</Badge>
        <span>{t(`announcements.kind.${a.kind}` as MessageKey)}</span>
        <span className="text-slate-500">
          {f.dateTime(a.starts_at)} – {a.ends_at ? f.dateTime(a.ends_at) : "∞"}
        </span>
        {a.skus.length ? (
          <span className="flex flex-wrap gap-2">
            {a.skus.map((s) => (
              <Link key={s} to={`/products/${encodeURIComponent(s)}`} className="link">
                {s}
              </Link>
            ))}
          </span>
        ) : null}
      </div>
      {a.state !== "withdrawn" ? (
        <>
          <h2 className="text-lg font-semibold">{t("announcements.edit")}</h2>
          <AnnouncementForm values={values} errors={failure?.fieldErrors} formError={failure?.formError} submitLabel={t("common.save")} intent="update" />
          <Form method="post" className="card space-y-2">
            <p className="text-sm text-slate-600">{t("announcements.withdrawHelp")}</p>
            <SubmitButton className="btn-danger" name="intent" value="withdraw" pendingText={t("common.submitting")}>
              {t("announcements.withdraw")}
            </SubmitButton>
          </Form>
        </>
      ) : (
        <div className="card space-y-2 text-sm">
          <p className="text-slate-600">{t("announcements.withdrawnReadOnly")}</p>
          <p className="whitespace-pre-wrap">{locale === "zh-CN" ? a.body_zh : a.body_en}</p>
        </div>
      )}
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";
