/**
 * Demo after-sales service cases (issue #23): cases of the first dealers in every status, some late
 * (flagged, as the escalation job flags them), public replies and an internal note, an assignee. The
 * deadlines come from the promise figures and the working calendar, as the domain computes them.
 */
import type { Kysely } from "kysely";
import type { DB } from "../types";
import { addWorkingHours } from "../../app/utils/working-hours";
import type { FoundationIds } from "./foundation";

const HOUR = 3_600_000;
const PROMISE = { urgent: [4, 24], high: [8, 48], normal: [24, 72], low: [24, 120] } as const;

type Demo = {
  dealer: string;
  opener: string;
  subject: string;
  description: string;
  type: string;
  priority: keyof typeof PROMISE;
  status: string;
  ageHours: number;
  about?: "order_line" | "account";
  responded?: number; // hours after opening
  resolved?: number;
  closed?: number;
  outcome?: string;
  assigned?: boolean;
  thread?: Array<{ by: "dealer" | "desk"; visibility?: "internal"; body: string; after: number }>;
  /** The satisfaction survey sent at the resolution: its answer (hours after opening) and, for 1–2, the callback. */
  survey?: { score?: number; comment?: string; answered?: number; callback?: "open" | { after: number; outcome: string } };
};

const CASES: Demo[] = [
  {
    dealer: "D001",
    opener: "dealer_sales@demo.local",
    subject: "空调外机异响 Outdoor unit rattles",
    description: "安装两天后外机出现明显异响，终端客户要求尽快处理。The outdoor unit rattles two days after installation.",
    type: "quality_fault",
    priority: "urgent",
    status: "new",
    ageHours: 30,
    about: "order_line",
  },
  {
    dealer: "D001",
    opener: "dealer_admin@demo.local",
    subject: "少发两台 Two units missing from delivery",
    description: "送货单显示 10 台，实收 8 台。The delivery note says 10 units; we received 8.",
    type: "missing_items",
    priority: "high",
    status: "acknowledged",
    ageHours: 5,
    responded: 1,
    thread: [{ by: "desk", body: "已收到，正在核对仓库出库记录。We are checking the warehouse records.", after: 1 }],
  },
  {
    dealer: "D001",
    opener: "dealer_sales@demo.local",
    subject: "安装指导 Installation guidance for ceiling cassette",
    description: "客户现场吊顶高度不足，需要安装方案。The ceiling is too low for the standard bracket.",
    type: "installation",
    priority: "normal",
    status: "in_progress",
    ageHours: 26,
    responded: 3,
    assigned: true,
    thread: [
      { by: "desk", body: "请提供现场照片和吊顶高度。Please send photos and the ceiling height.", after: 3 },
      { by: "dealer", body: "吊顶高度 280 mm，照片稍后补充。Ceiling height is 280 mm.", after: 6 },
      { by: "desk", visibility: "internal", body: "技术部确认可用低矮支架，备件库有货。Low bracket in spare parts stock.", after: 8 },
    ],
  },
  {
    dealer: "D001",
    opener: "dealer_finance@demo.local",
    subject: "运费重复收取 Freight charged twice",
    description: "11 月对账单中同一发货单的运费出现两次。The November statement lists the freight of one shipment twice.",
    type: "billing",
    priority: "normal",
    status: "waiting_for_dealer",
    ageHours: 50,
    responded: 4,
    assigned: true,
    thread: [{ by: "desk", body: "请提供两条费用的凭证号。Please send both voucher numbers.", after: 4 }],
  },
  {
    dealer: "D001",
    opener: "dealer_sales@demo.local",
    subject: "遥控器失灵 Remote control does not pair",
    description: "一批遥控器无法配对。A batch of remote controls does not pair.",
    type: "quality_fault",
    priority: "high",
    status: "in_progress",
    ageHours: 120,
    responded: 2,
    assigned: true,
    thread: [{ by: "desk", body: "已安排更换遥控器。Replacement remotes are on their way.", after: 2 }],
  },
  {
    dealer: "D001",
    opener: "dealer_admin@demo.local",
    subject: "包装破损 Damaged packaging on delivery",
    description: "三箱外包装破损，机器外观完好。Three boxes damaged, units intact.",
    type: "wrong_or_damaged",
    priority: "low",
    status: "resolved",
    ageHours: 96,
    responded: 2,
    resolved: 30,
    outcome: "answer",
    thread: [{ by: "desk", body: "已记录承运商责任，机器可正常销售。Carrier notified; the units may be sold.", after: 30 }],
    survey: { score: 2, comment: "处理太慢，客户不满意。Far too slow; our customer was unhappy.", answered: 34, callback: "open" },
  },
  {
    dealer: "D001",
    opener: "dealer_sales@demo.local",
    subject: "工厂调试 Commissioning at a key account",
    description: "大客户现场需要厂家工程师调试。The key account asks for a factory engineer.",
    type: "installation",
    priority: "normal",
    status: "closed",
    ageHours: 240,
    responded: 5,
    resolved: 48,
    closed: 60,
    outcome: "field_visit",
    thread: [{ by: "desk", body: "工程师已于周三完成现场调试。The engineer commissioned the units on Wednesday.", after: 48 }],
    survey: { score: 5, comment: "工程师非常专业。The engineer was excellent.", answered: 52 },
  },
  {
    dealer: "D001",
    opener: "dealer_admin@demo.local",
    subject: "制冷不足 Weak cooling in summer mode",
    description: "夏季模式下出风温度偏高。The outlet air is too warm in summer mode.",
    type: "quality_fault",
    priority: "normal",
    status: "closed",
    ageHours: 200,
    responded: 3,
    resolved: 40,
    closed: 70,
    outcome: "answer",
    assigned: true,
    thread: [{ by: "desk", body: "已远程调整参数，备件随后寄出。Settings adjusted remotely; the spare part follows.", after: 40 }],
    survey: {
      score: 1,
      comment: "问题拖了很久。It took far too long.",
      answered: 44,
      callback: { after: 50, outcome: "已致歉并说明备件延误原因，经销商接受。Apologised and explained the spare part delay; the dealer accepted." },
    },
  },
  {
    dealer: "D002",
    opener: "dealer_sales@dealer2.demo.local",
    subject: "显示屏花屏 Display flickers",
    description: "固件升级后显示屏闪烁。The display flickers since the firmware update.",
    type: "quality_fault",
    priority: "normal",
    status: "new",
    ageHours: 2,
  },
  {
    dealer: "D002",
    opener: "dealer_sales@dealer2.demo.local",
    subject: "安装支架缺件 Bracket screws missing",
    description: "安装支架少了四颗螺丝。Four screws missing from the mounting bracket.",
    type: "missing_items",
    priority: "low",
    status: "resolved",
    ageHours: 30,
    responded: 2,
    resolved: 20,
    outcome: "answer",
    thread: [{ by: "desk", body: "螺丝已随下一批货寄出。The screws ship with your next delivery.", after: 20 }],
    survey: {},
  },
];

export async function seedService(db: Kysely<DB>, ids: FoundationIds): Promise<void> {
  const now = Date.now();
  const tz = process.env.BUSINESS_TZ || "Asia/Shanghai";
  const holidays = new Set((await db.selectFrom("holidays").select("day").execute()).map((h) => String(h.day).slice(0, 10)));
  const desk = ids.users["service@demo.local"] ?? null;
  let n = 0;
  for (const c of CASES) {
    const dealerId = ids.dealerIds[c.dealer]!;
    const opener = ids.users[c.opener]!;
    const opened = new Date(now - c.ageHours * HOUR);
    const at = (h?: number) => (h === undefined ? null : new Date(opened.getTime() + h * HOUR));
    const [responseH, resolutionH] = PROMISE[c.priority];
    const responseDue = addWorkingHours(opened, responseH, tz, holidays);
    const resolutionDue = addWorkingHours(opened, resolutionH, tz, holidays);
    const firstResponse = at(c.responded);
    const resolved = at(c.resolved);
    const open = !resolved;
    const late = open && ((!firstResponse && responseDue.getTime() < now) || resolutionDue.getTime() < now);
    let line: { id: number; order_id: number; product_id: number } | undefined;
    if (c.about === "order_line")
      line = await db
        .selectFrom("order_lines as ol")
        .innerJoin("orders as o", "o.id", "ol.order_id")
        .select(["ol.id", "ol.order_id", "ol.product_id"])
        .where("o.dealer_id", "=", dealerId)
        .where("ol.shipped_qty", ">", 0)
        .orderBy("o.submitted_at", "desc")
        .limit(1)
        .executeTakeFirst();
    const r = await db
      .insertInto("service_cases")
      .values({
        dealer_id: dealerId,
        opened_by: opener,
        about: line ? "order_line" : "account",
        order_id: line?.order_id ?? null,
        order_line_id: line?.id ?? null,
        product_id: line?.product_id ?? null,
        serial_no: line ? "SN2026-11-0042" : null,
        case_type: c.type,
        priority: c.priority,
        status: c.status,
        subject: c.subject,
        description: c.description,
        assignee_id: c.assigned ? desk : null,
        response_due_at: responseDue,
        resolution_due_at: resolutionDue,
        first_response_at: firstResponse,
        resolved_at: resolved,
        closed_at: at(c.closed),
        outcome: c.outcome ?? null,
        breached_at: late ? new Date(now) : null,
        escalated_at: late ? new Date(now) : null,
        created_at: opened,
        updated_at: new Date(Math.max(opened.getTime(), ...(c.thread ?? []).map((m) => opened.getTime() + m.after * HOUR))),
      })
      .executeTakeFirstOrThrow();
    const id = Number(r.insertId);
    n++;
    await db
      .updateTable("service_cases")
      .set({ number: `SC${String(id).padStart(6, "0")}` })
      .where("id", "=", id)
      .execute();
    for (const m of c.thread ?? [])
      await db
        .insertInto("service_messages")
        .values({
          case_id: id,
          author_id: m.by === "desk" ? desk : opener,
          visibility: m.visibility ?? "public",
          kind: "reply",
          body: m.body,
          created_at: new Date(opened.getTime() + m.after * HOUR),
        })
        .execute();
    if (c.survey && resolved) await seedSurvey(db, { caseId: id, dealerId, opener, resolved, opened, desk }, c.survey);
  }
  if (n && desk)
    await db.insertInto("service_settings").values({ id: 1, lead_user_id: desk, due_soon_hours: 4 }).onDuplicateKeyUpdate({ lead_user_id: desk }).execute();
}

/** The survey of a demo resolution, as the resolving transaction writes it, and its answer and callback (decisions 132, 133). */
async function seedSurvey(
  db: Kysely<DB>,
  k: { caseId: number; dealerId: number; opener: number; resolved: Date; opened: Date; desk: number | null },
  s: NonNullable<Demo["survey"]>,
) {
  const locale = (await db.selectFrom("users").select("locale").where("id", "=", k.opener).executeTakeFirstOrThrow()).locale;
  const r = await db
    .insertInto("service_surveys")
    .values({
      case_id: k.caseId,
      dealer_id: k.dealerId,
      user_id: k.opener,
      round: 1,
      locale,
      expires_at: new Date(k.resolved.getTime() + 30 * 24 * HOUR),
      created_at: k.resolved,
    })
    .executeTakeFirstOrThrow();
  const surveyId = Number(r.insertId);
  if (!s.score || s.answered === undefined) return;
  const answered = new Date(k.opened.getTime() + s.answered * HOUR);
  await db
    .insertInto("service_survey_answers")
    .values({ survey_id: surveyId, case_id: k.caseId, score: s.score, comment: s.comment ?? null, answered_at: answered })
    .execute();
  if (!s.callback) return;
  const done = s.callback !== "open" ? s.callback : null;
  const calledAt = done ? new Date(k.opened.getTime() + done.after * HOUR) : null;
  await db
    .insertInto("service_callbacks")
    .values({
      case_id: k.caseId,
      survey_id: surveyId,
      dealer_id: k.dealerId,
      status: done ? "done" : "open",
      opened_at: answered,
      called_by: done ? k.desk : null,
      called_at: calledAt,
      outcome: done?.outcome ?? null,
      recorded_at: calledAt,
    })
    .execute();
}
