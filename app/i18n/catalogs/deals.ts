// Strings of the deals area. Both languages; `satisfies` makes a missing key a type error.
const en = {
  "deals.title": "Deals",
} as const;

const zh = {
  "deals.title": "商机",
} satisfies Record<keyof typeof en, string>;

export default { en, zh };
