/**
 * Bank statement CSV import (docs/decisions/033-payment-matching.md).
 *
 * Each row is a payment received. It is matched to a dealer by its reference
 * text only: a dealer code, an order number or a shipment/invoice number found
 * as a whole token. Exactly one dealer must match; none or several is reported
 * as unmatched — never guessed. A bank reference (the bank's transaction id)
 * posts once: a re-imported row is reported as already imported
 * (UNIQUE(entry_type, source_type, source_id) backs this up under concurrency).
 */
import { db, type Tx } from "../../../db/client";
import { audit } from "~/modules/audit/audit.server";
import { requirePermission, type Actor } from "~/modules/auth/actor";
import { env } from "~/utils/env.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { parseMoney } from "~/utils/money";
import { todayIn } from "~/utils/time";
import { transaction } from "~/utils/tx.server";
import { decodeUtf8OrGb18030 } from "~/modules/catalog/csv";
import { DuplicateSourceError, MAX_ENTRY_MINOR, postEntry } from "./post.server";
import { bankPaymentDescription, systemDescription } from "./descriptions";

const MAX_IMPORT_ROWS = 5000;

export type ImportProblem = "no_match" | "ambiguous" | "bad_amount" | "missing_bank_ref" | "duplicate_in_file" | "already_imported" | "currency";
export type ImportRowReport = {
  row: number;
  bankRef: string;
  reference: string;
  amount: string;
  date: string;
  payer: string;
  dealerCode?: string;
  entryId?: number;
  problem?: ImportProblem;
  candidates?: string[];
};
export type ImportReport = { importId: number; filename: string; total: number; posted: ImportRowReport[]; problems: ImportRowReport[]; postedMinor: number };

/** RFC 4180 CSV (quotes, doubled quotes, CRLF/LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
      continue;
    }
    if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      if (row.some((c) => c.trim() !== "")) rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  row.push(cell);
  if (row.some((c) => c.trim() !== "")) rows.push(row);
  return rows;
}

/** Bank files come as UTF-8 (with or without BOM) or GB18030/GBK (catalog/csv.ts reads both). */
export function decodeBankFile(bytes: Uint8Array): string {
  const r = decodeUtf8OrGb18030(bytes);
  return r.ok ? r.text : "";
}

const HEADERS: Record<string, string[]> = {
  date: ["date", "value_date", "日期", "交易日期", "记账日期"],
  amount: ["amount", "金额", "收入金额", "贷方金额"],
  reference: ["reference", "memo", "摘要", "附言", "用途", "备注"],
  bankRef: ["bank_ref", "bank_reference", "transaction_id", "流水号", "交易流水号"],
  payer: ["payer", "付款人", "对方户名", "付款方"],
  currency: ["currency", "币种"],
};

function columnIndex(header: string[]) {
  const norm = header.map((h) => h.trim().toLowerCase());
  const idx: Record<string, number> = {};
  for (const [k, names] of Object.entries(HEADERS)) idx[k] = norm.findIndex((h) => names.includes(h));
  return idx;
}

/** ASCII runs that could be a dealer code, an order or a shipment number. */
export function referenceTokens(reference: string): string[] {
  const m = reference.toUpperCase().match(/[A-Z0-9](?:[A-Z0-9\-_]*[A-Z0-9])?/g) ?? [];
  return [...new Set(m)].filter((t) => t.length >= 2 && t.length <= 64);
}

type Parsed = ImportRowReport & { amountMinor?: number; tokens: string[] };

export async function importPayments(actor: Actor, input: { filename: string; bytes: Uint8Array }): Promise<ImportReport> {
  requirePermission(actor, "ledger:post");
  const text = decodeBankFile(input.bytes);
  const table = parseCsv(text);
  if (table.length < 2) throw new ValidationError("validation.formErrors", { file: ["payments.emptyFile"] });
  const idx = columnIndex(table[0]!);
  if (idx.amount! < 0 || idx.reference! < 0 || idx.bankRef! < 0) throw new ValidationError("validation.formErrors", { file: ["payments.badHeader"] });
  const body = table.slice(1);
  if (body.length > MAX_IMPORT_ROWS) throw new ValidationError("validation.formErrors", { file: ["payments.tooManyRows"] }, { max: MAX_IMPORT_ROWS });
  const cell = (r: string[], k: string) => (idx[k]! >= 0 ? (r[idx[k]!] ?? "").trim() : "");

  const parsed: Parsed[] = body.map((r, i) => {
    const p: Parsed = {
      row: i + 2,
      bankRef: cell(r, "bankRef").slice(0, 64),
      reference: cell(r, "reference").slice(0, 300),
      amount: cell(r, "amount"),
      date: cell(r, "date"),
      payer: cell(r, "payer").slice(0, 120),
      tokens: [],
    };
    const money = parseMoney(p.amount, "CNY", { max: MAX_ENTRY_MINOR });
    if (!p.bankRef) p.problem = "missing_bank_ref";
    else if (!money.ok || money.minor <= 0) p.problem = "bad_amount";
    else p.amountMinor = money.minor;
    const cur = cell(r, "currency").toUpperCase();
    if (!p.problem && cur && cur !== "CNY" && cur !== "RMB" && cur !== env().DEFAULT_CURRENCY) p.problem = "currency";
    p.tokens = referenceTokens(p.reference);
    return p;
  });
  // The same bank reference twice in one file: the first one counts.
  const seen = new Set<string>();
  for (const p of parsed) {
    if (p.problem || !p.bankRef) continue;
    if (seen.has(p.bankRef)) p.problem = "duplicate_in_file";
    seen.add(p.bankRef);
  }

  // Set-based lookups: dealer codes, orders, shipments, invoice references, already imported.
  const tokens = [...new Set(parsed.flatMap((p) => p.tokens))];
  const refs = [...seen];
  const chunks = <T>(a: T[], n = 1000) => Array.from({ length: Math.ceil(a.length / n) }, (_, i) => a.slice(i * n, i * n + n));
  const byToken = new Map<string, Set<number>>();
  const orderOf = new Map<string, number>();
  const add = (t: string, dealerId: number) => (byToken.get(t) ?? byToken.set(t, new Set()).get(t)!).add(dealerId);
  const dealers = await db.selectFrom("organisations").select(["id", "code", "currency"]).where("kind", "=", "dealer").execute();
  const codeOf = new Map(dealers.map((d) => [d.id, d.code]));
  const currencyOf = new Map(dealers.map((d) => [d.id, d.currency]));
  const tokenSet = new Set(tokens);
  for (const d of dealers) if (tokenSet.has(d.code.toUpperCase())) add(d.code.toUpperCase(), d.id);
  for (const part of chunks(tokens)) {
    const [orders, shipments, invoices] = await Promise.all([
      db.selectFrom("orders").select(["id", "number", "dealer_id"]).where("number", "in", part).execute(),
      db.selectFrom("shipments").select(["number", "dealer_id", "order_id"]).where("number", "in", part).execute(),
      db.selectFrom("ledger_entries").select(["reference", "dealer_id"]).where("entry_type", "=", "invoice").where("reference", "in", part).execute(),
    ]);
    for (const o of orders)
      if (o.number) {
        add(o.number.toUpperCase(), o.dealer_id);
        orderOf.set(o.number.toUpperCase(), o.id);
      }
    for (const s of shipments) {
      add(s.number.toUpperCase(), s.dealer_id);
      orderOf.set(s.number.toUpperCase(), s.order_id);
    }
    for (const i of invoices) if (i.reference) add(i.reference.toUpperCase(), i.dealer_id);
  }
  const already = new Set<string>();
  for (const part of chunks(refs)) {
    const rows = await db
      .selectFrom("ledger_entries")
      .select("source_id")
      .where("entry_type", "=", "payment")
      .where("source_type", "=", "bank")
      .where("source_id", "in", part)
      .execute();
    for (const r of rows) if (r.source_id) already.add(r.source_id);
  }

  const matched: (Parsed & { dealerId: number; orderId: number | null })[] = [];
  for (const p of parsed) {
    if (p.problem) continue;
    if (already.has(p.bankRef)) {
      p.problem = "already_imported";
      continue;
    }
    const candidates = new Set<number>();
    let orderId: number | null = null;
    for (const t of p.tokens)
      for (const d of byToken.get(t) ?? []) {
        candidates.add(d);
        orderId ??= orderOf.get(t) ?? null;
      }
    if (candidates.size === 0) p.problem = "no_match";
    else if (candidates.size > 1) {
      p.problem = "ambiguous";
      p.candidates = [...candidates].map((d) => codeOf.get(d) ?? String(d)).sort();
    } else {
      const dealerId = [...candidates][0]!;
      p.dealerCode = codeOf.get(dealerId);
      matched.push({ ...p, dealerId, orderId });
    }
  }

  const today = todayIn(env().BUSINESS_TZ);
  return transaction("payments.import", async (tx: Tx) => {
    const posted: ImportRowReport[] = [];
    let postedMinor = 0;
    for (const m of matched) {
      try {
        const entryId = await postEntry(tx, actor, {
          dealerId: m.dealerId,
          type: "payment",
          amountMinor: -m.amountMinor!,
          currency: currencyOf.get(m.dealerId) ?? "CNY",
          businessDate: today,
          ...systemDescription(bankPaymentDescription({ date: m.date || null, payer: m.payer || null, reference: m.reference })),
          reference: m.bankRef,
          sourceType: "bank",
          sourceId: m.bankRef,
          orderId: m.orderId,
        });
        m.entryId = entryId;
        postedMinor += m.amountMinor!;
        posted.push(strip(m));
      } catch (err) {
        if (err instanceof DuplicateSourceError) {
          const p = parsed.find((x) => x.row === m.row)!;
          p.problem = "already_imported";
          continue;
        }
        throw err;
      }
    }
    const problems = parsed.filter((p) => p.problem).map(strip);
    const r = await tx
      .insertInto("payment_imports")
      .values({
        filename: input.filename.slice(0, 255),
        total_rows: parsed.length,
        matched_rows: posted.length,
        unmatched: JSON.stringify(problems),
        created_by: actor.userId,
      })
      .executeTakeFirstOrThrow();
    const importId = Number(r.insertId);
    await audit(tx, actor, {
      action: "payments.imported",
      entityType: "payment_import",
      entityId: importId,
      summary: { filename: input.filename, total: parsed.length, posted: posted.length, problems: problems.length, postedMinor },
    });
    return { importId, filename: input.filename, total: parsed.length, posted, problems, postedMinor };
  });
}

function strip(p: Parsed): ImportRowReport {
  const out: ImportRowReport = { row: p.row, bankRef: p.bankRef, reference: p.reference, amount: p.amount, date: p.date, payer: p.payer };
  if (p.dealerCode) out.dealerCode = p.dealerCode;
  if (p.entryId) out.entryId = p.entryId;
  if (p.problem) out.problem = p.problem;
  if (p.candidates) out.candidates = p.candidates;
  return out;
}

export async function listPaymentImports(actor: Actor) {
  requirePermission(actor, "ledger:post");
  return db
    .selectFrom("payment_imports as p")
    .leftJoin("users as u", "u.id", "p.created_by")
    .select(["p.id", "p.filename", "p.total_rows", "p.matched_rows", "p.created_at", "u.name as created_by_name"])
    .orderBy("p.created_at", "desc")
    .limit(20)
    .execute();
}

/** A past import's report: its posted payments (from the ledger) and its problem rows. */
export async function getPaymentImport(actor: Actor, id: number) {
  requirePermission(actor, "ledger:post");
  const imp = await db.selectFrom("payment_imports").selectAll().where("id", "=", id).executeTakeFirst();
  if (!imp) throw new NotFoundError();
  let problems: ImportRowReport[] = [];
  try {
    problems = JSON.parse(imp.unmatched ?? "[]") as ImportRowReport[];
  } catch {
    problems = [];
  }
  return { id: imp.id, filename: imp.filename, total: imp.total_rows, matched: imp.matched_rows, createdAt: imp.created_at, problems };
}
