/**
 * The production server with a fault hook, for the process-level fault tests.
 * In every unit of work whose label matches FAULT_LABEL, after all its writes and
 * just before COMMIT, it prints `FAULT <label>` on stdout and then:
 *   FAULT_MODE=pause   waits forever (the test SIGKILLs the process: "server restarts mid-transaction");
 *   FAULT_MODE=delay   waits FAULT_DELAY_MS and commits (slow requests in flight for the SIGTERM test).
 * SIGTERM/SIGINT shut it down gracefully, as `npm start` does.
 */
import { setFaultHook } from "../../app/utils/tx.server";

const pattern = new RegExp(process.env.FAULT_LABEL ?? "^$");
const mode = process.env.FAULT_MODE ?? "pause";
const delayMs = Number(process.env.FAULT_DELAY_MS ?? 1000);
setFaultHook(async (label) => {
  if (!pattern.test(label)) return;
  console.log(`FAULT ${label}`);
  if (mode === "delay") await new Promise((r) => setTimeout(r, delayMs));
  else await new Promise(() => {});
});
const { startServer } = await import("../../server");
const running = await startServer({ host: "127.0.0.1", installSignalHandlers: true });
console.log(`listening on ${running.url}`);
