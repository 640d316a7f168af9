// Strings of the ledger area. Both languages; `satisfies` makes a missing key a type error.
const en = {
  "ledger.title": "Statements",
  "ledger.cannotReverseReversal": "A reversal cannot itself be reversed.",
  "ledger.alreadyReversed": "This entry has already been reversed.",
} as const;

const zh = {
  "ledger.title": "对账单",
  "ledger.cannotReverseReversal": "冲销分录不能再次冲销。",
  "ledger.alreadyReversed": "该分录已被冲销。",
} satisfies Record<keyof typeof en, string>;

export default { en, zh };
