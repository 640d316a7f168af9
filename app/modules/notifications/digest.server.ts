/**
 * Partner email digests. Per user, at their frequency (daily/weekly), in their
 * language: the domain events visible to their scope since their last digest,
 * grouped into sections their role may see. Nothing to say → no email.
 *
 * Set-based: users are processed in batches; each batch reads its events with
 * three grouped queries (by dealer, by account manager, by type for staff),
 * renders from cached compiled templates and writes the outbox rows and
 * users.last_digest_at in one transaction. The dedupe key
 * "digest:<userId>:<period>" makes a re-run of the period a no-op.
 */
import { sql } from "kysely";
import { db } from "../../../db/client";
import { isLocale, translate, translateKnown, type Locale } from "~/i18n";
import { announcementsForDigest, targetsDealer, type DigestAnnouncement } from "~/modules/announcements/announcements.server";
import { isRole, roleCan, type Role } from "~/modules/auth/permissions";
import { endingSoonFrom, promotionsForDigest, type DigestPromotion } from "~/modules/promotions/digest.server";
import { env } from "~/utils/env.server";
import { numberFormat } from "~/utils/intl";
import { formatMoney } from "~/utils/money";
import { now, startOfBusinessDate, toBusinessDate, type IsoDate } from "~/utils/time";
import type { DomainEventType } from "~/modules/audit/event-types";
import { transaction } from "~/utils/tx.server";
import { renderEmail, type EmailContent, type EmailItem, type EmailSection } from "../../../emails/render";
import {
  SECTION_KEYS,
  SECTION_PATH,
  SECTION_PERMISSION,
  STAFF_TYPES,
  WAITING_WHILE,
  audienceOf,
  classify,
  isStaffAudience,
  type Audience,
  type StaffAudience,
  type RecordState,
  type SectionKey,
  type WaitingEntity,
} from "./digest.sections";
import { enqueueEmails, type OutboxEmailInput } from "./outbox.server";
import { casesWaitingForDigest, type WaitingCase } from "./digest-cases.server";
import type { JobOutcome } from "./jobs.server";
import { appSecret, signUnsubscribeToken, unsubscribeUrl } from "./unsubscribe.server";

export type Frequency = "daily" | "weekly";

const PERIOD_MS: Record<Frequency, number> = { daily: 86_400_000, weekly: 7 * 86_400_000 };
/** However long ago the last digest was, a digest never reaches back further than this. */
const MAX_LOOKBACK_MS: Record<Frequency, number> = { daily: 7 * 86_400_000, weekly: 31 * 86_400_000 };
/** Events younger than this wait for the next digest (a transaction still committing may hold older ones). */
const SETTLE_MS = 60_000;
const ITEMS_PER_SECTION = 10;

export type DigestEvent = {
  id: number;
  occurred_at: Date;
  type: string;
  dealer_id: number | null;
  account_manager_id: number | null;
  actor_user_id: number | null;
  entity_type: string;
  entity_id: string;
  payload: string | null;
};

export type DigestUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  last_digest_at: Date | null;
  organisation_id: number;
  region: string;
  tier: string;
};

export type DigestSectionData = { key: SectionKey; items: (EmailItem & { at: Date })[]; total: number };

type Payload = Record<string, unknown>;
function parsePayload(p: string | null): Payload {
  if (!p) return {};
  try {
    const v = JSON.parse(p) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Payload) : {};
  } catch {
    return {};
  }
}
const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : undefined);

function refOf(e: DigestEvent, p: Payload): string {
  return str(p.number) ?? str(p.orderNumber) ?? str(p.reference) ?? str(p.title) ?? str(p.name) ?? str(p.period) ?? `#${e.entity_id}`;
}

function pathOf(e: DigestEvent, p: Payload, section: SectionKey, audience: Audience): string {
  switch (e.entity_type) {
    case "order":
      return `/orders/${encodeURIComponent(str(p.number) ?? e.entity_id)}`;
    case "quote":
      return `/quotes/${encodeURIComponent(e.entity_id)}`;
    case "deal":
      return `/deals/${encodeURIComponent(e.entity_id)}`;
    case "statement":
      return audience === "finance_desk" ? "/finance/disputes" : `/statements/${encodeURIComponent(e.entity_id)}`;
    case "dispute":
      return audience === "finance_desk" ? "/finance/disputes" : str(p.statementId) ? `/statements/${encodeURIComponent(str(p.statementId)!)}` : "/statements";
    default:
      return SECTION_PATH[section];
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Intl formatters are costly to build; a digest run formats thousands of dates with a handful of them. */
function fmt(locale: Locale, tz: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${tz}|${withTime}`;
  let f = formatters.get(key);
  if (!f)
    formatters.set(
      key,
      (f = new Intl.DateTimeFormat(locale, withTime ? { timeZone: tz, dateStyle: "medium", timeStyle: "short" } : { timeZone: tz, dateStyle: "medium" })),
    );
  return f;
}

function formatDate(locale: Locale, v: unknown, tz: string): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return fmt(locale, "UTC", false).format(new Date(`${s}T00:00:00Z`));
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : fmt(locale, tz, false).format(d);
}

function statusLabel(locale: Locale, status: string | undefined): string {
  if (!status) return "";
  return translateKnown(locale, `digest.status.${status}`) ?? status.replace(/_/g, " ");
}

/** One line of a digest for one event, in the reader's language. */
export function describeEvent(e: DigestEvent, section: SectionKey, audience: Audience, locale: Locale, tz: string): EmailItem & { at: Date } {
  const p = parsePayload(e.payload);
  const params = {
    ref: refOf(e, p),
    status: statusLabel(locale, str(p.to) ?? str(p.status) ?? e.type.split(".")[1]),
    date: formatDate(locale, p.validUntil ?? p.protectionExpiresOn ?? p.confirmBy ?? p.eta ?? p.date, tz) ?? "",
    days: str(p.daysLeft) ?? str(p.threshold) ?? "",
    dealer: str(p.dealerName) ?? str(p.dealerCode) ?? "",
    customer: str(p.keyAccountName) ?? str(p.customer) ?? "",
  };
  // A resolved dispute says how it was resolved (accepted → an adjustment was posted; rejected).
  const decision = e.type === "dispute.resolved" ? str(p.decision) : undefined;
  const key = decision === "accepted" || decision === "rejected" ? `digest.event.dispute.${decision}` : `digest.event.${e.type}`;
  const text = translateKnown(locale, key, params) ?? translate(locale, `digest.fallback.${section}`, params);
  const dealerNote = params.dealer && audience !== "dealer" ? params.dealer : undefined;
  const when = fmt(locale, tz, true).format(e.occurred_at);
  return { text, href: `${env().APP_ORIGIN}${pathOf(e, p, section, audience)}`, meta: dealerNote ? `${dealerNote} · ${when}` : when, at: e.occurred_at };
}

/** A promotion as news for one reader: it started in their window, or its last seven days began in it. */
type PromotionNews = { promotion: DigestPromotion; kind: "started" | "ending"; at: Date };

/**
 * Which of a dealer's candidate promotions are news for a reader whose window is (since, until]: once when
 * it starts, and once (if it started before) when its last seven days begin — never every day of them.
 * A promotion that has ended by `today` is not news any more.
 */
function promotionNews(list: readonly DigestPromotion[], since: Date, until: Date, today: IsoDate, tz: string): PromotionNews[] {
  const out: PromotionNews[] = [];
  for (const p of list) {
    if (p.endsOn < today) continue;
    const started = startOfBusinessDate(p.startsOn, tz);
    const ending = startOfBusinessDate(endingSoonFrom(p.endsOn), tz);
    if (started > since && started <= until) out.push({ promotion: p, kind: "started", at: started });
    else if (p.startsOn <= today && ending > since && ending <= until) out.push({ promotion: p, kind: "ending", at: ending });
  }
  return out.sort((a, b) => a.promotion.endsOn.localeCompare(b.promotion.endsOn) || a.promotion.code.localeCompare(b.promotion.code));
}

/** A promotion's terms in words, in the reader's language: "10% off", "¥15.00 off per unit", "3% rebate on purchases". */
function termsText(locale: Locale, p: DigestPromotion): string {
  const pct = (bp: number) => numberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(bp / 10_000);
  if (p.mechanism === "rebate")
    return translate(locale, "promotions.terms.rebate", {
      percent: pct(p.rebateBp ?? 0),
      basis: translate(locale, p.rebateBasis === "sellout" ? "promotions.basis.sellout" : "promotions.basis.purchases"),
    });
  if (p.discountKind === "amount") return translate(locale, "promotions.terms.amountOff", { amount: formatMoney(p.discountMinor ?? 0, p.currency, locale) });
  return translate(locale, "promotions.terms.percentOff", { percent: pct(p.discountBp ?? 0) });
}

/** One line of a digest for a promotion, linking to its page. */
function describePromotion(n: PromotionNews, locale: Locale, tz: string): EmailItem & { at: Date } {
  const p = n.promotion;
  return {
    text: translate(locale, n.kind === "started" ? "digest.promotion.started" : "digest.promotion.ending", {
      code: p.code,
      name: locale === "zh-CN" ? p.nameZh : p.nameEn,
      terms: termsText(locale, p),
      date: formatDate(locale, p.endsOn, tz) ?? p.endsOn,
    }),
    href: `${env().APP_ORIGIN}/promotions/${p.id}`,
    at: n.at,
  };
}

/** The sections one user gets from the events in their scope (already filtered to their window). */
function buildSections(
  user: DigestUser,
  events: DigestEvent[],
  announcements: DigestAnnouncement[],
  tz: string,
  serviceCases: readonly WaitingCase[] = [],
  promotions: readonly PromotionNews[] = [],
): DigestSectionData[] {
  const audience = audienceOf(user.role);
  const newestFirst = [...events].sort((a, b) => b.occurred_at.getTime() - a.occurred_at.getTime() || b.id - a.id);
  const bySection = new Map<SectionKey, Map<string, DigestEvent>>();
  for (const e of newestFirst) {
    if (e.actor_user_id === user.id) continue; // what they did themselves is not news to them
    const section = classify(e.type, audience);
    if (!section) continue;
    const perm = SECTION_PERMISSION[section];
    if (perm && !roleCan(user.role, perm)) continue;
    let m = bySection.get(section);
    if (!m) bySection.set(section, (m = new Map()));
    // One line per record: its latest news.
    const k = `${e.entity_type}:${e.entity_id}`;
    if (!m.has(k)) m.set(k, e);
  }
  const out: DigestSectionData[] = [];
  for (const key of SECTION_KEYS) {
    if (key === "serviceCases") {
      // Not news but a queue: the cases that wait for this reader now (decision 135).
      if (!serviceCases.length || !roleCan(user.role, "service:read")) continue;
      out.push({
        key,
        total: serviceCases.length,
        items: serviceCases.slice(0, ITEMS_PER_SECTION).map((c) => ({
          text: translate(user.locale, `digest.service.${c.reason}`, {
            ref: c.number,
            subject: c.subject,
            date: fmt(user.locale, tz, true).format(c.dueAt),
          }),
          meta: audience === "dealer" ? undefined : c.dealerName,
          href: `${env().APP_ORIGIN}/service/${c.id}`,
          at: c.dueAt,
        })),
      });
      continue;
    }
    if (key === "promotions") {
      // A dealer's: the promotions that target its dealer, as they start and as they near their end.
      if (audience !== "dealer" || !promotions.length || !roleCan(user.role, "promotion:read")) continue;
      out.push({ key, total: promotions.length, items: promotions.slice(0, ITEMS_PER_SECTION).map((n) => describePromotion(n, user.locale, tz)) });
      continue;
    }
    if (key === "announcements") {
      if (audience !== "dealer") continue;
      const mine = announcements.filter((a) => targetsDealer(a, user.region, user.tier));
      if (!mine.length) continue;
      out.push({
        key,
        total: mine.length,
        items: mine.slice(0, ITEMS_PER_SECTION).map((a) => ({
          text: user.locale === "zh-CN" ? a.titleZh : a.titleEn,
          meta: translateKnown(user.locale, `announcements.kind.${a.kind}`) ?? a.kind,
          href: `${env().APP_ORIGIN}/#announcement-${a.id}`,
          at: a.visibleFrom,
        })),
      });
      continue;
    }
    const m = bySection.get(key);
    if (!m || m.size === 0) continue;
    const list = [...m.values()];
    out.push({ key, total: list.length, items: list.slice(0, ITEMS_PER_SECTION).map((e) => describeEvent(e, key, audience, user.locale, tz)) });
  }
  return out;
}

export function digestContent(
  user: DigestUser,
  frequency: Frequency,
  period: string,
  since: Date,
  sections: DigestSectionData[],
  unsubscribeHref: string,
): EmailContent {
  const L = user.locale;
  const origin = env().APP_ORIGIN;
  const tz = env().BUSINESS_TZ;
  const count = sections.reduce((n, s) => n + s.total, 0);
  const sinceText = fmt(L, tz, true).format(since);
  const emailSections: EmailSection[] = sections.map((s) => ({
    title: translate(L, `digest.section.${s.key}`),
    items: s.items.map(({ text, href, meta }) => ({ text, href, meta })),
    more: s.total > s.items.length ? translate(L, "digest.more", { n: s.total - s.items.length }) : undefined,
    link: { label: translate(L, "digest.viewAll"), href: `${origin}${SECTION_PATH[s.key]}` },
  }));
  return {
    locale: L,
    subject: translate(L, `digest.subject.${frequency}${count === 1 ? ".one" : ""}`, { count, period }),
    preview: translate(L, count === 1 ? "digest.preview.one" : "digest.preview", { count }),
    appName: translate(L, "app.name"),
    heading: translate(L, frequency === "daily" ? "digest.heading.daily" : "digest.heading.weekly"),
    greeting: translate(L, "digest.greeting", { name: user.name }),
    intro: translate(L, "digest.intro", { since: sinceText }),
    sections: emailSections,
    cta: { label: translate(L, "digest.open"), href: `${origin}/` },
    footer: [translate(L, frequency === "daily" ? "digest.footer.daily" : "digest.footer.weekly", { email: user.email })],
    footerLinks: [
      { label: translate(L, "digest.preferences"), href: `${origin}/settings` },
      { label: translate(L, "digest.unsubscribe"), href: unsubscribeHref },
    ],
  };
}

export function digestDedupeKey(userId: number, period: string): string {
  return `digest:${userId}:${period}`;
}

/**
 * users: read; emails: digests written; empty: users with nothing to say; alreadySent: users skipped because
 * this period's digest was already written for them (a second run of the period, "Run now" after the schedule).
 */
export type DigestRunResult = { users: number; emails: number; empty: number; alreadySent: number; batches: number };

/** The job's outcome as the jobs page tells it: written / skipped (already sent for this period) / nothing to say. */
export function digestJobOutcome(r: DigestRunResult): JobOutcome {
  return { message: { key: "jobs.result.digest", params: { emails: r.emails, skipped: r.alreadySent, empty: r.empty, users: r.users } }, details: r };
}

export type DigestRunOptions = {
  period: string;
  /** Upper bound of the window (defaults to now minus a settle margin). */
  until?: Date;
  batchSize?: number;
  signal?: AbortSignal;
  progress?: (text: string) => Promise<void>;
};

async function fetchEvents(column: "dealer_id" | "account_manager_id", ids: number[], since: Date, until: Date): Promise<DigestEvent[]> {
  if (!ids.length) return [];
  return db
    .selectFrom("domain_events")
    .select(["id", "occurred_at", "type", "dealer_id", "account_manager_id", "actor_user_id", "entity_type", "entity_id", "payload"])
    .where(column, "in", ids)
    .where("occurred_at", ">", since)
    .where("occurred_at", "<=", until)
    .execute();
}

async function fetchStaffEvents(types: string[], since: Date, until: Date): Promise<DigestEvent[]> {
  if (!types.length) return [];
  return db
    .selectFrom("domain_events")
    .select(["id", "occurred_at", "type", "dealer_id", "account_manager_id", "actor_user_id", "entity_type", "entity_id", "payload"])
    .where("type", "in", types)
    .where("occurred_at", ">", since)
    .where("occurred_at", "<=", until)
    .execute();
}

function groupBy<T>(rows: T[], key: (r: T) => number | null): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === null) continue;
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(r);
  }
  return m;
}

/** The present state of every record that the batch's action events point at: one query per kind of record. */
async function recordStates(events: DigestEvent[]): Promise<Map<string, RecordState>> {
  const ids = new Map<WaitingEntity, Set<number>>();
  for (const e of events) {
    const rule = WAITING_WHILE[e.type as DomainEventType];
    const id = Number(e.entity_id);
    if (!rule || !Number.isSafeInteger(id)) continue;
    let set = ids.get(rule.entity);
    if (!set) ids.set(rule.entity, (set = new Set()));
    set.add(id);
  }
  const states = new Map<string, RecordState>();
  const list = (k: WaitingEntity) => [...(ids.get(k) ?? [])];
  const put = (k: WaitingEntity, rows: ({ id: number } & RecordState)[]) => {
    for (const { id, ...state } of rows) states.set(`${k}:${id}`, state);
  };
  await Promise.all([
    list("quote").length &&
      db
        .selectFrom("quotes")
        .select(["id", "status", "valid_until as validUntil"])
        .where("id", "in", list("quote"))
        .execute()
        .then((r) => put("quote", r)),
    list("statement").length &&
      db
        .selectFrom("statements")
        .select(["id", "status", "confirmed_at"])
        .where("id", "in", list("statement"))
        .execute()
        .then((r) =>
          put(
            "statement",
            r.map(({ confirmed_at, ...x }) => ({ ...x, confirmed: confirmed_at !== null })),
          ),
        ),
    list("deal").length &&
      db
        .selectFrom("deals")
        .select(["id", "stage as status", "renewal_requested_at"])
        .where("id", "in", list("deal"))
        .execute()
        .then((r) =>
          put(
            "deal",
            r.map(({ renewal_requested_at, ...x }) => ({ ...x, renewalPending: renewal_requested_at !== null })),
          ),
        ),
    list("lead").length &&
      db
        .selectFrom("leads")
        .select(["id", "status"])
        .where("id", "in", list("lead"))
        .execute()
        .then((r) => put("lead", r)),
    list("order").length &&
      db
        .selectFrom("orders")
        .select(["id", "status"])
        .where("id", "in", list("order"))
        .execute()
        .then((r) => put("order", r)),
    list("dispute").length &&
      db
        .selectFrom("disputes")
        .select(["id", "status"])
        .where("id", "in", list("dispute"))
        .execute()
        .then((r) => put("dispute", r)),
  ]);
  return states;
}

/**
 * Drops the action events whose record no longer waits for its reader (WAITING_WHILE), judged on the
 * records as they are now. An event whose record cannot be found is kept as it was written.
 */
function stillWaiting(events: DigestEvent[], states: Map<string, RecordState>, today: string): DigestEvent[] {
  return events.filter((e) => {
    const rule = WAITING_WHILE[e.type as DomainEventType];
    if (!rule) return true;
    const state = states.get(`${rule.entity}:${Number(e.entity_id)}`);
    return !state || rule.waiting(state, today);
  });
}

const minDate = (ds: Date[]) => new Date(Math.min(...ds.map((d) => d.getTime())));

/** One digest run for every active user with this frequency. Idempotent per period. */
export async function runDigest(frequency: Frequency, opts: DigestRunOptions): Promise<DigestRunResult> {
  const tz = env().BUSINESS_TZ;
  const until = opts.until ?? new Date(now().getTime() - SETTLE_MS);
  const floor = new Date(until.getTime() - MAX_LOOKBACK_MS[frequency]);
  const defaultSince = new Date(until.getTime() - PERIOD_MS[frequency]);
  const batchSize = opts.batchSize ?? 250;
  const secret = await appSecret();
  const announcements = await announcementsForDigest(floor, until);
  const totalRow = await db
    .selectFrom("users as u")
    .innerJoin("organisations as o", "o.id", "u.organisation_id")
    .select(sql<number>`COUNT(*)`.as("n"))
    .where("u.digest_frequency", "=", frequency)
    .where("u.status", "=", "active")
    .where("o.status", "=", "active")
    .executeTakeFirst();
  const total = Number(totalRow?.n ?? 0);
  const result: DigestRunResult = { users: 0, emails: 0, empty: 0, alreadySent: 0, batches: 0 };
  let afterId = 0;
  for (;;) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
    const rows = await db
      .selectFrom("users as u")
      .innerJoin("organisations as o", "o.id", "u.organisation_id")
      .select(["u.id", "u.email", "u.name", "u.role", "u.locale", "u.last_digest_at", "u.organisation_id", "o.region", "o.tier", "o.kind"])
      .where("u.digest_frequency", "=", frequency)
      .where("u.status", "=", "active")
      .where("o.status", "=", "active")
      .where("u.id", ">", afterId)
      .orderBy("u.id")
      .limit(batchSize)
      .execute();
    if (!rows.length) break;
    afterId = rows[rows.length - 1]!.id;
    result.batches++;

    // A re-run of the period (takeover after a crash) skips users whose digest is already in the outbox.
    const keys = rows.map((r) => digestDedupeKey(r.id, opts.period));
    const done = new Set((await db.selectFrom("outbox_emails").select("dedupe_key").where("dedupe_key", "in", keys).execute()).map((r) => r.dedupe_key));

    const users: (DigestUser & { since: Date })[] = [];
    for (const r of rows) {
      if (!isRole(r.role)) continue;
      if (done.has(digestDedupeKey(r.id, opts.period))) {
        result.alreadySent++;
        continue;
      }
      const since = new Date(Math.max((r.last_digest_at ?? defaultSince).getTime(), floor.getTime()));
      if (since >= until) {
        // Their last digest already reached the end of this window.
        result.alreadySent++;
        continue;
      }
      users.push({
        id: r.id,
        email: r.email,
        name: r.name,
        role: r.role,
        locale: isLocale(r.locale) ? r.locale : "zh-CN",
        last_digest_at: r.last_digest_at,
        organisation_id: r.organisation_id,
        region: r.region,
        tier: r.tier,
        since,
      });
    }

    const dealerUsers = users.filter((u) => audienceOf(u.role) === "dealer");
    const amUsers = users.filter((u) => audienceOf(u.role) === "key_accounts");
    const staffUsers = users.filter((u) => isStaffAudience(audienceOf(u.role)));
    const staffTypes = [...new Set(staffUsers.flatMap((u) => STAFF_TYPES[audienceOf(u.role) as StaffAudience]))];
    const [dealerEvents, amEvents, staffEvents] = await Promise.all([
      dealerUsers.length
        ? fetchEvents("dealer_id", [...new Set(dealerUsers.map((u) => u.organisation_id))], minDate(dealerUsers.map((u) => u.since)), until)
        : [],
      amUsers.length
        ? fetchEvents(
            "account_manager_id",
            amUsers.map((u) => u.id),
            minDate(amUsers.map((u) => u.since)),
            until,
          )
        : [],
      staffUsers.length ? fetchStaffEvents(staffTypes, minDate(staffUsers.map((u) => u.since)), until) : [],
    ]);
    // Only what still waits for its reader: states read now, when the digest is built.
    const states = await recordStates([...dealerEvents, ...amEvents, ...staffEvents]);
    const today = toBusinessDate(now(), tz);
    const byDealer = groupBy(stillWaiting(dealerEvents, states, today), (e) => e.dealer_id);
    const byAm = groupBy(stillWaiting(amEvents, states, today), (e) => e.account_manager_id);
    const staffWaiting = stillWaiting(staffEvents, states, today);
    // Service cases waiting for the reader: the desk's queue, a dealer's cases waiting for the dealer.
    const waitingCases = await casesWaitingForDigest(
      db,
      {
        desk: staffUsers.some((u) => audienceOf(u.role) === "service_desk"),
        dealerIds: [...new Set(dealerUsers.filter((u) => roleCan(u.role, "service:read")).map((u) => u.organisation_id))],
      },
      now(),
    );
    const casesByDealer = groupBy(waitingCases.dealer, (c) => c.dealerId);
    // Promotions that target a dealer reader's dealer and started or began their last days in the run's window.
    const promotionReaders = dealerUsers.filter((u) => roleCan(u.role, "promotion:read"));
    const promotionsByDealer = groupBy(
      promotionReaders.length
        ? await promotionsForDigest(
            db,
            [...new Set(promotionReaders.map((u) => u.organisation_id))],
            toBusinessDate(minDate(promotionReaders.map((u) => u.since)), tz),
            today,
          )
        : [],
      (p) => p.dealerId,
    );

    const outbox: OutboxEmailInput[] = [];
    for (const u of users) {
      const audience = audienceOf(u.role);
      const scoped = audience === "dealer" ? (byDealer.get(u.organisation_id) ?? []) : audience === "key_accounts" ? (byAm.get(u.id) ?? []) : staffWaiting;
      const inWindow = scoped.filter((e) => e.occurred_at > u.since && e.occurred_at <= until);
      const anns = audience === "dealer" ? announcements.filter((a) => a.visibleFrom > u.since) : [];
      const cases = audience === "dealer" ? (casesByDealer.get(u.organisation_id) ?? []) : audience === "service_desk" ? waitingCases.desk : [];
      const promos = audience === "dealer" ? promotionNews(promotionsByDealer.get(u.organisation_id) ?? [], u.since, until, today, tz) : [];
      const sections = buildSections(u, inWindow, anns, tz, cases, promos);
      if (!sections.length) {
        result.empty++;
        continue;
      }
      const unsubscribe = unsubscribeUrl(signUnsubscribeToken(secret, u.id, "digest"));
      const rendered = await renderEmail(digestContent(u, frequency, opts.period, u.since, sections, unsubscribe));
      outbox.push({
        dedupeKey: digestDedupeKey(u.id, opts.period),
        kind: `digest.${frequency}`,
        userId: u.id,
        to: u.email,
        locale: u.locale,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
    }

    // The outbox rows and last_digest_at move together: both or neither.
    const processedIds = users.map((u) => u.id);
    await transaction("digest.batch", async (tx) => {
      for (let i = 0; i < outbox.length; i += 50) result.emails += await enqueueEmails(tx, outbox.slice(i, i + 50));
      if (processedIds.length) {
        await tx
          .updateTable("users")
          .set({ last_digest_at: until })
          .where("id", "in", processedIds)
          .where((eb) => eb.or([eb("last_digest_at", "is", null), eb("last_digest_at", "<", until)]))
          .execute();
      }
    });
    result.users += rows.length;
    if (opts.progress) await opts.progress(`${result.users}/${total} users · ${result.emails} digests`);
  }
  return result;
}
