/**
 * Per-worker environment: each vitest worker has its own database and port.
 *
 * Ports, relative to TEST_PORT_BASE (21000), never overlapping while files run in parallel.
 * They sit below Linux's ephemeral range (32768–60999 by default): a port in that range can
 * be taken at any moment by an outgoing connection (a database or HTTP client socket of a
 * parallel test), and a server then fails to listen with EADDRINUSE.
 *
 *   +1…+99     the worker's own server (PORT = base + pool id)
 *   +100…+149  tests/http/process.test.ts, server started as a child (PORT + 100)
 *   +150…+159  tests/faults/connection-drop.test.ts, paused fault servers (PORT + 150)
 *   +160…+199  tests/http/process.test.ts, SIGTERM drain server (PORT + 160)
 *   +201…+299  tests/http/process.test.ts, two-worker cluster (PORT + 200)
 *   +300…+302  tests/bench/bench.test.ts, the smoke benchmark's app, second app and floor
 *   +400…+403  tests/cluster/galera.test.ts, two web instances on two Galera nodes (+400, +401)
 */
export function workerEnv(poolId = process.env.VITEST_POOL_ID ?? "1") {
  const base = new URL(process.env.TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/dealer_desk_test");
  base.pathname = `${base.pathname.replace(/\/$/, "") || "/dealer_desk_test"}_${poolId}`;
  const port = testPortBase() + Number(poolId);
  return { databaseUrl: base.toString(), port, origin: `http://127.0.0.1:${port}` };
}

/** The first of the tests' ports (see above). */
export function testPortBase(): number {
  return Number(process.env.TEST_PORT_BASE ?? 21000);
}
