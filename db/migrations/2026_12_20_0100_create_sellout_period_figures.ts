import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// The sell-out figures of each period (issue #24 item 4, docs/decisions/144-sellout-period-figures.md): the sums
// the dealer-profit measures read — units and revenue sold, our and the all-brand revenue of the categories that
// have both, twice the unit-days on hand, the cost of the units sold at the dealer's average purchase price (and,
// apart, at the tier or list price for SKUs it did not buy) — one row per period, restated by the domain functions
// that change its inputs (sell-out writes, corrections, imports, shipments) so that the pages read one row per
// period instead of aggregating the sell-out lines. `catalog_version` and `priced_tier` record what the row was
// priced with: a row whose catalog or dealer tier has moved since is restated by the nightly `sellout-figures` job.
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE sellout_period_figures (
      period_id BIGINT NOT NULL PRIMARY KEY,
      dealer_id BIGINT NOT NULL,
      ends_on DATE NOT NULL,
      units_sold BIGINT NOT NULL,
      revenue_minor BIGINT NOT NULL,
      share_ours_minor BIGINT NOT NULL,
      share_total_minor BIGINT NOT NULL,
      unit_days2 BIGINT NOT NULL,
      cost_bought_minor BIGINT NOT NULL,
      cost_list_minor BIGINT NOT NULL,
      skus_list_priced INT NOT NULL,
      priced_tier VARCHAR(16) NOT NULL,
      catalog_version BIGINT NOT NULL,
      computed_at DATETIME(3) NOT NULL,
      KEY ix_sellout_period_figures_dealer (dealer_id, ends_on),
      KEY ix_sellout_period_figures_catalog (catalog_version),
      CONSTRAINT fk_sellout_period_figures_period FOREIGN KEY (period_id) REFERENCES sellout_periods (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS sellout_period_figures`).execute(db);
}
