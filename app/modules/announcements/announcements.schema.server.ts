/** The zod schemas of announcements.schema.ts (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { REGIONS, TIERS } from "~/modules/organisations/organisations.schema";
import { ANNOUNCEMENT_KINDS, ANNOUNCEMENT_STATES } from "./announcements.schema";

const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

const list = <T extends z.ZodType>(item: T) =>
  z
    .preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(20))
    .transform((a) => [...new Set(a as z.output<T>[])]);

const localDateTime = z
  .string()
  .trim()
  .refine((v) => LOCAL_DATETIME.test(v), { message: "announcements.dateTimeFormat" });

export const AnnouncementSchema = z
  .object({
    kind: z.enum(ANNOUNCEMENT_KINDS),
    titleEn: z.string().trim().min(1).max(200),
    titleZh: z.string().trim().min(1).max(200),
    bodyEn: z.string().trim().min(1).max(5000),
    bodyZh: z.string().trim().min(1).max(5000),
    regions: list(z.enum(REGIONS)),
    tiers: list(z.enum(TIERS)),
    productSkus: z
      .string()
      .max(1000)
      .optional()
      .transform((v) => [
        ...new Set(
          (v ?? "")
            .split(/[\s,，;；]+/)
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ])
      .superRefine((skus, ctx) => {
        if (skus.length > 20) ctx.addIssue({ code: "custom", message: "announcements.tooManySkus" });
        else if (skus.some((s) => !SKU.test(s))) ctx.addIssue({ code: "custom", message: "announcements.skuFormat" });
      }),
    startsAt: localDateTime,
    endsAt: z
      .string()
      .trim()
      .optional()
      .refine((v) => !v || LOCAL_DATETIME.test(v), { message: "announcements.dateTimeFormat" })
      .transform((v) => v || null),
  })
  .superRefine((v, ctx) => {
    if (v.endsAt && v.endsAt <= v.startsAt) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "announcements.endsBeforeStarts" });
  });
export type AnnouncementInput = z.output<typeof AnnouncementSchema>;

export const AnnouncementListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  kind: z.enum(ANNOUNCEMENT_KINDS).optional(),
  state: z.enum(ANNOUNCEMENT_STATES).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type AnnouncementFilter = Omit<z.output<typeof AnnouncementListQuery>, "page" | "format">;
