const en = {
  "dashboard.title": "Dashboard",
  "dashboard.welcome": "Welcome, {name}",
  "dashboard.dealerUsers": "Users in your dealer",
  "dashboard.creditLimit": "Credit limit",
  "dashboard.dealers": "Active dealers",
  "dashboard.assignedDealers": "Dealers assigned to you",
  "dashboard.keyAccounts": "Key accounts you own",
  "dashboard.users": "Active users",
  "dashboard.recentActivity": "Recent activity",
  "dashboard.noActivity": "Nothing has happened yet.",
} as const;

const zh = {
  "dashboard.title": "工作台",
  "dashboard.welcome": "欢迎，{name}",
  "dashboard.dealerUsers": "本经销商用户数",
  "dashboard.creditLimit": "信用额度",
  "dashboard.dealers": "在册经销商",
  "dashboard.assignedDealers": "分配给您的经销商",
  "dashboard.keyAccounts": "您负责的大客户",
  "dashboard.users": "在用用户",
  "dashboard.recentActivity": "最近动态",
  "dashboard.noActivity": "暂无动态。",
} satisfies Record<keyof typeof en, string>;

export default { en, zh };
