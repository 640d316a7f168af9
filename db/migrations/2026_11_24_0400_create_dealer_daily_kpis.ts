import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// The dealer dashboard's rolling KPIs (fill rate, on-time delivery, days to ship) as per-dealer
// daily sums (docs/decisions/074), and what each order currently adds to them, so that every
// change to an order moves exactly its own contribution. Backfilled from the orders.
export async function up(db: Kysely<any>): Promise<void> {
  const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
  await sql
    .raw(
      `CREATE TABLE order_kpi_contributions (
         order_id BIGINT NOT NULL PRIMARY KEY,
         dealer_id BIGINT NOT NULL,
         fill_day DATE NULL,
         ordered_qty BIGINT NOT NULL DEFAULT 0,
         on_promise_qty BIGINT NOT NULL DEFAULT 0,
         done_day DATE NULL,
         on_time TINYINT NOT NULL DEFAULT 0,
         ship_day DATE NULL,
         ship_days INT NOT NULL DEFAULT 0
       ) ${T}`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TABLE dealer_daily_kpis (
         dealer_id BIGINT NOT NULL,
         day DATE NOT NULL,
         ordered_qty BIGINT NOT NULL DEFAULT 0,
         on_promise_qty BIGINT NOT NULL DEFAULT 0,
         completed INT NOT NULL DEFAULT 0,
         on_time INT NOT NULL DEFAULT 0,
         first_shipped INT NOT NULL DEFAULT 0,
         ship_days BIGINT NOT NULL DEFAULT 0,
         PRIMARY KEY (dealer_id, day),
         CONSTRAINT fk_ddk_dealer FOREIGN KEY (dealer_id) REFERENCES organisations (id)
       ) ${T}`,
    )
    .execute(db);
  const off = businessOffset();
  const subDay = `DATE(CONVERT_TZ(o.submitted_at, '+00:00', '${off}'))`;
  const counted = `o.submitted_at IS NOT NULL AND o.status NOT IN ('draft', 'cancelled', 'rejected', 'credit_hold')`;
  const done = `o.status IN ('shipped', 'delivered') AND o.last_shipped_on IS NOT NULL`;
  const shipped = `o.first_shipped_on IS NOT NULL AND o.submitted_at IS NOT NULL`;
  await sql
    .raw(
      `INSERT INTO order_kpi_contributions (order_id, dealer_id, fill_day, ordered_qty, on_promise_qty, done_day, on_time, ship_day, ship_days)
       SELECT o.id, o.dealer_id,
         CASE WHEN ${counted} THEN ${subDay} END, CASE WHEN ${counted} THEN o.ordered_qty ELSE 0 END, CASE WHEN ${counted} THEN o.on_promise_qty ELSE 0 END,
         CASE WHEN ${done} THEN o.last_shipped_on END,
         CASE WHEN ${done} AND o.last_shipped_on <= COALESCE(o.promised_date, o.requested_date) THEN 1 ELSE 0 END,
         CASE WHEN ${shipped} THEN o.first_shipped_on END, CASE WHEN ${shipped} THEN DATEDIFF(o.first_shipped_on, ${subDay}) ELSE 0 END
       FROM orders o WHERE o.submitted_at IS NOT NULL`,
    )
    .execute(db);
  await sql
    .raw(
      `INSERT INTO dealer_daily_kpis (dealer_id, day, ordered_qty, on_promise_qty, completed, on_time, first_shipped, ship_days)
       SELECT dealer_id, day, SUM(a), SUM(b), SUM(c), SUM(d), SUM(e), SUM(f) FROM (
         SELECT dealer_id, fill_day AS day, ordered_qty AS a, on_promise_qty AS b, 0 AS c, 0 AS d, 0 AS e, 0 AS f FROM order_kpi_contributions WHERE fill_day IS NOT NULL
         UNION ALL SELECT dealer_id, done_day, 0, 0, 1, on_time, 0, 0 FROM order_kpi_contributions WHERE done_day IS NOT NULL
         UNION ALL SELECT dealer_id, ship_day, 0, 0, 0, 0, 1, ship_days FROM order_kpi_contributions WHERE ship_day IS NOT NULL
       ) x GROUP BY dealer_id, day`,
    )
    .execute(db);
}

/** The business time zone's current UTC offset ("+08:00"), from BUSINESS_TZ (default Asia/Shanghai). */
function businessOffset(): string {
  const tz = process.env.BUSINESS_TZ || "Asia/Shanghai";
  const part =
    new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" }).formatToParts(new Date()).find((p) => p.type === "timeZoneName")?.value ??
    "GMT";
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(part);
  return m ? `${m[1]}:${m[2] ?? "00"}` : "+00:00";
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS dealer_daily_kpis`).execute(db);
  await sql.raw(`DROP TABLE IF EXISTS order_kpi_contributions`).execute(db);
}
