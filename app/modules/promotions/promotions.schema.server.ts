/** The zod schemas of promotions (server-only: loaders and actions parse with them; zod stays out of the browser bundle, decision 117). */
import { z } from "zod";
import { REGIONS, TIERS } from "~/modules/organisations/organisations.schema";
import { parseMoney } from "~/utils/money";
import { isIsoDate } from "~/utils/time";
import { DISCOUNT_KINDS, MAX_BP, MECHANISMS, PROMOTION_STATES, PROMOTION_STATUSES, REBATE_BASES } from "./promotions.schema";

const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const DEALER_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;

/** "12.5" (percent, up to two decimals) → 1250 basis points; null when it is not one or is outside (0, 100]. */
function percentToBp(v: string): number | null {
  const t = v.trim().replace(/%$/, "");
  if (!PERCENT.test(t)) return null;
  const [whole, frac = ""] = t.split(".") as [string, string?];
  const bp = Number(whole) * 100 + Number((frac ?? "").padEnd(2, "0"));
  return bp > 0 && bp <= MAX_BP ? bp : null;
}

const list = <T extends z.ZodType>(item: T) =>
  z
    .preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(20))
    .transform((a) => [...new Set(a as z.output<T>[])]);

/** A list typed into one field: split on spaces, commas (either width) and semicolons. */
const tokens = (max: number, re: RegExp, tooMany: string, format: string, upper = false) =>
  z
    .string()
    .max(4000)
    .optional()
    .transform((v) => [
      ...new Set(
        (v ?? "")
          .split(/[\s,，;；]+/)
          .map((s) => (upper ? s.trim().toUpperCase() : s.trim()))
          .filter(Boolean),
      ),
    ])
    .superRefine((items, ctx) => {
      if (items.length > max) ctx.addIssue({ code: "custom", message: tooMany, params: { max } });
      else if (items.some((s) => !re.test(s))) ctx.addIssue({ code: "custom", message: format });
    });

const date = z
  .string()
  .trim()
  .refine((v) => isIsoDate(v), { message: "validation.date" });
const text = (max: number) => z.string().trim().max(max).optional().default("");

export const PromotionSchema = z
  .object({
    code: z
      .string()
      .trim()
      .transform((v) => v.toUpperCase())
      .refine((v) => CODE.test(v), { message: "promotions.codeFormat" }),
    nameEn: z.string().trim().min(1).max(200),
    nameZh: z.string().trim().min(1).max(200),
    descriptionEn: text(2000),
    descriptionZh: text(2000),
    mechanism: z.enum(MECHANISMS),
    discountKind: z.enum(DISCOUNT_KINDS).optional(),
    discountPercent: z.string().trim().max(10).optional(),
    discountAmount: z.string().trim().max(20).optional(),
    rebatePercent: z.string().trim().max(10).optional(),
    rebateBasis: z.enum(REBATE_BASES).optional(),
    startsOn: date,
    endsOn: date,
    status: z.enum(PROMOTION_STATUSES).default("draft"),
    productSkus: tokens(200, SKU, "promotions.tooManySkus", "promotions.skuFormat"),
    regions: list(z.enum(REGIONS)),
    tiers: list(z.enum(TIERS)),
    dealerCodes: tokens(200, DEALER_CODE, "promotions.tooManyDealers", "promotions.dealerCodeFormat", true),
    version: z.coerce.number().int().min(1).max(1_000_000).optional(),
  })
  .superRefine((v, ctx) => {
    if (isIsoDate(v.startsOn) && isIsoDate(v.endsOn) && v.endsOn < v.startsOn)
      ctx.addIssue({ code: "custom", path: ["endsOn"], message: "promotions.endsBeforeStarts" });
    if (v.productSkus.length === 0) ctx.addIssue({ code: "custom", path: ["productSkus"], message: "promotions.productsRequired" });
    // A value typed in any of the figures must be a valid one, whichever mechanism is chosen.
    const badPercent = (x: string | undefined) => !!x && percentToBp(x) === null;
    const money = (x: string | undefined) => (x ? parseMoney(x, "CNY", { symbol: false, max: 100_000_000_00 }) : null);
    const badAmount = (x: string | undefined) => {
      const m = money(x);
      return !!x && (!m || !m.ok || m.minor <= 0);
    };
    if (badPercent(v.discountPercent)) ctx.addIssue({ code: "custom", path: ["discountPercent"], message: "promotions.percentFormat" });
    if (badPercent(v.rebatePercent)) ctx.addIssue({ code: "custom", path: ["rebatePercent"], message: "promotions.percentFormat" });
    if (badAmount(v.discountAmount)) ctx.addIssue({ code: "custom", path: ["discountAmount"], message: "promotions.amountFormat" });
    if (v.mechanism === "price_off") {
      if (!v.discountKind) ctx.addIssue({ code: "custom", path: ["discountKind"], message: "validation.required" });
      else if (v.discountKind === "percent" && !v.discountPercent)
        ctx.addIssue({ code: "custom", path: ["discountPercent"], message: "promotions.percentFormat" });
      else if (v.discountKind === "amount" && !v.discountAmount) ctx.addIssue({ code: "custom", path: ["discountAmount"], message: "promotions.amountFormat" });
    } else {
      if (!v.rebatePercent) ctx.addIssue({ code: "custom", path: ["rebatePercent"], message: "promotions.percentFormat" });
      if (!v.rebateBasis) ctx.addIssue({ code: "custom", path: ["rebateBasis"], message: "validation.required" });
    }
  })
  .transform((v) => {
    const amount = v.discountAmount ? parseMoney(v.discountAmount, "CNY", { symbol: false }) : null;
    return {
      code: v.code,
      nameEn: v.nameEn,
      nameZh: v.nameZh,
      descriptionEn: v.descriptionEn,
      descriptionZh: v.descriptionZh,
      mechanism: v.mechanism,
      discountKind: v.mechanism === "price_off" ? (v.discountKind ?? null) : null,
      discountBp: v.mechanism === "price_off" && v.discountKind === "percent" ? percentToBp(v.discountPercent ?? "") : null,
      discountMinor: v.mechanism === "price_off" && v.discountKind === "amount" && amount?.ok ? amount.minor : null,
      rebateBp: v.mechanism === "rebate" ? percentToBp(v.rebatePercent ?? "") : null,
      rebateBasis: v.mechanism === "rebate" ? (v.rebateBasis ?? null) : null,
      startsOn: v.startsOn,
      endsOn: v.endsOn,
      status: v.status,
      productSkus: v.productSkus,
      regions: v.regions,
      tiers: v.tiers,
      dealerCodes: v.dealerCodes,
      version: v.version,
    };
  });
export type PromotionInput = z.output<typeof PromotionSchema>;

export const PromotionListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  state: z.enum(PROMOTION_STATES).optional(),
  mechanism: z.enum(MECHANISMS).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  format: z.enum(["csv", "html"]).optional(),
});
export type PromotionFilter = Omit<z.output<typeof PromotionListQuery>, "page" | "format">;

export const PromotionPageQuery = z.object({
  format: z.enum(["csv", "html"]).optional(),
  created: z.string().max(5).optional(),
});

export const ReverseRebateSchema = z.object({
  rebateId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  reason: z.string().trim().min(3).max(500),
});
