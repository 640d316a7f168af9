// Strings of the stock area. Both languages; `satisfies` makes a missing key a type error.
const en = {
  "stock.title": "Stock",
} as const;

const zh = {
  "stock.title": "库存查询",
} satisfies Record<keyof typeof en, string>;

export default { en, zh };
