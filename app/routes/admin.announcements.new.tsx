import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AnnouncementForm, type AnnouncementFormValues } from "~/components/AnnouncementForm";
import { PageHeader } from "~/components/ui/layout";
import { useT } from "~/i18n/react";
import { createAnnouncement, instantToLocal } from "~/modules/announcements/announcements.server";
import { AnnouncementSchema } from "~/modules/announcements/announcements.schema.server";
import { requireActor } from "~/modules/auth/auth.server";
import { parseForm } from "~/utils/http.server";
import { withAction, withLoader } from "~/utils/route";
import { now } from "~/utils/time";
import { pageMeta } from "~/utils/meta";

export const meta = pageMeta("announcements.new");

export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  await requireActor(request, "announcement:manage");
  return json({ startsAt: instantToLocal(now()) });
});

export const action = withAction(async ({ request }: ActionFunctionArgs) => {
  const actor = await requireActor(request, "announcement:manage");
  const form = await parseForm(request, AnnouncementSchema);
  if (!form.ok) return json(form, { status: 400 });
  const { id } = await createAnnouncement(actor, form.data);
  return redirect(`/admin/announcements/${id}?created=1`);
});

export default function NewAnnouncement() {
  const { startsAt } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const failure = data && data.ok === false ? data : undefined;
  return (
    <div className="max-w-3xl">
      <PageHeader
        title={t("announcements.new")}
        crumbs={[{ label: t("announcements.title"), to: "/admin/announcements" }, { label: t("announcements.new") }]}
      />
      <AnnouncementForm
        values={(failure?.values as AnnouncementFormValues | undefined) ?? { startsAt }}
        errors={failure?.fieldErrors}
        formError={failure?.formError}
        submitLabel={t("announcements.publish")}
      />
    </div>
  );
}

export { ErrorBoundary } from "~/components/ErrorPage";
