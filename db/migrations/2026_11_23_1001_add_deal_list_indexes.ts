import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Indexes for /deals (docs/decisions/036): the newest deals of a dealer or an account
// manager without a sort (with or without a stage), and covering indexes for the counts,
// the pipeline by stage and the filter choices (key accounts, dealers).
export async function up(db: Kysely<any>): Promise<void> {
  const stmts = [
    `ALTER TABLE deals
       ADD KEY ix_deals_dealer_created (dealer_id, created_at),
       ADD KEY ix_deals_dealer_cover (dealer_id, stage, estimated_value_minor, key_account_id),
       DROP KEY ix_deals_am,
       ADD KEY ix_deals_am (account_manager_id, stage, created_at),
       ADD KEY ix_deals_am_created (account_manager_id, created_at),
       ADD KEY ix_deals_am_cover (account_manager_id, stage, estimated_value_minor, key_account_id, dealer_id),
       ADD KEY ix_deals_created (created_at)`,
  ];
  for (const s of stmts) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `ALTER TABLE deals
         DROP KEY ix_deals_created,
         DROP KEY ix_deals_am_cover,
         DROP KEY ix_deals_am_created,
         DROP KEY ix_deals_am,
         ADD KEY ix_deals_am (account_manager_id, stage),
         DROP KEY ix_deals_dealer_cover,
         DROP KEY ix_deals_dealer_created`,
    )
    .execute(db);
}
