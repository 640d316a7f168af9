import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// In how many warehouses each product has stock available now (on hand > reserved),
// kept by triggers on stock_levels so that no writer (movements, the stock import,
// the seed, a test factory, a repair script) can forget it. "Available now" on the
// stock page reads this one row per product instead of the product's row in every
// warehouse (docs/decisions/079-product-availability-summary.md).
//
// The count only changes when a level crosses zero, so most movements never touch
// it (and never lock its row). stock_levels.product_id never changes on UPDATE.
const TRIGGERS: [string, string][] = [
  [
    "trg_stock_levels_ai_availability",
    `AFTER INSERT ON stock_levels FOR EACH ROW
      INSERT INTO product_availability (product_id, stocked_warehouses) VALUES (NEW.product_id, NEW.on_hand > NEW.reserved)
      ON DUPLICATE KEY UPDATE stocked_warehouses = stocked_warehouses + (NEW.on_hand > NEW.reserved)`,
  ],
  [
    "trg_stock_levels_au_availability",
    `AFTER UPDATE ON stock_levels FOR EACH ROW
      BEGIN
        IF (NEW.on_hand > NEW.reserved) <> (OLD.on_hand > OLD.reserved) THEN
          INSERT INTO product_availability (product_id, stocked_warehouses) VALUES (NEW.product_id, (NEW.on_hand > NEW.reserved) - (OLD.on_hand > OLD.reserved))
          ON DUPLICATE KEY UPDATE stocked_warehouses = stocked_warehouses + (NEW.on_hand > NEW.reserved) - (OLD.on_hand > OLD.reserved);
        END IF;
      END`,
  ],
  [
    "trg_stock_levels_ad_availability",
    `AFTER DELETE ON stock_levels FOR EACH ROW
      BEGIN
        IF OLD.on_hand > OLD.reserved THEN
          UPDATE product_availability SET stocked_warehouses = stocked_warehouses - 1 WHERE product_id = OLD.product_id;
        END IF;
      END`,
  ],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE product_availability (
        product_id BIGINT NOT NULL PRIMARY KEY,
        stocked_warehouses INT NOT NULL
      ) ENGINE=InnoDB`,
    )
    .execute(db);
  for (const [name, body] of TRIGGERS) await sql.raw(`CREATE TRIGGER ${name} ${body}`).execute(db);
  await sql
    .raw(`INSERT INTO product_availability (product_id, stocked_warehouses) SELECT product_id, SUM(on_hand > reserved) FROM stock_levels GROUP BY product_id`)
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of TRIGGERS) await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  await sql.raw(`DROP TABLE product_availability`).execute(db);
}
