// Strings of the orders area. Both languages; `satisfies` makes a missing key a type error.
const en = {
  "orders.title": "Orders",
} as const;

const zh = {
  "orders.title": "订单",
} satisfies Record<keyof typeof en, string>;

export default { en, zh };
