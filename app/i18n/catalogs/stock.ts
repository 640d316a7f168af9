// Strings of the stock area. Both languages; `satisfies` makes a missing key a type error.
const en = {
  "stock.title": "Stock",
  "stock.insufficient": "Not enough stock is available for this change.",
  "catalog.optionChoice": "Choose one of the listed values.",
  "catalog.optionTooLong": "Too long for this option.",
  "catalog.optionRange": "Outside the allowed range for this option.",
  "catalog.optionUnknown": "This option does not exist for the product.",
} as const;

const zh = {
  "stock.title": "库存查询",
  "stock.insufficient": "可用库存不足，无法完成此操作。",
  "catalog.optionChoice": "请从列出的值中选择。",
  "catalog.optionTooLong": "超出该选项允许的长度。",
  "catalog.optionRange": "超出该选项允许的范围。",
  "catalog.optionUnknown": "该产品没有此选项。",
} satisfies Record<keyof typeof en, string>;

export default { en, zh };
