import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";
import PortalFirstSequencer from "./tests/setup/sequencer";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "tests/**/*.test.ts", "jobs/**/*.test.ts", "emails/**/*.test.ts", "db/**/*.test.ts"],
    // The cluster tests need a Galera cluster: tests/run.ts starts one and sets GALERA_NODES.
    exclude: [...configDefaults.exclude, ...(process.env.GALERA_NODES ? [] : ["tests/cluster/**"])],
    globalSetup: ["tests/setup/global.ts"],
    setupFiles: ["tests/setup/db.ts"],
    pool: "forks",
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    sequence: { sequencer: PortalFirstSequencer },
    server: { deps: { inline: ["kysely"] } },
  },
});
