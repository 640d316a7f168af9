/**
 * Transactional notices (statement reminders, stale-order reminders, and any
 * domain's own mail): one layout, written to the outbox in the caller's
 * transaction with a deterministic dedupe key.
 */
import type { Executor } from "../../../db/client";
import { translate, type Locale } from "~/i18n";
import { env } from "~/utils/env.server";
import { renderEmail, type EmailContent, type EmailLink, type EmailSection } from "../../../emails/render";
import { enqueueEmail } from "./outbox.server";

export type NoticeInput = {
  dedupeKey: string;
  kind: string;
  user: { id: number; email: string; name: string; locale: Locale };
  subject: string;
  heading: string;
  intro: string;
  sections: EmailSection[];
  cta?: EmailLink;
  /** One-click choices (the service survey's scores). */
  choices?: EmailContent["choices"];
};

export async function renderNotice(n: Omit<NoticeInput, "dedupeKey" | "kind">) {
  const L = n.user.locale;
  const origin = env().APP_ORIGIN;
  return renderEmail({
    locale: L,
    subject: n.subject,
    preview: n.intro,
    appName: translate(L, "app.name"),
    heading: n.heading,
    greeting: translate(L, "digest.greeting", { name: n.user.name }),
    intro: n.intro,
    sections: n.sections,
    cta: n.cta,
    choices: n.choices,
    footer: [translate(L, "notice.footer", { email: n.user.email })],
    footerLinks: [{ label: translate(L, "digest.preferences"), href: `${origin}/settings` }],
  });
}

/** Renders the notice and writes it to the outbox in `tx`; a repeat with the same key is a no-op. */
export async function enqueueNotice(tx: Executor, n: NoticeInput): Promise<{ inserted: boolean }> {
  const r = await renderNotice(n);
  return enqueueEmail(tx, {
    dedupeKey: n.dedupeKey,
    kind: n.kind,
    userId: n.user.id,
    to: n.user.email,
    locale: n.user.locale,
    subject: r.subject,
    html: r.html,
    text: r.text,
  });
}
