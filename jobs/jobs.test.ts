import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "../db/client";
import { createManufacturer } from "../tests/factories";
import { jobDefinition } from "../app/modules/notifications/jobs.catalog";
import { runScheduled } from "../app/modules/notifications/jobs.server";
import { findIssueStatements, run as statementsJob } from "./statements";

describe("monthly statements job", () => {
  it("is recorded as skipped with a clear message while the statements module is missing", async () => {
    await createManufacturer();
    if (await findIssueStatements()) return; // wired on merge: covered by the statements domain's tests
    const r = await runScheduled(jobDefinition("monthly-statements"), statementsJob, new Date("2026-11-30T18:00:00Z"), { owner: "t" });
    expect(r?.status).toBe("skipped");
    const row = await getDb().selectFrom("job_runs").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "skipped", slot: "2026-12" });
    expect(JSON.parse(row.result!).summary).toBe("The statements module is not installed yet: nothing issued for 2026-11");
  });

  it("finds issueStatements in the first module that exports it and calls it for last month", async () => {
    expect(await findIssueStatements(["app/modules/does-not-exist.server.ts"])).toBeNull();
    const found = await findIssueStatements(["app/modules/does-not-exist.server.ts", path.join("tests", "fixtures", "fake-statements.server.ts")]);
    expect(found?.module).toBe("tests/fixtures/fake-statements.server.ts");
    const r = (await found!.fn({ kind: "system" } as never, { period: "2026-10" })) as { issued: number };
    expect(r.issued).toBe(3);
  });
});
