/**
 * Least-privilege GRANTs for the database user the app runs as
 * (docs/features/ledger.md): full DML everywhere except the immutable tables,
 * where it may only read and insert.
 */
const INSERT_ONLY_TABLES = ["ledger_entries", "statement_lines"] as const;

export function leastPrivilegeGrants(database: string, user: string, tables: string[]): string[] {
  const q = (s: string) => `\`${s.replace(/`/g, "``")}\``;
  return tables.map((t) =>
    (INSERT_ONLY_TABLES as readonly string[]).includes(t)
      ? `GRANT SELECT, INSERT ON ${q(database)}.${q(t)} TO ${user}`
      : `GRANT SELECT, INSERT, UPDATE, DELETE ON ${q(database)}.${q(t)} TO ${user}`,
  );
}
