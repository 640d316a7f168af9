import { sql, type Kysely } from "kysely";

// Frozen in time: never import app code here.
// Replacement shipments at no charge (issue #23, item 4): an order the service desk creates for the case's
// dealer, zero-priced, linked to the case (`orders.service_case_id`); each of its lines names the line of
// the original order it replaces, so the replaced quantity never exceeds what was shipped (or, for a case
// about a shipment, what that shipment carried). docs/decisions/136-service-replacement-orders.md
const T = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
const NOW = "DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `ALTER TABLE orders ADD COLUMN service_case_id BIGINT NULL, ADD KEY ix_orders_service_case (service_case_id)`,
    `CREATE TABLE service_replacement_lines (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      case_id BIGINT NOT NULL,
      order_id BIGINT NOT NULL,
      order_line_id BIGINT NOT NULL,
      source_order_line_id BIGINT NOT NULL,
      source_shipment_id BIGINT NULL,
      quantity INT NOT NULL,
      created_at ${NOW},
      UNIQUE KEY uq_service_replacement_lines_line (order_line_id),
      KEY ix_service_replacement_lines_case (case_id, created_at),
      KEY ix_service_replacement_lines_source (source_order_line_id),
      CONSTRAINT fk_service_replacement_lines_case FOREIGN KEY (case_id) REFERENCES service_cases (id),
      CONSTRAINT fk_service_replacement_lines_order FOREIGN KEY (order_id) REFERENCES orders (id),
      CONSTRAINT fk_service_replacement_lines_source FOREIGN KEY (source_order_line_id) REFERENCES order_lines (id),
      CONSTRAINT ck_service_replacement_lines_qty CHECK (quantity > 0)
    ) ${T}`,
    // The service figures read the cases opened in a period (decision 135): a bounded range on this index.
    `CREATE INDEX ix_service_cases_created ON service_cases (created_at)`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP INDEX ix_service_cases_created ON service_cases`).execute(db);
  await sql.raw(`DROP TABLE IF EXISTS service_replacement_lines`).execute(db);
  await sql.raw(`ALTER TABLE orders DROP KEY ix_orders_service_case, DROP COLUMN service_case_id`).execute(db);
}
