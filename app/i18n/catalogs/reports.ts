// Strings of the reports area. Both languages; `satisfies` makes a missing key a type error.
const en = {
  "reports.title": "Reports",
} as const;

const zh = {
  "reports.title": "报表",
} satisfies Record<keyof typeof en, string>;

export default { en, zh };
