import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// The descriptions the system writes on ledger entries become a message key and its
// parameters (JSON text) beside the English text, so every page can show them in the
// reader's language (docs/decisions/072). Adding the columns is instant; the backfill
// only fills the two new columns of entries whose English text is exactly what the
// system wrote — amounts, dates and the text itself are never touched.
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `ALTER TABLE ledger_entries ADD COLUMN description_key VARCHAR(48) NULL AFTER description, ADD COLUMN description_params TEXT NULL AFTER description_key`,
    )
    .execute(db);
  await backfill(db);
}

/** Keys for entries posted before this migration (exported for its test; idempotent). */
export async function backfill(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `UPDATE ledger_entries e JOIN shipments s ON s.id = e.shipment_id JOIN orders o ON o.id = e.order_id
       SET e.description_key = 'ledger.desc.invoice', e.description_params = JSON_OBJECT('shipment', s.number, 'order', o.number)
       WHERE e.entry_type = 'invoice' AND e.source_type = 'shipment' AND e.description_key IS NULL
         AND e.description = CONCAT('Invoice for shipment ', s.number, ' (order ', o.number, ')')`,
    )
    .execute(db);
  await sql
    .raw(
      `UPDATE ledger_entries
       SET description_key = 'ledger.desc.reversal',
           description_params = JSON_OBJECT('id', reverses_entry_id, 'reason', SUBSTRING(description, CHAR_LENGTH(CONCAT('Reversal of #', reverses_entry_id, ': ')) + 1))
       WHERE source_type = 'reversal' AND reverses_entry_id IS NOT NULL AND description_key IS NULL
         AND description LIKE CONCAT('Reversal of #', reverses_entry_id, ': %')`,
    )
    .execute(db);
  // Accepted disputes and bank payments: few rows, parsed here.
  const rows = await sql<{ id: number; source_type: string; description: string }>`
    SELECT id, source_type, description FROM ledger_entries
    WHERE description_key IS NULL AND ((source_type = 'dispute' AND description LIKE 'Dispute #%') OR (source_type = 'bank' AND description LIKE 'Bank payment%'))`.execute(
    db,
  );
  for (const r of rows.rows) {
    let key: string | null = null;
    let params: Record<string, string | number> = {};
    const d = /^Dispute #(\d+) accepted \((\d{4}-\d{2}) line (\d+), entry #(\d+)\)(?:: ([\s\S]*))?$/.exec(r.description);
    const b = /^Bank payment(?: (\d{4}-\d{2}-\d{2}))?(?: from (.*?))?: ([\s\S]*)$/.exec(r.description);
    if (r.source_type === "dispute" && d) {
      key = d[5] === undefined ? "ledger.desc.disputeAccepted" : "ledger.desc.disputeAcceptedNote";
      params = { dispute: Number(d[1]), period: d[2]!, line: Number(d[3]), entry: Number(d[4]), ...(d[5] === undefined ? {} : { note: d[5] }) };
    } else if (r.source_type === "bank" && b) {
      const [, date, payer, reference] = b;
      key =
        date && payer
          ? "ledger.desc.bankPaymentDatedFrom"
          : date
            ? "ledger.desc.bankPaymentDated"
            : payer
              ? "ledger.desc.bankPaymentFrom"
              : "ledger.desc.bankPayment";
      params = { reference: reference!, ...(date ? { date } : {}), ...(payer ? { payer } : {}) };
    }
    if (key) await sql`UPDATE ledger_entries SET description_key = ${key}, description_params = ${JSON.stringify(params)} WHERE id = ${r.id}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`ALTER TABLE ledger_entries DROP COLUMN description_params, DROP COLUMN description_key`).execute(db);
}
