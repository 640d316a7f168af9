// Strings of the notifications area. Both languages; `satisfies` makes a missing key a type error.
const en = {
  "notifications.title": "Notifications",
} as const;

const zh = {
  "notifications.title": "通知",
} satisfies Record<keyof typeof en, string>;

export default { en, zh };
