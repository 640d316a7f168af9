/** The zod schemas of the measures pages' query strings (server-only: zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { RANK_BY } from "./measures";

const page = z.coerce.number().int().min(1).max(100_000).catch(1).default(1);
const csv = z.enum(["csv"]).optional().catch(undefined);

export const MeasuresListQuery = z.object({ page, format: csv });

/**
 * A dealer's page: the period it details (a period key; anything else, or a key not among the dealer's last 12
 * periods, is answered 404 by the domain) and the page of the stock check's SKUs.
 */
export const DealerMeasuresQuery = z.object({ format: csv, period: z.string().max(16).optional().catch("?"), page });

export const RankingQuery = z.object({ by: z.enum(RANK_BY).catch("marginBp").default("marginBp"), page, format: csv });
