// Regenerates db/types.ts from a scratch database migrated to the latest schema.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dropDatabase, migrateToLatest } from "./migrate";

const here = path.dirname(fileURLToPath(import.meta.url));
const base = new URL(process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/dealer_desk");
base.pathname = `/dealer_desk_codegen_${process.pid}`;
const url = base.toString();
await dropDatabase(url);
await migrateToLatest(url);
execFileSync(
  path.join(here, "..", "node_modules", ".bin", "kysely-codegen"),
  ["--dialect", "mysql", "--url", url, "--type-mapping", JSON.stringify({ date: "string" }), "--out-file", path.join(here, "types.ts")],
  { stdio: "inherit" },
);
await dropDatabase(url);
