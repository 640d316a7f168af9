/**
 * A jobs process for the "killed between commit and email send" fault test:
 * runs the daily digest (whose unit of work writes the emails to the outbox and
 * commits), says so on stdout, and then stands where the sender would run next.
 * The test SIGKILLs it there.
 */
import { runDigest } from "../../app/modules/notifications/digest.server";

const r = await runDigest("daily", { period: process.env.DIGEST_PERIOD ?? "fault", until: new Date(Date.now() + 1000) });
console.log(`COMMITTED ${r.emails}`);
await new Promise(() => {});
