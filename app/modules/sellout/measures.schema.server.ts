/** The zod schemas of the measures pages' query strings (server-only: zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { RANK_BY } from "./measures";

const page = z.coerce.number().int().min(1).max(100_000).catch(1).default(1);
const csv = z.enum(["csv"]).optional().catch(undefined);

export const MeasuresListQuery = z.object({ page, format: csv });

export const DealerMeasuresQuery = z.object({ format: csv });

export const RankingQuery = z.object({ by: z.enum(RANK_BY).catch("marginBp").default("marginBp"), page, format: csv });
