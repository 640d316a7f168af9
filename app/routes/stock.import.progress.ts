import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { requireActor } from "~/modules/auth/auth.server";
import { latestImportJob } from "~/modules/catalog/import.server";
import { withLoader } from "~/utils/route";

/** The caller's latest import, polled by the upload page while its request runs. */
export const loader = withLoader(async ({ request }: LoaderFunctionArgs) => {
  const actor = await requireActor(request, "stock:import");
  const job = await latestImportJob(actor);
  return json({ job: job ?? null }, { headers: { "Cache-Control": "no-store" } });
});
