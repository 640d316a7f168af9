// Strings of the ledger area. Both languages; `satisfies` makes a missing key a type error.
const en = {
  "ledger.title": "Statements",
} as const;

const zh = {
  "ledger.title": "对账单",
} satisfies Record<keyof typeof en, string>;

export default { en, zh };
