/**
 * The schema of allowed custom options on a made-to-order product, stored as
 * JSON in products.options_schema, and the validator for an order line's
 * chosen options. Browser-safe (the order form uses it too).
 */

export type OptionErrors = Record<
  string,
  "validation.required" | "catalog.optionChoice" | "catalog.optionTooLong" | "catalog.optionRange" | "catalog.optionUnknown"
>;
