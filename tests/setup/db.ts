import { beforeEach } from "vitest";
import { workerEnv } from "./env";

const w = workerEnv();
process.env.NODE_ENV = "test";
process.env.DATABASE_URL = w.databaseUrl;
process.env.PORT = String(w.port);
process.env.APP_ORIGIN = w.origin;
process.env.SEED_DEMO = "false";
process.env.JOBS = "off";
// Servers a test spawns run as one process unless the test asks for a cluster.
process.env.WEB_CONCURRENCY = "1";
process.env.DB_POOL_SIZE ??= "12";
// Service-case attachments of this worker: a folder of its own under the system's temporary directory.
process.env.SERVICE_ATTACHMENTS_DIR = (await import("node:path")).join((await import("node:os")).tmpdir(), `dd-service-attachments-${process.pid}-${w.port}`);

const { migrateToLatest } = await import("../../db/migrate");
const { resetDatabase } = await import("../helpers/db");
await migrateToLatest(w.databaseUrl);
// The orders domain takes what arrives in stock (stock/arrivals.server.ts): loaded here as the server build loads it.
await import("../../app/modules/orders/orders.server");

beforeEach(async () => {
  await resetDatabase();
});
