/** Per-worker environment: each vitest worker has its own database and port. */
export function workerEnv(poolId = process.env.VITEST_POOL_ID ?? "1") {
  const base = new URL(process.env.TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/dealer_desk_test");
  base.pathname = `${base.pathname.replace(/\/$/, "") || "/dealer_desk_test"}_${poolId}`;
  const port = Number(process.env.TEST_PORT_BASE ?? 41000) + Number(poolId);
  return { databaseUrl: base.toString(), port, origin: `http://127.0.0.1:${port}` };
}
