import { createConnection } from "mysql2/promise";

/** Drops the previous run's worker databases so every run migrates from scratch. */
export default async function setup() {
  const base = new URL(process.env.TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/dealer_desk_test");
  const prefix = base.pathname.slice(1) || "dealer_desk_test";
  const conn = await createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username || "root"),
    password: decodeURIComponent(base.password || ""),
  });
  try {
    const [rows] = await conn.query("SHOW DATABASES");
    for (const r of rows as { Database: string }[]) {
      if (new RegExp(`^${prefix}_\\d+$`).test(r.Database)) await conn.query(`DROP DATABASE \`${r.Database}\``);
    }
  } finally {
    await conn.end();
  }
}
