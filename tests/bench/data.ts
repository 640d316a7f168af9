/**
 * `npm run bench:data -- --scale S` (or `--smoke`): the benchmark data set.
 *
 * Deterministic (seeded PRNG, explicit ids, dates relative to an `asOf` day) and
 * fast (multi-row INSERTs of ~2,000 rows on one connection with unique and
 * foreign-key checks off, generation overlapping the database). Scale 1 is about
 * 500 dealers, 5,000 users, 20,000 products × 20 warehouses, 200,000 orders with
 * ~1,000,000 lines, ~1,000,000 ledger entries, 12 months of statements, 50,000
 * deals and a month of domain events; other scales multiply the counts.
 *
 * Every invariant of DESIGN.md holds by construction: stock levels equal the sum
 * of their movements (one receipt per stocked level plus one reservation per
 * order-line reservation); order totals are Σ lines; each shipment has its
 * invoice entry; ledger signs follow the entry type; statements chain
 * (opening + Σ lines = closing = next opening), hold every entry of their period
 * exactly once, and the last complete month is left unissued for the
 * statement-issue benchmark. tests/bench/bench.test.ts runs db/check.ts on it.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createConnection } from "mysql2";
import { rng, type Rng } from "../../db/seed/random";
import {
  ON_PROMISE_QTY_BY_ORDER,
  ORDERED_QTY_BY_ORDER,
  SHIPPED_BY_ORDER,
  dailyKpisFromContributionsSql,
  orderKpiContributionsSql,
} from "../../app/modules/orders/kpi-sql";
import { BulkLoader, dayOf, isoDay, ts, type Cell, type TableStat } from "./loader";

export const BENCH_PASSWORD = "BenchDesk!2026";
export const DEFAULT_SEED = 20261123;
export const SMOKE_SCALE = 0.002;
export const META_KEY = "bench.meta";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TZ_OFFSET = 8 * HOUR; // Asia/Shanghai, the business time zone of the data set

export type BenchMeta = { scale: number; seed: number; asOf: string; generatedAt: string; counts: Record<string, number>; unissuedPeriod: string };

export type GenerateOptions = {
  url: string;
  scale: number;
  seed?: number;
  /** Business date the data is generated up to (exclusive); default today in Asia/Shanghai. */
  asOf?: string;
  log?: (s: string) => void;
  /** A ready argon2 hash of BENCH_PASSWORD (hashed once when absent). */
  passwordHash?: string;
};

export type GenerateReport = {
  scale: number;
  seed: number;
  asOf: string;
  seconds: number;
  tables: Record<string, TableStat>;
  bytes: number;
  tableBytes: Record<string, number>;
  meta: BenchMeta;
};

export function scaleLabel(scale: number): string {
  return scale === SMOKE_SCALE ? "smoke" : String(scale).replace(/\./g, "_");
}

/**
 * mysql://…/dd_bench_<label> (dd_bench_1, dd_bench_0_1, dd_bench_smoke). BENCH_DATABASE_BASE
 * names another server; BENCH_DB_PREFIX another prefix (the test suite uses its own).
 */
export function benchDbUrl(scale: number, base = process.env.BENCH_DATABASE_BASE ?? "mysql://root@127.0.0.1:3306/"): string {
  const u = new URL(base);
  u.pathname = `/${process.env.BENCH_DB_PREFIX ?? "dd_bench_"}${scaleLabel(scale)}`;
  return u.toString();
}

export function todayShanghai(): string {
  return new Date(Date.now() + TZ_OFFSET).toISOString().slice(0, 10);
}

/** The sizes at a scale (small scales keep enough of everything to exercise every page). */
export function sizesFor(scale: number) {
  const n = (x: number, min: number) => Math.max(min, Math.round(x * scale));
  const dealers = n(500, 6);
  const accountManagers = n(25, 2);
  const ops = n(10, 2);
  const finance = n(8, 2);
  const admins = n(3, 1);
  const staff = accountManagers + ops + finance + admins;
  return {
    dealers,
    accountManagers,
    ops,
    finance,
    admins,
    dealerUsers: Math.max(dealers * 3, n(5000, 0) - staff),
    products: n(20_000, 60),
    warehouses: Math.min(40, Math.max(3, Math.round(20 * Math.sqrt(scale)))),
    orders: n(200_000, 300),
    ledgerEntries: n(1_000_000, 1_500),
    deals: n(50_000, 40),
    keyAccounts: n(2_000, 12),
    statementMonths: 12,
  };
}

// ---------- small helpers ----------

/** mysql2 single-connection options from a URL (the pool's options minus the pool-only keys). */
export function connectionOptions(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || "root"),
    password: decodeURIComponent(u.password || ""),
    database: decodeURIComponent(u.pathname.slice(1)),
    timezone: "Z",
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: ["DATE"] as ["DATE"],
    charset: "utf8mb4_unicode_ci",
    connectTimeout: 5000,
  };
}

/** Cumulative weights for O(log n) weighted picks. */
class Weighted {
  private cum: Float64Array;
  constructor(weights: ArrayLike<number>) {
    this.cum = new Float64Array(weights.length);
    let s = 0;
    for (let i = 0; i < weights.length; i++) this.cum[i] = s += weights[i]!;
  }
  get total() {
    return this.cum[this.cum.length - 1]!;
  }
  pick(r: Rng): number {
    const x = r.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function zipf(n: number, s: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
}

function pickBy<T extends string>(r: Rng, table: readonly (readonly [T, number])[]): T {
  let x = r.next() * table.reduce((a, [, w]) => a + w, 0);
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[table.length - 1]![0];
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const dow = (day: number) => (day + 4) % 7; // 0 = Sunday
const isWeekendDay = (day: number) => dow(day) === 0 || dow(day) === 6;
/** An instant on business day `day` between `fromH` and `toH` o'clock Shanghai time. */
const at = (r: Rng, day: number, fromH = 9, toH = 18) => day * DAY - TZ_OFFSET + Math.floor((fromH + r.next() * (toH - fromH)) * HOUR);
const businessDay = (ms: number) => Math.floor((ms + TZ_OFFSET) / DAY);
const monthIndex = (day: number) => {
  const d = new Date(day * DAY);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};
const monthStartDay = (mi: number) => Math.floor(Date.UTC(Math.floor(mi / 12), mi % 12, 1) / DAY);
const periodOf = (mi: number) => `${Math.floor(mi / 12)}-${pad((mi % 12) + 1, 2)}`;

// Seasonality of orders by calendar month (Spring Festival dip in February, 618 in June, Singles' Day in November).
const SEASON = [0.9, 0.6, 1.1, 1.1, 1.0, 1.25, 0.9, 0.9, 1.1, 0.85, 1.35, 1.2];

const REGIONS = ["north", "east", "south", "central", "west", "northeast"] as const;
const TIERS = ["platinum", "gold", "silver"] as const;
const TIER_FACTOR: Record<(typeof TIERS)[number], number> = { platinum: 0.8, gold: 0.85, silver: 0.9 };
const CITIES: Record<(typeof REGIONS)[number], [string, string][]> = {
  north: [
    ["北京", "Beijing"],
    ["天津", "Tianjin"],
    ["石家庄", "Shijiazhuang"],
  ],
  east: [
    ["上海", "Shanghai"],
    ["杭州", "Hangzhou"],
    ["南京", "Nanjing"],
    ["苏州", "Suzhou"],
  ],
  south: [
    ["广州", "Guangzhou"],
    ["深圳", "Shenzhen"],
    ["厦门", "Xiamen"],
  ],
  central: [
    ["武汉", "Wuhan"],
    ["郑州", "Zhengzhou"],
    ["长沙", "Changsha"],
  ],
  west: [
    ["成都", "Chengdu"],
    ["重庆", "Chongqing"],
    ["西安", "Xi'an"],
  ],
  northeast: [
    ["沈阳", "Shenyang"],
    ["大连", "Dalian"],
    ["哈尔滨", "Harbin"],
  ],
};
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "鹏"];
const PINYIN_S = [
  "Wang",
  "Li",
  "Zhang",
  "Liu",
  "Chen",
  "Yang",
  "Huang",
  "Zhao",
  "Wu",
  "Zhou",
  "Xu",
  "Sun",
  "Ma",
  "Zhu",
  "Hu",
  "Guo",
  "He",
  "Lin",
  "Gao",
  "Luo",
];
const PINYIN_G = [
  "Wei",
  "Fang",
  "Na",
  "Min",
  "Jing",
  "Li",
  "Qiang",
  "Lei",
  "Jun",
  "Yang",
  "Yong",
  "Yan",
  "Jie",
  "Juan",
  "Tao",
  "Ming",
  "Chao",
  "Xiuying",
  "Hua",
  "Peng",
];
const CATEGORIES: [string, string, string][] = [
  ["AC", "Air conditioners", "空调"],
  ["REF", "Refrigerators", "冰箱"],
  ["WM", "Washing machines", "洗衣机"],
  ["WH", "Water heaters", "热水器"],
  ["KIT", "Kitchen appliances", "厨房电器"],
  ["TV", "Televisions", "电视"],
  ["AIR", "Air purifiers", "空气净化器"],
  ["COM", "Commercial refrigeration", "商用冷柜"],
  ["HVAC", "Central air systems", "中央空调"],
  ["PRT", "Spare parts", "配件"],
  ["SMT", "Smart home", "智能家居"],
  ["SVC", "Service kits", "服务包"],
];
const LINES: [string, string, string][] = [
  ["HOME", "Home", "家用"],
  ["PRO", "Professional", "专业"],
  ["COMM", "Commercial", "商用"],
  ["ECO", "Eco", "节能"],
  ["PREM", "Premium", "高端"],
  ["PART", "Parts", "配件"],
  ["IOT", "Connected", "智联"],
  ["OEM", "OEM", "贴牌"],
];
const ADJ_EN = ["Compact", "Smart", "Silent", "Inverter", "Turbo", "Eco", "Pro", "Max", "Ultra", "Slim", "Classic", "Nova"];
const ADJ_ZH = ["紧凑型", "智能", "静音", "变频", "速热", "节能", "专业版", "旗舰", "超薄", "纤薄", "经典", "新星"];
const INDUSTRIES = ["transport", "it", "hospitality", "healthcare", "education", "manufacturing", "retail", "government", "energy", "real_estate"];
const CARRIERS = ["顺丰速运 SF Express", "德邦物流 Deppon", "中通快运 ZTO", "京东物流 JD Logistics", "安能物流 ANE"];
const DEAL_WORDS = ["总部大楼", "新园区", "门店改造", "数据中心", "酒店翻新", "医院扩建", "学校宿舍", "地铁站点", "物流中心", "工厂车间"];
const ACTIVITY_KINDS = ["visit", "call", "meeting", "note"] as const;
const ACTIVITY_BODIES = [
  "拜访客户采购部，确认需求与预算。",
  "Call with the facilities manager about delivery windows.",
  "技术交流会：能效与安装条件。",
  "Customer asked for a revised quote with extended warranty.",
  "现场勘查完成，待出方案。",
  "Competitor offered a lower price; discussed value instead.",
];

const OPTIONS_SCHEMA = JSON.stringify({
  options: [
    {
      key: "capacity",
      type: "choice",
      label: { en: "Capacity", zh: "容量" },
      required: true,
      choices: ["S", "M", "L", "XL"].map((v) => ({ value: v, label: { en: v, zh: v } })),
    },
    {
      key: "colour",
      type: "choice",
      label: { en: "Colour", zh: "颜色" },
      required: true,
      choices: [
        ["white", "白色"],
        ["silver", "银色"],
        ["black", "黑色"],
      ].map(([v, z]) => ({ value: v, label: { en: v, zh: z } })),
    },
    { key: "logo_text", type: "text", label: { en: "Logo text", zh: "标识文字" }, required: false, maxLength: 20 },
  ],
  quantityMultiple: 1,
  minQuantity: 1,
});

// ---------- the generator ----------

type Dealer = {
  id: number;
  idx: number;
  code: string;
  name: string;
  region: (typeof REGIONS)[number];
  tier: (typeof TIERS)[number];
  am: number;
  users: number[];
  finance: number;
  admin: number;
  addressId: number;
  addressSnapshot: string;
  weight: number;
};
type Product = { id: number; sku: string; list: number; tier: number[]; mto: boolean; lead: number; expensive: boolean };
type Invoice = { day: number; ms: number; amount: number; shipmentId: number; orderId: number; orderNumber: string };

export async function generate(opts: GenerateOptions): Promise<GenerateReport> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? DEFAULT_SEED;
  const asOf = opts.asOf ?? todayShanghai();
  const S = sizesFor(opts.scale);
  const { dropDatabase, migrateToLatest } = await import("../../db/migrate");
  if (!/bench/i.test(new URL(opts.url).pathname)) throw new Error(`The benchmark generator only writes to a *bench* database, not ${opts.url}`);

  await dropDatabase(opts.url);
  await migrateToLatest(opts.url);
  log(`database ${new URL(opts.url).pathname.slice(1)} migrated`);

  const passwordHash = opts.passwordHash ?? (await (await import("../../app/modules/auth/password.server")).hashPassword(BENCH_PASSWORD));
  const conn = createConnection(connectionOptions(opts.url));
  const L = new BulkLoader(conn);
  const push = (t: string, cols: readonly string[], v: readonly Cell[]) => L.push(t, cols, v);
  try {
    await L.query("SET time_zone = '+00:00'");
    await L.query("SET unique_checks = 0");
    await L.query("SET foreign_key_checks = 0");

    const asOfDay = dayOf(asOf);
    const nowMs = asOfDay * DAY - TZ_OFFSET - 60_000; // just before midnight (Shanghai) that begins asOf
    const curMonth = monthIndex(asOfDay);
    const unissuedMonth = curMonth - 1; // the last complete month: left for the statement-issue benchmark
    const firstMonth = unissuedMonth - S.statementMonths; // statements for firstMonth … unissuedMonth−1
    const windowStart = monthStartDay(firstMonth);
    const lastDay = asOfDay - 1;
    const created = (ms: number) => ts(ms);
    const stamp = ts(nowMs);

    // ---- organisations, users, addresses ----
    const R = rng(seed);
    const ORG = [
      "id",
      "kind",
      "code",
      "name",
      "region",
      "tier",
      "currency",
      "credit_limit_minor",
      "status",
      "account_manager_id",
      "contact_email",
      "contact_phone",
      "created_at",
      "updated_at",
    ];
    const USER = [
      "id",
      "organisation_id",
      "email",
      "name",
      "password_hash",
      "role",
      "locale",
      "digest_frequency",
      "status",
      "password_changed_at",
      "last_login_at",
      "last_digest_at",
      "created_at",
      "updated_at",
    ];
    const orgCreated = created(at(R, windowStart - 400));
    push("organisations", ORG, [
      1,
      "manufacturer",
      "MFR",
      "海川电器集团 Haichuan Appliances",
      "east",
      "platinum",
      "CNY",
      0,
      "active",
      null,
      "partners@haichuan.bench.local",
      "400-800-0000",
      orgCreated,
      orgCreated,
    ]);
    let userId = 0;
    const person = (r: Rng) => {
      const s = r.int(0, SURNAMES.length - 1);
      const g = r.int(0, GIVEN.length - 1);
      return `${SURNAMES[s]}${GIVEN[g]} ${PINYIN_G[g]} ${PINYIN_S[s]}`;
    };
    const addUser = (org: number, email: string, role: string, r: Rng) => {
      const id = ++userId;
      const c = created(at(r, windowStart - r.int(0, 300)));
      const locale = r.chance(0.3) ? "en" : "zh-CN";
      const digest = pickBy(r, [
        ["daily", 5],
        ["weekly", 3],
        ["off", 2],
      ] as const);
      push("users", USER, [
        id,
        org,
        email,
        person(r),
        passwordHash,
        role,
        locale,
        digest,
        r.chance(0.02) ? "disabled" : "active",
        c,
        r.chance(0.7) ? created(at(r, lastDay - r.int(0, 30))) : null,
        null,
        c,
        c,
      ]);
      return id;
    };
    const staff = { am: [] as number[], ops: [] as number[], finance: [] as number[], admin: [] as number[] };
    for (let i = 1; i <= S.admins; i++) staff.admin.push(addUser(1, `admin.${pad(i, 2)}@mfr.bench.local`, "admin", R));
    for (let i = 1; i <= S.ops; i++) staff.ops.push(addUser(1, `ops.${pad(i, 3)}@mfr.bench.local`, "ops", R));
    for (let i = 1; i <= S.finance; i++) staff.finance.push(addUser(1, `finance.${pad(i, 3)}@mfr.bench.local`, "finance", R));
    for (let i = 1; i <= S.accountManagers; i++) staff.am.push(addUser(1, `am.${pad(i, 3)}@mfr.bench.local`, "account_manager", R));
    // Users of the manufacturer are never disabled in the pool the bench signs in with: re-enable below.

    const dealerWeights = zipf(S.dealers, 0.9);
    const dealerPick = new Weighted(dealerWeights);
    const wSum = dealerWeights.reduce((a, b) => a + b, 0);
    const dealers: Dealer[] = [];
    const ADDR = [
      "id",
      "dealer_id",
      "label",
      "recipient",
      "phone",
      "province",
      "city",
      "line1",
      "postcode",
      "is_default",
      "status",
      "created_at",
      "updated_at",
    ];
    let addressId = 0;
    // Users per dealer follow the dealer's size: at least an admin, a salesperson and a finance clerk.
    const extraUsers = S.dealerUsers - 3 * S.dealers;
    for (let i = 0; i < S.dealers; i++) {
      const id = i + 2;
      const code = `B${pad(i + 1, 4)}`;
      const region = REGIONS[i % REGIONS.length]!;
      const tier = i < S.dealers * 0.08 ? "platinum" : i < S.dealers * 0.35 ? "gold" : "silver";
      const [cityZh, cityEn] = R.pick(CITIES[region]);
      const name = `${cityZh}${R.pick(["鑫达", "汇通", "恒业", "智联", "优选", "通达", "宏远", "嘉禾"])}${R.pick(["商贸", "机电", "电器", "实业", "供应链"])}有限公司 (${cityEn} ${code})`;
      const am = staff.am[i % staff.am.length]!;
      const c = created(at(R, windowStart - R.int(30, 900)));
      push("organisations", ORG, [
        id,
        "dealer",
        code,
        name,
        region,
        tier,
        "CNY",
        0,
        i === S.dealers - 1 && S.dealers > 20 ? "suspended" : "active",
        am,
        `contact@${code.toLowerCase()}.bench.local`,
        `0${R.int(10, 99)}-${R.int(5000, 8999)}-${pad(R.int(0, 9999), 4)}`,
        c,
        c,
      ]);
      const dom = code.toLowerCase();
      const admin = addUser(id, `admin@${dom}.bench.local`, "dealer_admin", R);
      const sales = addUser(id, `sales@${dom}.bench.local`, "dealer_sales", R);
      const finance = addUser(id, `finance@${dom}.bench.local`, "dealer_finance", R);
      const users = [admin, sales];
      const more = Math.round((extraUsers * dealerWeights[i]!) / wSum);
      for (let k = 1; k <= more; k++) {
        const role = k % 7 === 0 ? "dealer_finance" : k % 5 === 0 ? "dealer_admin" : "dealer_sales";
        const u = addUser(id, `${role.replace("dealer_", "")}.${pad(k, 3)}@${dom}.bench.local`, role, R);
        if (role !== "dealer_finance") users.push(u);
      }
      const nAddr = 1 + Math.min(4, Math.floor(dealerWeights[i]! * 6));
      let defaultAddr = 0;
      let snapshot = "";
      for (let a = 0; a < nAddr; a++) {
        const aid = ++addressId;
        const [cz] = R.pick(CITIES[region]);
        const line1 = `${cz}市${R.pick(["高新区", "经开区", "工业园", "保税区"])}${R.int(1, 999)}号`;
        push("dealer_addresses", ADDR, [
          aid,
          id,
          a === 0 ? "总仓 Main warehouse" : `门店 Store ${a}`,
          person(R),
          `1${R.int(30, 89)}${pad(R.int(0, 99_999_999), 8)}`,
          cz,
          cz,
          line1,
          pad(R.int(100000, 860000), 6),
          a === 0 ? 1 : 0,
          "active",
          c,
          c,
        ]);
        if (a === 0) {
          defaultAddr = aid;
          snapshot = JSON.stringify({ label: "总仓 Main warehouse", city: cz, line1 });
        }
      }
      dealers.push({
        id,
        idx: i,
        code,
        name,
        region,
        tier,
        am,
        users,
        finance,
        admin,
        addressId: defaultAddr,
        addressSnapshot: snapshot,
        weight: dealerWeights[i]!,
      });
    }
    await L.flushAll();
    log(`organisations ${S.dealers + 1}, users ${userId}`);

    // ---- catalog: categories, lines, products, tier prices, warehouses, holidays ----
    for (const [i, [code, en, zh]] of CATEGORIES.entries()) push("categories", ["code", "name_en", "name_zh", "sort_order"], [code, en, zh, i]);
    for (const [i, [code, en, zh]] of LINES.entries()) push("product_lines", ["code", "name_en", "name_zh", "sort_order"], [code, en, zh, i]);
    const PROD = [
      "id",
      "sku",
      "name_en",
      "name_zh",
      "description_en",
      "description_zh",
      "category_code",
      "product_line_code",
      "unit",
      "whole_units",
      "list_price_minor",
      "currency",
      "status",
      "made_to_order",
      "lead_time_days",
      "options_schema",
      "image_path",
      "created_at",
      "updated_at",
    ];
    const products: Product[] = [];
    const Rp = rng(seed + 1);
    for (let i = 0; i < S.products; i++) {
      const id = i + 1;
      const [cat, catEn, catZh] = CATEGORIES[i % CATEGORIES.length]!;
      const [line] = LINES[Rp.int(0, LINES.length - 1)]!;
      const sku = `${cat}-${line}-${pad(id, 6)}`;
      const a = Rp.int(0, ADJ_EN.length - 1);
      const model = `${String.fromCharCode(65 + (i % 26))}${Rp.int(100, 999)}`;
      const list = Math.round(Math.exp(Math.log(2_000) + Rp.next() * (Math.log(2_000_000) - Math.log(2_000))) / 100) * 100;
      const mto = Rp.chance(0.1);
      const lead = mto ? Rp.int(10, 45) : Rp.int(0, 10);
      const c = created(at(Rp, windowStart - Rp.int(0, 700)));
      push("products", PROD, [
        id,
        sku,
        `${ADJ_EN[a]} ${catEn.replace(/s$/, "")} ${model}`,
        `${ADJ_ZH[a]}${catZh} ${model}`,
        `${ADJ_EN[a]} ${catEn.toLowerCase()} for ${line.toLowerCase()} use.`,
        `${ADJ_ZH[a]}${catZh}，适用于${LINES.find((l) => l[0] === line)![2]}场景。`,
        cat,
        line,
        cat === "PRT" ? "pcs" : "set",
        1,
        list,
        "CNY",
        Rp.chance(0.04) ? "discontinued" : "active",
        mto ? 1 : 0,
        lead,
        mto ? OPTIONS_SCHEMA : null,
        null,
        c,
        c,
      ]);
      const tier = TIERS.map((t) => Math.round((list * TIER_FACTOR[t]) / 100) * 100);
      TIERS.forEach((t, k) => push("product_tier_prices", ["product_id", "tier", "price_minor"], [id, t, tier[k]!]));
      products.push({ id, sku, list, tier, mto, lead, expensive: list > 1_000_000 });
    }
    const productPick = new Weighted(zipf(S.products, 0.8).map((w, i) => (products[i]!.expensive ? w * 0.5 : w)));
    const warehouses: { id: number; region: string }[] = [];
    for (let i = 0; i < S.warehouses; i++) {
      const region = REGIONS[i % REGIONS.length]!;
      const [cz, ce] = CITIES[region][Math.floor(i / REGIONS.length) % CITIES[region].length]!;
      warehouses.push({ id: i + 1, region });
      push(
        "warehouses",
        ["id", "code", "name_en", "name_zh", "region", "status", "created_at"],
        [i + 1, `WH${pad(i + 1, 2)}`, `${ce} DC ${i + 1}`, `${cz}配送中心${i + 1}`, region, "active", orgCreated],
      );
    }
    const whByRegion = new Map<string, number[]>();
    for (const w of warehouses) whByRegion.set(w.region, [...(whByRegion.get(w.region) ?? []), w.id]);
    const holidays: [string, string][] = [
      ["2026-01-01", "元旦 New Year"],
      ["2026-02-16", "春节 Spring Festival"],
      ["2026-02-17", "春节 Spring Festival"],
      ["2026-02-18", "春节 Spring Festival"],
      ["2026-02-19", "春节 Spring Festival"],
      ["2026-02-20", "春节 Spring Festival"],
      ["2026-04-06", "清明节 Qingming"],
      ["2026-05-01", "劳动节 Labour Day"],
      ["2026-06-19", "端午节 Dragon Boat"],
      ["2026-09-25", "中秋节 Mid-Autumn"],
      ["2026-10-01", "国庆节 National Day"],
      ["2026-10-02", "国庆节 National Day"],
      ["2026-10-05", "国庆节 National Day"],
      ["2026-10-06", "国庆节 National Day"],
      ["2026-10-07", "国庆节 National Day"],
      ["2027-01-01", "元旦 New Year"],
    ];
    for (const [d, n] of holidays) push("holidays", ["day", "name"], [d, n]);
    for (const [code, en, zh, kind] of [
      ["freight", "Freight", "运费", "fee"],
      ["service", "Service fee", "服务费", "fee"],
      ["marketing", "Co-marketing", "市场推广费", "fee"],
      ["storage", "Storage", "仓储费", "fee"],
      ["volume_rebate", "Volume rebate", "销量返利", "rebate"],
    ] as const) {
      push("fee_types", ["code", "name_en", "name_zh", "kind", "status"], [code, en, zh, kind, "active"]);
    }
    await L.flushAll();
    log(`products ${S.products}, warehouses ${S.warehouses}`);

    // ---- key accounts ----
    const Rk = rng(seed + 2);
    const kaByAm = new Map<number, number[]>();
    for (let i = 0; i < S.keyAccounts; i++) {
      const id = i + 1;
      const owner = staff.am[i % staff.am.length]!;
      const region = REGIONS[Rk.int(0, REGIONS.length - 1)]!;
      const [cz, ce] = Rk.pick(CITIES[region]);
      const name = `${cz}${Rk.pick(["城市", "国际", "新区", "华夏", "中南", "东方"])}${Rk.pick(DEAL_WORDS)}项目公司 ${ce} KA${pad(id, 5)}`;
      const c = created(at(Rk, windowStart - Rk.int(0, 400)));
      push(
        "key_accounts",
        ["id", "name", "name_normalized", "credit_code", "industry", "region", "size", "owner_id", "notes", "created_at", "updated_at"],
        [
          id,
          name,
          name.toLowerCase().replace(/\s+/g, ""),
          `91${pad(310000 + (id % 9000), 6)}MA${pad(id, 7)}X`,
          Rk.pick(INDUSTRIES),
          region,
          pickBy(Rk, [
            ["large", 3],
            ["medium", 5],
            ["small", 2],
          ] as const),
          owner,
          null,
          c,
          c,
        ],
      );
      push(
        "key_account_contacts",
        ["id", "key_account_id", "name", "title", "phone", "email", "created_at"],
        [
          id,
          id,
          person(Rk),
          Rk.pick(["采购经理", "设施主管", "Project manager", "总工程师"]),
          `1${Rk.int(30, 89)}${pad(Rk.int(0, 99_999_999), 8)}`,
          `contact${id}@ka.bench.local`,
          c,
        ],
      );
      kaByAm.set(owner, [...(kaByAm.get(owner) ?? []), id]);
    }
    await L.flushAll();

    // ---- orders: skeletons in time order, then lines, history, shipments ----
    const Ro = rng(seed + 3);
    const dayWeights: number[] = [];
    for (let d = windowStart; d <= lastDay; d++) dayWeights.push(SEASON[new Date(d * DAY).getUTCMonth()]! * (isWeekendDay(d) ? 0.3 : 1));
    const dayPick = new Weighted(dayWeights);
    const n = S.orders;
    const skDealer = new Int32Array(n);
    const skMs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      skDealer[i] = dealerPick.pick(Ro);
      skMs[i] = windowStart * DAY - TZ_OFFSET + dayPick.pick(Ro) * DAY + Math.floor((8 + Ro.next() * 12) * HOUR);
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => skMs[a]! - skMs[b]! || a - b);

    const ORD = [
      "id",
      "number",
      "dealer_id",
      "status",
      "currency",
      "total_minor",
      "line_count",
      "po_reference",
      "requested_date",
      "promised_date",
      "address_id",
      "address_snapshot",
      "notes",
      "deal_id",
      "quote_id",
      "submit_key",
      "review_note",
      "version",
      "created_by",
      "submitted_at",
      "approved_at",
      "shipped_at",
      "delivered_at",
      "cancelled_at",
      "created_at",
      "updated_at",
    ];
    const OL = [
      "id",
      "order_id",
      "line_no",
      "product_id",
      "sku",
      "quantity",
      "unit_price_minor",
      "line_total_minor",
      "made_to_order",
      "custom_options",
      "spec_notes",
      "quote_line_id",
      "reserved_qty",
      "backordered_qty",
      "backorder_eta",
      "production_qty",
      "promise_date",
      "shipped_qty",
      "delivered_qty",
      "created_at",
    ];
    const OSH = ["id", "order_id", "from_status", "to_status", "note", "actor_user_id", "created_at"];
    const SHIP = [
      "id",
      "number",
      "order_id",
      "dealer_id",
      "warehouse_id",
      "carrier",
      "tracking_number",
      "shipped_on",
      "value_minor",
      "delivered_at",
      "delivered_by",
      "created_by",
      "created_at",
    ];
    const EV = ["id", "occurred_at", "type", "dealer_id", "account_manager_id", "actor_user_id", "entity_type", "entity_id", "payload"];
    let lineId = 0;
    let histId = 0;
    let shipId = 0;
    let shipLineId = 0;
    let resId = 0;
    let eventId = 0;
    const eventFrom = nowMs - 30 * DAY;
    const seqByYear = new Map<number, number>();
    const levelReserved = new Map<number, number>(); // product*1000+warehouse → reserved
    const incoming = new Map<number, { eta: number; qty: number }>(); // same key → planned receipt for backorders
    const invoices: Invoice[][] = dealers.map(() => []);
    const openValue = new Float64Array(S.dealers);
    const dealerOrders: { id: number; ms: number; number: string }[][] = dealers.map(() => []);
    const statusCount: Record<string, number> = {};
    const event = (ms: number, type: string, d: Dealer, actor: number | null, entityType: string, entityId: string, payload: object) => {
      if (ms < eventFrom) return;
      push("domain_events", EV, [++eventId, ts(ms), type, d.id, d.am, actor, entityType, entityId, JSON.stringify(payload)]);
    };

    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const id = k + 1;
      const d = dealers[skDealer[i]!]!;
      const c = skMs[i]!;
      const ageDays = (nowMs - c) / DAY;
      let status: string =
        ageDays <= 2
          ? pickBy(Ro, [
              ["draft", 15],
              ["submitted", 40],
              ["credit_hold", 5],
              ["approved", 30],
              ["rejected", 3],
              ["cancelled", 2],
              ["partially_shipped", 5],
            ] as const)
          : ageDays <= 10
            ? pickBy(Ro, [
                ["draft", 3],
                ["submitted", 7],
                ["approved", 30],
                ["partially_shipped", 25],
                ["shipped", 25],
                ["delivered", 5],
                ["cancelled", 3],
                ["rejected", 2],
              ] as const)
            : ageDays <= 30
              ? pickBy(Ro, [
                  ["approved", 5],
                  ["partially_shipped", 10],
                  ["shipped", 25],
                  ["delivered", 55],
                  ["cancelled", 3],
                  ["rejected", 2],
                ] as const)
              : pickBy(Ro, [
                  ["delivered", 89],
                  ["shipped", 2],
                  ["partially_shipped", 1],
                  ["cancelled", 5],
                  ["rejected", 3],
                ] as const);
      // The newest orders wait in the review queue, so there is always something to approve.
      if (k >= n - 12) status = "submitted";
      const nLines = pickBy(Ro, [
        ["1", 18],
        ["2", 15],
        ["3", 13],
        ["4", 11],
        ["5", 9],
        ["m", 22],
        ["l", 8],
        ["xl", 1],
      ] as const);
      const count = nLines === "m" ? Ro.int(6, 10) : nLines === "l" ? Ro.int(11, 20) : nLines === "xl" ? Ro.int(21, 40) : Number(nLines);
      const creator = d.users[Ro.int(0, d.users.length - 1)]!;
      const ops = staff.ops[Ro.int(0, staff.ops.length - 1)]!;
      // Timeline (clamped to "now").
      const clamp = (ms: number) => Math.min(ms, nowMs - 1000);
      const tSubmit = clamp(c + Ro.int(5, 180) * 60_000);
      const tApprove = clamp(tSubmit + Ro.int(60, 36 * 60) * 60_000);
      const tShip1 = clamp(tApprove + Ro.int(1, 5) * DAY + Ro.int(0, 8) * HOUR);
      const tShip2 = clamp(tShip1 + Ro.int(2, 7) * DAY);
      const wantsTwoShipments = (status === "shipped" || status === "delivered") && Ro.chance(0.2);
      const cancelledAfterApproval = status === "cancelled" && Ro.chance(0.4);

      // Lines.
      const used = new Set<number>();
      const lines: { id: number; p: Product; qty: number; price: number; shipped: number; wh: number; backordered: boolean }[] = [];
      const localWh = whByRegion.get(d.region) ?? [warehouses[0]!.id];
      for (let ln = 0; ln < count; ln++) {
        let pi = productPick.pick(Ro);
        for (let tries = 0; used.has(pi) && tries < 10; tries++) pi = productPick.pick(Ro);
        if (used.has(pi)) continue;
        used.add(pi);
        const p = products[pi]!;
        const qty = p.expensive ? Ro.int(1, 5) : 1 + Math.floor(Math.pow(Ro.next(), 4) * 40);
        lines.push({ id: ++lineId, p, qty, price: p.tier[TIERS.indexOf(d.tier)]!, shipped: 0, wh: Ro.pick(localWh), backordered: !p.mto && Ro.chance(0.12) });
      }
      const totalQty = lines.reduce((a, l) => a + l.qty, 0);
      const twoShipments = wantsTwoShipments && lines.length > 1;
      const tShipLast = twoShipments ? tShip2 : tShip1;
      const tDeliver = clamp(tShipLast + Ro.int(1, 5) * DAY);
      if (status === "partially_shipped" && totalQty < 2) status = "approved";
      // Fulfilment.
      if (status === "shipped" || status === "delivered") for (const l of lines) l.shipped = l.qty;
      if (status === "partially_shipped") {
        for (const l of lines) l.shipped = Ro.chance(0.5) ? l.qty : Ro.chance(0.5) ? Ro.int(0, l.qty - 1) : 0;
        if (lines.every((l) => l.shipped === l.qty)) lines[0]!.shipped = lines[0]!.qty - 1;
        if (lines.every((l) => l.shipped === 0)) {
          const l = lines.find((x) => x.qty > 1) ?? lines[0]!;
          l.shipped = Math.max(1, l.qty - 1);
          if (l.shipped === l.qty) lines.find((x) => x !== l)!.shipped = 0;
        }
      }
      const approvedish = status === "approved" || status === "partially_shipped" || status === "shipped" || status === "delivered" || cancelledAfterApproval;
      const numbered = status !== "draft";
      let number: string | null = null;
      if (numbered) {
        const y = new Date(tSubmit + TZ_OFFSET).getUTCFullYear();
        const next = (seqByYear.get(y) ?? 0) + 1;
        seqByYear.set(y, next);
        number = `SO-${y}-${pad(next, 6)}`;
      }
      let total = 0;
      const reqDay = businessDay(c) + Ro.int(7, 30);
      const approveDay = businessDay(tApprove);
      for (const [ln, l] of lines.entries()) {
        const lineTotal = l.qty * l.price;
        total += lineTotal;
        const remaining = l.qty - l.shipped;
        const open = status === "approved" || status === "partially_shipped";
        const reserved = open && !l.p.mto && !l.backordered ? remaining : 0;
        const backordered = open && !l.p.mto && l.backordered ? remaining : 0;
        const production = open && l.p.mto ? remaining : 0;
        const promise = l.p.mto && approvedish ? isoDay(approveDay + Math.ceil((l.p.lead * 7) / 5)) : null;
        let eta: string | null = null;
        const key = l.p.id * 1000 + l.wh;
        if (backordered > 0) {
          const inc = incoming.get(key) ?? { eta: asOfDay + Ro.int(5, 40), qty: 0 };
          inc.qty += backordered;
          incoming.set(key, inc);
          eta = isoDay(inc.eta);
        }
        if (reserved > 0) {
          levelReserved.set(key, (levelReserved.get(key) ?? 0) + reserved);
          push(
            "order_line_reservations",
            ["id", "order_line_id", "warehouse_id", "quantity", "created_at", "updated_at"],
            [++resId, l.id, l.wh, reserved, ts(tApprove), ts(tApprove)],
          );
        }
        const options = l.p.mto
          ? JSON.stringify({
              capacity: Ro.pick(["S", "M", "L", "XL"]),
              colour: Ro.pick(["white", "silver", "black"]),
              ...(Ro.chance(0.3) ? { logo_text: d.code } : {}),
            })
          : null;
        push("order_lines", OL, [
          l.id,
          id,
          ln + 1,
          l.p.id,
          l.p.sku,
          l.qty,
          l.price,
          lineTotal,
          l.p.mto ? 1 : 0,
          options,
          l.p.mto && Ro.chance(0.3) ? "按客户图纸定制 Custom to customer drawing" : null,
          null,
          reserved,
          backordered,
          eta,
          production,
          promise,
          l.shipped,
          status === "delivered" ? l.qty : 0,
          ts(c),
        ]);
      }
      statusCount[status] = (statusCount[status] ?? 0) + 1;
      // History and events.
      const hist = (from: string | null, to: string, ms: number, actor: number, note: string | null = null) => {
        push("order_status_history", OSH, [++histId, id, from, to, note, actor, ts(ms)]);
        if (from !== null) event(ms, `order.${to}`, d, actor, "order", String(id), { number, from, to });
      };
      hist(null, "draft", c, creator);
      if (status === "credit_hold") hist("draft", "credit_hold", tSubmit, creator, "credit limit exceeded");
      else if (numbered) hist("draft", "submitted", tSubmit, creator);
      if (status === "rejected") hist("submitted", "rejected", tApprove, ops, "规格不符 Specification does not match");
      if (status === "cancelled" && !cancelledAfterApproval) hist("submitted", "cancelled", tApprove, creator, "客户取消 Customer cancelled");
      if (approvedish) hist("submitted", "approved", tApprove, ops);
      if (cancelledAfterApproval) hist("approved", "cancelled", tShip1, ops, "客户取消 Customer cancelled");
      // Shipments with their invoice entries.
      let shippedAt: number | null = null;
      if (lines.some((l) => l.shipped > 0)) {
        const parts: { ms: number; qty: Map<number, number> }[] = [];
        if (twoShipments) {
          const cut = Math.ceil(lines.length / 2);
          parts.push({ ms: tShip1, qty: new Map(lines.slice(0, cut).map((l) => [l.id, l.shipped])) });
          parts.push({ ms: tShip2, qty: new Map(lines.slice(cut).map((l) => [l.id, l.shipped])) });
        } else parts.push({ ms: tShip1, qty: new Map(lines.filter((l) => l.shipped > 0).map((l) => [l.id, l.shipped])) });
        for (const [pi, part] of parts.entries()) {
          const sid = ++shipId;
          let value = 0;
          for (const l of lines) {
            const q = part.qty.get(l.id) ?? 0;
            if (q <= 0) continue;
            value += q * l.price;
            push("shipment_lines", ["id", "shipment_id", "order_line_id", "quantity"], [++shipLineId, sid, l.id, q]);
          }
          const wh = lines[0]!.wh;
          const delivered = status === "delivered" ? ts(tDeliver) : null;
          push("shipments", SHIP, [
            sid,
            `SH-${pad(sid, 8)}`,
            id,
            d.id,
            wh,
            Ro.pick(CARRIERS),
            `${Ro.int(100000, 999999)}${pad(sid, 7)}`,
            isoDay(businessDay(part.ms)),
            value,
            delivered,
            delivered ? d.users[0]! : null,
            ops,
            ts(part.ms),
          ]);
          invoices[d.idx]!.push({ day: businessDay(part.ms), ms: part.ms + 1000, amount: value, shipmentId: sid, orderId: id, orderNumber: number! });
          const to = pi === parts.length - 1 && status !== "partially_shipped" ? "shipped" : "partially_shipped";
          hist(pi === 0 ? "approved" : "partially_shipped", to, part.ms, ops);
          shippedAt = part.ms;
        }
      }
      if (status === "delivered") hist("shipped", "delivered", tDeliver, d.users[0]!);
      if (status === "approved" || status === "partially_shipped" || status === "submitted" || status === "credit_hold") openValue[d.idx] += total;
      if (approvedish && status !== "cancelled") dealerOrders[d.idx]!.push({ id, ms: tApprove, number: number! });
      const updated = status === "delivered" ? tDeliver : (shippedAt ?? (approvedish ? tApprove : numbered ? tSubmit : c));
      push("orders", ORD, [
        id,
        number,
        d.id,
        status,
        "CNY",
        total,
        lines.length,
        `PO-${d.code}-${pad(id, 7)}`,
        isoDay(reqDay),
        approvedish ? isoDay(reqDay + Ro.int(-2, 5)) : null,
        d.addressId,
        d.addressSnapshot,
        Ro.chance(0.1) ? "请提前电话联系收货人 Please call before delivery" : null,
        null,
        null,
        numbered ? `bench-${id}` : null,
        status === "rejected" ? "规格不符 Specification does not match" : null,
        1 + (numbered ? 1 : 0) + (approvedish ? 1 : 0),
        creator,
        numbered ? ts(tSubmit) : null,
        approvedish ? ts(tApprove) : null,
        status === "shipped" || status === "delivered" ? ts(tShipLast) : null,
        status === "delivered" ? ts(tDeliver) : null,
        status === "cancelled" ? ts(cancelledAfterApproval ? tShip1 : tApprove) : null,
        ts(c),
        ts(updated),
      ]);
      if ((k & 1023) === 0) await L.backpressure();
    }
    for (const [y, v] of seqByYear) push("order_sequences", ["year", "next_value"], [y, v + 1]);
    await L.flushAll();
    log(`orders ${n}, lines ${lineId}, shipments ${shipId}`);

    // ---- stock: one receipt per stocked level, one reservation per order-line reservation ----
    const Rs = rng(seed + 4);
    const SL = ["product_id", "warehouse_id", "on_hand", "reserved", "updated_at"];
    const SM = ["id", "product_id", "warehouse_id", "kind", "on_hand_delta", "reserved_delta", "reason", "ref_type", "ref_id", "actor_user_id", "created_at"];
    let movementId = 0;
    const receiptAt = ts(at(Rs, windowStart - 1));
    for (const p of products) {
      for (const w of warehouses) {
        const key = p.id * 1000 + w.id;
        const reserved = levelReserved.get(key) ?? 0;
        const free = p.mto ? 0 : Rs.chance(0.1) ? 0 : p.expensive ? Rs.int(0, 30) : Rs.int(0, 800);
        const onHand = reserved + free;
        push("stock_levels", SL, [p.id, w.id, onHand, reserved, stamp]);
        if (onHand > 0)
          push("stock_movements", SM, [++movementId, p.id, w.id, "receipt", onHand, 0, "期初入库 Opening receipt", null, null, staff.ops[0]!, receiptAt]);
      }
      if ((p.id & 255) === 0) await L.backpressure();
    }
    // Reservations, one movement each (ref = the order line), in the order they were made.
    await L.flushAll();
    const resRows = await L.query<{ id: number; order_line_id: number; warehouse_id: number; quantity: number; product_id: number; created_at: Date }[]>(
      "SELECT r.id, r.order_line_id, r.warehouse_id, r.quantity, l.product_id, r.created_at FROM order_line_reservations r JOIN order_lines l ON l.id = r.order_line_id ORDER BY r.id",
    );
    for (const r of resRows)
      push("stock_movements", SM, [
        ++movementId,
        r.product_id,
        r.warehouse_id,
        "reservation",
        0,
        r.quantity,
        null,
        "order_line",
        String(r.order_line_id),
        staff.ops[0]!,
        ts(new Date(r.created_at).getTime()),
      ]);
    let incomingId = 0;
    const INC = ["id", "product_id", "warehouse_id", "quantity", "eta", "source", "status", "reference", "created_by", "created_at", "updated_at"];
    for (const [key, inc] of [...incoming].sort((a, b) => a[0] - b[0])) {
      push("incoming_stock", INC, [
        ++incomingId,
        Math.floor(key / 1000),
        key % 1000,
        inc.qty + Rs.int(0, 50),
        isoDay(inc.eta),
        "purchase",
        "planned",
        `PO-IN-${pad(incomingId, 6)}`,
        staff.ops[0]!,
        stamp,
        stamp,
      ]);
    }
    for (const p of products) {
      if (!Rs.chance(0.03)) continue;
      const w = Rs.pick(warehouses);
      if (incoming.has(p.id * 1000 + w.id)) continue;
      push("incoming_stock", INC, [
        ++incomingId,
        p.id,
        w.id,
        Rs.int(20, 500),
        isoDay(asOfDay + Rs.int(3, 60)),
        p.mto ? "production" : "purchase",
        "planned",
        `PO-IN-${pad(incomingId, 6)}`,
        staff.ops[0]!,
        stamp,
        stamp,
      ]);
    }
    await L.flushAll();
    log(`stock levels ${S.products * S.warehouses}, movements ${movementId}`);

    // ---- ledger and statements, dealer by dealer ----
    const Rl = rng(seed + 5);
    const totalInvoices = invoices.reduce((a, x) => a + x.length, 0);
    const otherTarget = Math.max(S.dealers * 6, S.ledgerEntries - totalInvoices);
    const LE = [
      "id",
      "dealer_id",
      "entry_type",
      "amount_minor",
      "currency",
      "business_date",
      "due_date",
      "description",
      "fee_type_code",
      "reference",
      "source_type",
      "source_id",
      "order_id",
      "shipment_id",
      "dispute_id",
      "reverses_entry_id",
      "created_by",
      "created_at",
    ];
    const ST = [
      "id",
      "dealer_id",
      "period",
      "period_start",
      "period_end",
      "currency",
      "opening_minor",
      "debit_minor",
      "credit_minor",
      "closing_minor",
      "line_count",
      "status",
      "issued_at",
      "confirm_by",
      "confirmed_at",
      "confirmed_by",
      "confirmed_closing_minor",
      "resolved_at",
      "version",
    ];
    const DIS = [
      "id",
      "statement_id",
      "statement_line_id",
      "dealer_id",
      "reason_code",
      "amount_minor",
      "comment",
      "status",
      "resolution_note",
      "adjustment_entry_id",
      "created_by",
      "resolved_by",
      "created_at",
      "resolved_at",
      "version",
    ];
    let entryId = 0;
    let statementId = 0;
    let stLineId = 0;
    let disputeId = 0;
    const months: number[] = [];
    for (let m = firstMonth; m <= curMonth; m++) months.push(m);
    const balance = new Float64Array(S.dealers);
    for (const d of dealers) {
      type E = {
        type: string;
        amount: number;
        day: number;
        ms: number;
        due: number | null;
        desc: string;
        fee: string | null;
        ref: string | null;
        srcType: string | null;
        srcId: string | null;
        orderId: number | null;
        shipmentId: number | null;
        actor: number | null;
      };
      const es: E[] = invoices[d.idx]!.map((v) => ({
        type: "invoice",
        amount: v.amount,
        day: v.day,
        ms: v.ms,
        due: v.day + (d.tier === "silver" ? 30 : 60),
        desc: `发货开票 Invoice for ${v.orderNumber}`,
        fee: null,
        ref: v.orderNumber,
        srcType: "shipment",
        srcId: String(v.shipmentId),
        orderId: v.orderId,
        shipmentId: v.shipmentId,
        actor: null,
      }));
      const volume = new Map<number, number>();
      for (const e of es) volume.set(monthIndex(e.day), (volume.get(monthIndex(e.day)) ?? 0) + e.amount);
      const nOther = Math.max(6, Math.round((otherTarget * d.weight) / wSum));
      const perMonth = new Map<number, string[]>();
      for (let k = 0; k < nOther; k++) {
        const m = months[Rl.int(0, months.length - 1)]!;
        const type = pickBy(Rl, [
          ["payment", 45],
          ["fee", 25],
          ["rebate", 10],
          ["credit_note", 12],
          ["adjustment", 8],
        ] as const);
        perMonth.set(m, [...(perMonth.get(m) ?? []), type]);
      }
      const finStaff = staff.finance[d.idx % staff.finance.length]!;
      for (const [m, types] of perMonth) {
        const start = monthStartDay(m);
        const end = Math.min(monthStartDay(m + 1) - 1, lastDay);
        if (end < start) continue;
        const prevVolume = volume.get(m - 1) ?? 0;
        const vol = volume.get(m) ?? 0;
        // Monthly budgets, shared by that month's entries of each type: payments settle the
        // previous month's invoices; fees, rebates and credit notes are a few per cent of volume.
        const countOf = (t: string) => types.filter((x) => x === t).length;
        const share = (total: number, t: string, min: number) => Math.max(min, Math.round((total * (0.6 + Rl.next() * 0.8)) / countOf(t) / 100) * 100);
        const payBudget = prevVolume * (0.9 + Rl.next() * 0.12);
        const feeBudget = vol * (0.01 + Rl.next() * 0.02);
        const rebateBudget = prevVolume * (0.01 + Rl.next() * 0.02);
        const creditBudget = vol * (0.005 + Rl.next() * 0.01);
        for (const type of types) {
          const day = Rl.int(start, end);
          const ms = at(Rl, day);
          let amount: number;
          let desc: string;
          let fee: string | null = null;
          if (type === "payment") {
            amount = -(payBudget > 0 ? share(payBudget, type, 100_00) : Rl.int(1_000, 20_000) * 100);
            desc = "银行回款 Bank transfer received";
          } else if (type === "fee") {
            fee = Rl.pick(["freight", "service", "marketing", "storage"]);
            amount = feeBudget > 0 ? share(feeBudget, type, 50_00) : Rl.int(200, 2_000) * 100;
            desc = `${fee} fee`;
          } else if (type === "rebate") {
            fee = "volume_rebate";
            amount = -(rebateBudget > 0 ? share(rebateBudget, type, 100_00) : Rl.int(100, 1_000) * 100);
            desc = "季度销量返利 Volume rebate";
          } else if (type === "credit_note") {
            amount = -(creditBudget > 0 ? share(creditBudget, type, 100_00) : Rl.int(100, 1_000) * 100);
            desc = "贷项通知 Credit note: price protection";
          } else {
            amount = (Rl.chance(0.5) ? 1 : -1) * Rl.int(1, 500) * 100;
            desc = "调整 Adjustment: rounding and corrections";
          }
          es.push({
            type,
            amount,
            day,
            ms,
            due: type === "fee" ? day + 30 : null,
            desc,
            fee,
            ref: type === "payment" ? `BANK-${d.code}-${pad(Rl.int(0, 99_999_999), 8)}` : null,
            srcType: null,
            srcId: null,
            orderId: null,
            shipmentId: null,
            actor: finStaff,
          });
        }
      }
      es.sort((a, b) => a.day - b.day || a.ms - b.ms || a.amount - b.amount);
      const ids: number[] = [];
      for (const e of es) {
        const id = ++entryId;
        ids.push(id);
        push("ledger_entries", LE, [
          id,
          d.id,
          e.type,
          e.amount,
          "CNY",
          isoDay(e.day),
          e.due === null ? null : isoDay(e.due),
          e.desc.slice(0, 500),
          e.fee,
          e.ref,
          e.srcType,
          e.srcId,
          e.orderId,
          e.shipmentId,
          null,
          null,
          e.actor,
          ts(e.ms),
        ]);
        balance[d.idx] += e.amount;
        if (e.type === "payment" && e.ms >= eventFrom) event(e.ms, "payment.received", d, e.actor, "ledger_entry", String(id), { amountMinor: e.amount });
      }
      // Statements firstMonth … unissuedMonth−1: the chain starts at the dealer's first month with entries.
      let opening = 0;
      let started = false;
      let idx = 0;
      for (let m = firstMonth; m < unissuedMonth; m++) {
        const start = monthStartDay(m);
        const end = monthStartDay(m + 1) - 1;
        const from = idx;
        while (idx < es.length && es[idx]!.day <= end) idx++;
        if (!started && idx === from) continue;
        started = true;
        const sid = ++statementId;
        let debit = 0;
        let credit = 0;
        const lineIds: number[] = [];
        for (let j = from; j < idx; j++) {
          const a = es[j]!.amount;
          if (a > 0) debit += a;
          else credit += a;
          const lid = ++stLineId;
          lineIds.push(lid);
          push("statement_lines", ["id", "statement_id", "line_no", "ledger_entry_id", "amount_minor"], [lid, sid, j - from + 1, ids[j]!, a]);
        }
        const closing = opening + debit + credit;
        const issuedMs = (end + 1) * DAY - TZ_OFFSET + 9 * HOUR;
        const confirmBy = end + 1 + 10;
        const latest = m === unissuedMonth - 1;
        const recent = m >= unissuedMonth - 2;
        let status = latest
          ? pickBy(Rl, [
              ["confirmed", 50],
              ["issued", 44],
              ["disputed", 6],
            ] as const)
          : recent
            ? pickBy(Rl, [
                ["confirmed", 80],
                ["issued", 15],
                ["resolved", 5],
              ] as const)
            : pickBy(Rl, [
                ["confirmed", 93],
                ["issued", 4],
                ["resolved", 3],
              ] as const);
        if ((status === "disputed" || status === "resolved") && lineIds.length === 0) status = "confirmed";
        const confirmedMs = Math.min(issuedMs + Rl.int(1, 9) * DAY, nowMs - 1000);
        const confirmed = status === "confirmed" || status === "resolved";
        push("statements", ST, [
          sid,
          d.id,
          periodOf(m),
          isoDay(start),
          isoDay(end),
          "CNY",
          opening,
          debit,
          credit,
          closing,
          lineIds.length,
          status,
          ts(issuedMs),
          isoDay(confirmBy),
          confirmed ? ts(confirmedMs) : null,
          confirmed ? d.finance : null,
          confirmed ? closing : null,
          status === "resolved" ? ts(confirmedMs) : null,
          1,
        ]);
        if (status === "disputed" || status === "resolved") {
          const j = Rl.int(0, lineIds.length - 1);
          const amount = Math.max(1, Math.round(Math.abs(es[from + j]!.amount) * (0.1 + Rl.next() * 0.9)));
          const open = status === "disputed";
          push("disputes", DIS, [
            ++disputeId,
            sid,
            lineIds[j]!,
            d.id,
            Rl.pick(["price_differs", "quantity_differs", "not_received", "duplicate", "other"]),
            amount,
            "金额与约定不符 Amount differs from what was agreed",
            open ? "open" : "rejected",
            open ? null : "已核对发货单，金额无误 Checked against the delivery note: correct",
            null,
            d.finance,
            open ? null : finStaff,
            ts(issuedMs + 2 * DAY),
            open ? null : ts(confirmedMs),
            1,
          ]);
        }
        opening = closing;
      }
      if ((d.idx & 7) === 0) await L.backpressure();
    }
    await L.flushAll();
    log(`ledger entries ${entryId}, statements ${statementId}, statement lines ${stLineId}`);

    // ---- deals, quotes, activities, tasks ----
    const Rd = rng(seed + 6);
    const DEAL = [
      "id",
      "dealer_id",
      "key_account_id",
      "account_manager_id",
      "title",
      "stage",
      "estimated_value_minor",
      "currency",
      "expected_close_date",
      "protection_expires_on",
      "competitors",
      "notes",
      "conflict_reason",
      "conflict_with_deal_id",
      "lost_reason",
      "source",
      "won_order_id",
      "version",
      "created_by",
      "approved_at",
      "closed_at",
      "created_at",
      "updated_at",
    ];
    const QUOTE = [
      "id",
      "deal_id",
      "dealer_id",
      "version",
      "status",
      "currency",
      "valid_until",
      "terms",
      "total_minor",
      "max_discount_bp",
      "revision_comment",
      "superseded_by_id",
      "created_by",
      "approved_by",
      "accepted_by",
      "proposed_at",
      "accepted_at",
      "converted_order_id",
      "row_version",
      "created_at",
      "updated_at",
    ];
    let quoteId = 0;
    let quoteLineId = 0;
    let activityId = 0;
    let taskId = 0;
    const dealsByKa = new Map<number, number[]>();
    const heldLines = new Map<string, number>();
    const usedOrders = new Set<number>();
    const dealStart = lastDay - 365;
    const links: [number, number, number][] = []; // order id, deal id, quote id
    for (let i = 0; i < S.deals; i++) {
      const id = i + 1;
      const d = dealers[dealerPick.pick(Rd)]!;
      const kas = kaByAm.get(d.am) ?? [1];
      const ka = Rd.pick(kas);
      const cDay = dealStart + Math.floor(Math.pow(Rd.next(), 0.8) * 365);
      const c = at(Rd, Math.min(cDay, lastDay));
      const age = (nowMs - c) / DAY;
      let stage: string =
        age < 7
          ? pickBy(Rd, [
              ["registered", 40],
              ["approved", 30],
              ["conflict", 8],
              ["rejected", 5],
              ["negotiating", 17],
            ] as const)
          : age < 85
            ? pickBy(Rd, [
                ["approved", 15],
                ["negotiating", 25],
                ["quoted", 20],
                ["won", 15],
                ["lost", 10],
                ["rejected", 5],
                ["conflict", 3],
                ["registered", 2],
              ] as const)
            : pickBy(Rd, [
                ["won", 30],
                ["lost", 30],
                ["expired", 25],
                ["rejected", 10],
                ["quoted", 5],
              ] as const);
      const others = dealsByKa.get(ka) ?? [];
      const conflictWith = stage === "conflict" ? (others.length ? others[others.length - 1]! : null) : null;
      if (stage === "conflict" && conflictWith === null) stage = "registered";
      const approvedMs = Math.min(c + Rd.int(1, 5) * DAY, nowMs - 1000);
      const approved = !["registered", "conflict", "rejected"].includes(stage);
      let protection = approved ? businessDay(approvedMs) + 90 : null;
      if (stage === "quoted" && age >= 85) protection = lastDay + Rd.int(5, 60); // renewed
      if (stage === "expired") protection = Math.min(protection ?? lastDay, lastDay - Rd.int(1, 30));
      let wonOrder: { id: number; ms: number; number: string } | null = null;
      if (stage === "won") {
        wonOrder = dealerOrders[d.idx]!.find((o) => o.ms > approvedMs && !usedOrders.has(o.id)) ?? null;
        if (wonOrder) usedOrders.add(wonOrder.id);
        else stage = "lost";
      }
      const closed = ["won", "lost", "expired", "rejected"].includes(stage);
      const closedMs = wonOrder ? wonOrder.ms : Math.min(c + Rd.int(10, 80) * DAY, nowMs - 1000);
      // Quote with lines.
      let value = Rd.int(50_000, 5_000_000) * 100;
      let qid: number | null = null;
      const qStatus =
        stage === "negotiating"
          ? Rd.chance(0.5)
            ? "draft"
            : null
          : stage === "quoted"
            ? "proposed"
            : stage === "won"
              ? "converted"
              : stage === "lost" && Rd.chance(0.6)
                ? "expired"
                : null;
      if (qStatus) {
        qid = ++quoteId;
        let total = 0;
        let maxBp = 0;
        const nql = Rd.int(1, 4);
        const qUsed = new Set<number>();
        for (let q = 0; q < nql; q++) {
          const p = products[productPick.pick(Rd)]!;
          if (qUsed.has(p.id)) continue;
          qUsed.add(p.id);
          const tierPrice = p.tier[TIERS.indexOf(d.tier)]!;
          const bp = Rd.int(0, 20) * 100;
          maxBp = Math.max(maxBp, bp);
          const unit = Math.round((tierPrice * (10_000 - bp)) / 10_000);
          const qty = Rd.int(5, 200);
          total += unit * qty;
          push(
            "quote_lines",
            ["id", "quote_id", "line_no", "product_id", "quantity", "unit_price_minor", "tier_price_minor", "discount_bp", "line_total_minor"],
            [++quoteLineId, qid, qUsed.size, p.id, qty, unit, tierPrice, bp, unit * qty],
          );
        }
        value = total;
        const proposedMs = Math.min(approvedMs + Rd.int(3, 20) * DAY, nowMs - 1000);
        const proposed = qStatus !== "draft";
        push("quotes", QUOTE, [
          qid,
          id,
          d.id,
          1,
          qStatus,
          "CNY",
          isoDay(businessDay(proposedMs) + 30),
          "含税价，30天内有效 Prices incl. VAT, valid 30 days",
          total,
          maxBp,
          null,
          null,
          d.am,
          maxBp > 1500 && proposed ? staff.admin[0]! : null,
          stage === "won" ? d.users[0]! : null,
          proposed ? ts(proposedMs) : null,
          stage === "won" ? ts(proposedMs + DAY) : null,
          wonOrder ? wonOrder.id : null,
          1,
          ts(approvedMs),
          ts(proposedMs),
        ]);
      }
      // Product lines: a protected registration never overlaps another dealer's on the same customer and line.
      const protectedNow = ["approved", "negotiating", "quoted"].includes(stage) && protection !== null && protection >= asOfDay;
      const wantLines = Rd.int(1, 2);
      let dealLines: string[] = [];
      for (let k = 0; dealLines.length < wantLines && k < LINES.length; k++) {
        const code = LINES[(id + k * 3) % LINES.length]![0];
        const holder = heldLines.get(`${ka}:${code}`);
        if (dealLines.includes(code) || (protectedNow && holder !== undefined && holder !== d.id)) continue;
        dealLines.push(code);
      }
      if (dealLines.length === 0) {
        dealLines = [LINES[id % LINES.length]![0]];
        if (protectedNow) protection = lastDay - 1; // lapsed: the daily job will expire it
      }
      if (protectedNow && protection !== null && protection >= asOfDay) for (const code of dealLines) heldLines.set(`${ka}:${code}`, d.id);
      if (wonOrder) links.push([wonOrder.id, id, qid!]);
      push("deals", DEAL, [
        id,
        d.id,
        ka,
        d.am,
        `${Rd.pick(DEAL_WORDS)}${Rd.pick(["空调", "冷链", "热水", "净化"])}项目 Project ${pad(id, 6)}`,
        stage,
        value,
        "CNY",
        isoDay(businessDay(c) + Rd.int(30, 180)),
        protection === null ? null : isoDay(protection),
        Rd.chance(0.4) ? Rd.pick(["美的 Midea", "格力 Gree", "海信 Hisense", "大金 Daikin"]) : "",
        null,
        stage === "conflict" ? "同一客户同一产品线已有报备 Overlapping registration on this key account" : null,
        conflictWith,
        stage === "lost" ? Rd.pick(["价格 Price", "交期 Lead time", "竞争对手关系 Competitor relationship"]) : null,
        "dealer",
        wonOrder ? wonOrder.id : null,
        1,
        d.users[Rd.int(0, d.users.length - 1)]!,
        approved ? ts(approvedMs) : null,
        closed ? ts(closedMs) : null,
        ts(c),
        ts(closed ? closedMs : approvedMs),
      ]);
      dealsByKa.set(ka, [...others, id]);
      for (const code of dealLines) push("deal_product_lines", ["deal_id", "product_line_code", "estimated_quantity"], [id, code, Rd.int(10, 500)]);
      const endMs = closed ? closedMs : nowMs - 1000;
      const nAct = Rd.int(0, 6);
      for (let a = 0; a < nAct; a++) {
        const occurred = c + Math.floor(Rd.next() * Math.max(1, endMs - c));
        push(
          "deal_activities",
          ["id", "deal_id", "kind", "body", "occurred_at", "actor_user_id", "created_at"],
          [++activityId, id, Rd.pick(ACTIVITY_KINDS), Rd.pick(ACTIVITY_BODIES), ts(occurred), Rd.chance(0.5) ? d.am : d.users[0]!, ts(occurred)],
        );
      }
      const nTask = Rd.int(0, 2);
      for (let t = 0; t < nTask; t++) {
        push(
          "deal_tasks",
          ["id", "deal_id", "title", "owner_user_id", "due_date", "done_at", "created_by", "created_at"],
          [
            ++taskId,
            id,
            Rd.pick(["提交技术方案 Send technical proposal", "安排现场勘查 Arrange site survey", "跟进报价 Follow up on quote"]),
            Rd.chance(0.5) ? d.am : d.users[0]!,
            isoDay(businessDay(c) + Rd.int(3, 40)),
            closed || Rd.chance(0.3) ? ts(Math.min(c + Rd.int(1, 30) * DAY, nowMs - 1000)) : null,
            d.users[0]!,
            ts(c),
          ],
        );
      }
      event(c, "deal.registered", d, d.users[0]!, "deal", String(id), { stage });
      if (qStatus === "proposed") event(Math.min(approvedMs + 3 * DAY, nowMs - 1000), "quote.proposed", d, d.am, "quote", String(qid), { dealId: id });
      if ((i & 1023) === 0) await L.backpressure();
    }
    await L.flushAll();
    for (let i = 0; i < links.length; i += 2000) {
      const chunk = links.slice(i, i + 2000);
      await L.exec(
        `UPDATE orders o JOIN (${chunk.map(() => "SELECT ? AS oid, ? AS did, ? AS qid").join(" UNION ALL ")}) x ON x.oid = o.id SET o.deal_id = x.did, o.quote_id = x.qid`,
        chunk.flat(),
        "orders",
      );
    }
    log(`deals ${S.deals}, quotes ${quoteId}`);

    // ---- sell-out reports (issue #24): a year of monthly reports per dealer, ≈10 million rows at scale 1 ----
    // Each dealer sells on ~1,000 SKUs (drawn as purchases are: popular products more often); each month it
    // reports ~90 % of them (a few also by region), units on hand for ~70 %, and its category totals (all
    // brands) for the share figure. Months before the last are closed by finance; the last complete month is
    // open, and one dealer in ten has not reported it. Rows carry their period's dealer (decision 138).
    const SP = [
      "id",
      "dealer_id",
      "period_key",
      "frequency",
      "starts_on",
      "ends_on",
      "status",
      "currency",
      "reported_at",
      "reported_by",
      "last_changed_at",
      "closed_at",
      "closed_by",
      "created_at",
    ];
    const SOL = [
      "id",
      "period_id",
      "dealer_id",
      "product_id",
      "segment",
      "key_account_id",
      "region",
      "units_sold",
      "revenue_minor",
      "updated_by",
      "updated_at",
    ];
    const SOS = ["period_id", "product_id", "dealer_id", "units_on_hand", "updated_by", "updated_at"];
    const SCT = ["period_id", "category_code", "dealer_id", "revenue_minor", "updated_by", "updated_at"];
    const Rso = rng(seed + 11);
    const skusPerDealer = Math.min(S.products, Math.max(8, Math.round(1_000 * opts.scale)));
    const soMonths = Array.from({ length: 12 }, (_, k) => unissuedMonth - 11 + k);
    let soPeriodId = 0;
    let soLineId = 0;
    let soStockRows = 0;
    for (const d of dealers) {
      const chosen: number[] = [];
      const seen = new Set<number>();
      for (let tries = 0; chosen.length < skusPerDealer && tries < skusPerDealer * 20; tries++) {
        const pi = productPick.pick(Rso);
        if (!seen.has(pi)) {
          seen.add(pi);
          chosen.push(pi);
        }
      }
      const tierIdx = TIERS.indexOf(d.tier);
      const demand = chosen.map(() => Rso.int(1, 60));
      const markup = chosen.map(() => 1.08 + Rso.next() * 0.3);
      const share = new Map<string, number>();
      const skipsLast = Rso.chance(0.1);
      for (const [k, mi] of soMonths.entries()) {
        const last = k === soMonths.length - 1;
        if (last && skipsLast) continue;
        const start = monthStartDay(mi);
        const end = monthStartDay(mi + 1) - 1;
        const reportedMs = Math.min(at(Rso, end + Rso.int(2, 8)), nowMs - 1000);
        const closedMs = last ? null : Math.min(at(Rso, end + 15), nowMs - 500);
        const id = ++soPeriodId;
        const by = d.users[0]!;
        push("sellout_periods", SP, [
          id,
          d.id,
          periodOf(mi),
          "month",
          isoDay(start),
          isoDay(end),
          last ? "open" : "closed",
          "CNY",
          ts(reportedMs),
          by,
          ts(reportedMs),
          closedMs === null ? null : ts(closedMs),
          closedMs === null ? null : staff.finance[0]!,
          ts(reportedMs),
        ]);
        const byCategory = new Map<string, number>();
        for (const [j, pi] of chosen.entries()) {
          if (!Rso.chance(0.9)) continue;
          const p = products[pi]!;
          const units = Math.max(0, Math.round(demand[j]! * SEASON[mi % 12]! * (0.6 + Rso.next() * 0.8)));
          const revenue = Math.round((p.tier[tierIdx]! * markup[j]! * units) / 100) * 100;
          const cat = p.sku.slice(0, p.sku.indexOf("-"));
          byCategory.set(cat, (byCategory.get(cat) ?? 0) + revenue);
          if (j % 20 === 0 && units > 1) {
            // A few SKUs reported by region: the dealer's own region and the rest.
            const mine = Math.ceil(units / 2);
            const part = Math.round((revenue * mine) / units);
            push("sellout_lines", SOL, [++soLineId, id, d.id, p.id, `|${d.region}`, null, d.region, mine, part, by, ts(reportedMs)]);
            push("sellout_lines", SOL, [++soLineId, id, d.id, p.id, "", null, "", units - mine, revenue - part, by, ts(reportedMs)]);
          } else push("sellout_lines", SOL, [++soLineId, id, d.id, p.id, "", null, "", units, revenue, by, ts(reportedMs)]);
          if (j < skusPerDealer * 0.7) {
            push("sellout_stock", SOS, [id, p.id, d.id, Math.round(demand[j]! * (0.3 + Rso.next() * 2.2)), by, ts(reportedMs)]);
            soStockRows++;
          }
        }
        for (const [cat, ours] of byCategory) {
          if (!share.has(cat)) share.set(cat, 0.25 + Rso.next() * 0.6);
          push("sellout_category_totals", SCT, [id, cat, d.id, Math.round(ours / share.get(cat)! / 100) * 100, by, ts(reportedMs)]);
        }
        await L.backpressure();
      }
    }
    await L.flushAll();
    log(`sell-out periods ${soPeriodId}, lines ${soLineId}, stock rows ${soStockRows}`);

    // ---- announcements, credit limits, meta ----
    const ANN = [
      "id",
      "kind",
      "title_en",
      "title_zh",
      "body_en",
      "body_zh",
      "regions",
      "tiers",
      "product_skus",
      "starts_at",
      "ends_at",
      "status",
      "created_by",
      "created_at",
      "updated_at",
    ];
    for (let i = 1; i <= 12; i++) {
      const startMs = nowMs - (40 - i * 3) * DAY;
      push("announcements", ANN, [
        i,
        i % 3 === 0 ? "promotion" : "announcement",
        `Announcement ${i}: new season line-up`,
        `公告 ${i}：新品季发布`,
        "New products and prices for the coming season.",
        "新一季产品与价格说明。",
        i % 2 ? null : REGIONS[i % REGIONS.length]!,
        i % 4 ? null : "gold,platinum",
        i % 3 === 0 ? products[i]!.sku : null,
        ts(startMs),
        ts(startMs + 60 * DAY),
        "published",
        staff.admin[0]!,
        ts(startMs),
        ts(startMs),
      ]);
    }
    // Credit limits leave room for the benchmark's own orders: balance + open orders + a year's volume.
    const limits = dealers.map((d) => {
      const yearVolume = invoices[d.idx]!.reduce((a, v) => a + v.amount, 0);
      return [d.id, Math.ceil((Math.max(0, balance[d.idx]!) + openValue[d.idx]! + yearVolume + 1_000_000_00) / 100_000_00) * 100_000_00] as [number, number];
    });
    for (let i = 0; i < limits.length; i += 1000) {
      const chunk = limits.slice(i, i + 1000);
      await L.exec(
        `UPDATE organisations SET credit_limit_minor = CASE id ${chunk.map(() => "WHEN ? THEN ?").join(" ")} END WHERE id IN (${chunk.map(() => "?").join(",")})`,
        [...chunk.flat(), ...chunk.map((c) => c[0])],
        "organisations",
      );
    }
    // The accounts the bench signs in with stay active.
    await L.exec(
      "UPDATE users SET status = 'active' WHERE email LIKE 'admin@%' OR email LIKE 'sales@%' OR email LIKE 'finance@%' OR organisation_id = 1",
      [],
      "users",
    );
    const counts: Record<string, number> = {
      dealers: S.dealers,
      users: userId,
      products: S.products,
      warehouses: S.warehouses,
      orders: n,
      orderLines: lineId,
      shipments: shipId,
      ledgerEntries: entryId,
      statements: statementId,
      statementLines: stLineId,
      deals: S.deals,
      quotes: quoteId,
      domainEvents: eventId,
      stockMovements: movementId,
      selloutLines: soLineId,
      selloutStock: soStockRows,
    };
    const meta: BenchMeta = { scale: opts.scale, seed, asOf, generatedAt: new Date().toISOString(), counts, unissuedPeriod: periodOf(unissuedMonth) };
    push("app_settings", ["name", "value", "updated_at"], [META_KEY, JSON.stringify(meta), stamp]);
    await L.flushAll();
    // The maintained aggregate every posting keeps in step (db:check compares it with Σ entries).
    await L.exec(
      "INSERT INTO dealer_balances (dealer_id, balance_minor, updated_at) SELECT dealer_id, SUM(amount_minor), ? FROM ledger_entries GROUP BY dealer_id ON DUPLICATE KEY UPDATE balance_minor = VALUES(balance_minor)",
      [stamp],
      "dealer_balances",
    );
    // The service promise figures and settings the migration wrote carry the migration's clock: the
    // generator's instead, so that the same seed gives the same rows.
    for (const table of ["service_promises", "service_settings"]) await L.exec(`UPDATE ${table} SET updated_at = ?`, [stamp], table);
    // And the aging aggregate: Σ unreversed debits per dealer and due day (docs/decisions/035).
    await L.exec(
      "INSERT INTO dealer_debits_due (dealer_id, due_on, debit_minor) SELECT e.dealer_id, COALESCE(e.due_date, e.business_date), SUM(e.amount_minor) FROM ledger_entries e WHERE e.amount_minor > 0 AND e.reverses_entry_id IS NULL AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_entry_id = e.id) GROUP BY 1, 2 ON DUPLICATE KEY UPDATE debit_minor = VALUES(debit_minor)",
      [],
      "dealer_debits_due",
    );
    // The orders' maintained fulfilment figures (every shipment keeps them; db:check recomputes them).
    await L.exec(`UPDATE orders o JOIN (${ORDERED_QTY_BY_ORDER}) x ON x.order_id = o.id SET o.ordered_qty = x.q`, [], "orders");
    await L.exec(
      `UPDATE orders o JOIN (${SHIPPED_BY_ORDER}) x ON x.order_id = o.id SET o.first_shipped_on = x.f, o.last_shipped_on = x.l, o.shipped_value_minor = x.v`,
      [],
      "orders",
    );
    await L.exec(
      "UPDATE stock_levels s JOIN products p ON p.id = s.product_id SET s.alert_eligible = (p.status = 'active' AND p.made_to_order = 0)",
      [],
      "stock_levels",
    );
    await L.exec(`UPDATE orders o JOIN (${ON_PROMISE_QTY_BY_ORDER}) x ON x.order_id = o.id SET o.on_promise_qty = x.q`, [], "orders");
    // The dealers' monthly ordered and shipped value (submission, status changes and shipments keep it).
    await L.exec(
      `INSERT INTO dealer_monthly_figures (dealer_id, month, ordered_minor, shipped_minor)
       SELECT dealer_id, month, SUM(o), SUM(s) FROM (
         SELECT dealer_id, DATE_FORMAT(CONVERT_TZ(submitted_at, '+00:00', '+08:00'), '%Y-%m') AS month, total_minor AS o, 0 AS s
         FROM orders WHERE submitted_at IS NOT NULL AND status NOT IN ('draft', 'cancelled', 'rejected')
         UNION ALL SELECT dealer_id, DATE_FORMAT(shipped_on, '%Y-%m'), 0, value_minor FROM shipments) x
       GROUP BY dealer_id, month`,
      [],
      "dealer_monthly_figures",
    );
    // The dealers' daily KPI sums and each order's contribution (every submission, status change and shipment keeps them).
    await L.exec(
      `INSERT INTO order_kpi_contributions (order_id, dealer_id, fill_day, ordered_qty, on_promise_qty, done_day, on_time, ship_day, ship_days)
       SELECT order_id, dealer_id, fill_day, ordered_qty, on_promise_qty, done_day, on_time, ship_day, ship_days FROM (${orderKpiContributionsSql("+08:00", "o.submitted_at IS NOT NULL")}) c`,
      [],
      "order_kpi_contributions",
    );
    await L.exec(
      `INSERT INTO dealer_daily_kpis (dealer_id, day, ordered_qty, on_promise_qty, completed, on_time, first_shipped, ship_days)
       SELECT dealer_id, day, ordered_qty, on_promise_qty, completed, on_time, first_shipped, ship_days FROM (${dailyKpisFromContributionsSql("SELECT * FROM order_kpi_contributions")}) d`,
      [],
      "dealer_daily_kpis",
    );
    // Orders per dealer and status (every insert, submission and status change keeps it).
    await L.exec(
      "INSERT INTO dealer_order_counts (dealer_id, status, numbered, n) SELECT dealer_id, status, number IS NOT NULL, COUNT(*) FROM orders GROUP BY dealer_id, status, number IS NOT NULL",
      [],
      "dealer_order_counts",
    );
    await L.query("SET unique_checks = 1");
    await L.query("SET foreign_key_checks = 1");
    // The figures no write above kept (no triggers, decision 111): recomputed by their areas' own
    // functions, the definitions db:check compares with.
    {
      const { createDb } = await import("../../db/client");
      const { recomputeAvailability } = await import("../../app/modules/stock/stock.derived.server");
      const { catalogChanged } = await import("../../app/modules/catalog/catalog.derived.server");
      const k = createDb(opts.url, 1);
      try {
        await recomputeAvailability(k.db);
        await catalogChanged(k.db);
      } finally {
        await k.db.destroy();
      }
      log("product availability and catalog version recomputed");
      const figuresStarted = Date.now();
      const { recomputeFigures } = await import("../../app/modules/sellout/sellout.derived.server");
      const { recomputePurchaseDays } = await import("../../app/modules/orders/orders.derived.server");
      const f = createDb(opts.url, 1);
      try {
        await recomputePurchaseDays(f.db);
        await recomputeFigures(f.db);
      } finally {
        await f.db.destroy();
      }
      log(`purchases per day and sell-out period figures computed in ${((Date.now() - figuresStarted) / 1000).toFixed(0)} s`);
    }
    log(
      `orders by status: ${Object.entries(statusCount)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );

    // Fresh statistics for the optimizer (and sizes for the report).
    const tables = (
      await L.query<{ t: string }[]>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")
    ).map((r) => r.t);
    const analyzeStarted = performance.now();
    await L.query(`ANALYZE TABLE ${tables.map((t) => `\`${t}\``).join(", ")}`);
    L.stats.set("(analyze)", { rows: 0, statements: 1, ms: performance.now() - analyzeStarted });
    const sizes = await L.query<{ t: string; b: number }[]>(
      "SELECT table_name AS t, data_length + index_length AS b FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
    );
    const tableBytes = Object.fromEntries(sizes.map((s) => [s.t, Number(s.b)]));
    const bytes = Object.values(tableBytes).reduce((a, b) => a + b, 0);
    const seconds = (performance.now() - started) / 1000;
    log(`done in ${seconds.toFixed(1)} s, ${(bytes / 1048576).toFixed(1)} MiB`);
    return { scale: opts.scale, seed, asOf, seconds, tables: Object.fromEntries(L.stats), bytes, tableBytes, meta };
  } finally {
    conn.destroy();
  }
}

/** Rows and a checksum per table (all columns but password hashes, whose salts are random). */
export async function tableChecksums(url: string): Promise<Record<string, { rows: number; crc: string }>> {
  const conn = createConnection(connectionOptions(url)).promise();
  try {
    const [cols] = await conn.query(
      "SELECT c.table_name AS t, c.column_name AS c FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name WHERE c.table_schema = DATABASE() AND t.table_type = 'BASE TABLE' AND c.table_name NOT LIKE 'kysely%' ORDER BY c.table_name, c.ordinal_position",
    );
    const byTable = new Map<string, string[]>();
    for (const r of cols as { t: string; c: string }[])
      // Left out: the one hash, the settings row, and when the stored sell-out figures were computed (the run's clock).
      if (r.c !== "password_hash" && !(r.t === "app_settings" && r.c === "value") && !(r.t === "sellout_period_figures" && r.c === "computed_at"))
        byTable.set(r.t, [...(byTable.get(r.t) ?? []), r.c]);
    const out: Record<string, { rows: number; crc: string }> = {};
    for (const [t, cs] of byTable) {
      const [rows] = await conn.query(
        `SELECT COUNT(*) AS n, COALESCE(SUM(CRC32(CONCAT_WS('|', ${cs.map((c) => `\`${c}\``).join(", ")}))), 0) AS s FROM \`${t}\``,
      );
      const r = (rows as { n: number | string; s: number | string }[])[0]!;
      out[t] = { rows: Number(r.n), crc: String(r.s) };
    }
    return out;
  } finally {
    await conn.end();
  }
}

/** The generator's meta row, or null when the database is missing or was never generated. */
export async function readMeta(url: string): Promise<BenchMeta | null> {
  const conn = createConnection(connectionOptions(url)).promise();
  try {
    const [rows] = await conn.query("SELECT value FROM app_settings WHERE name = ?", [META_KEY]);
    const v = (rows as { value: string }[])[0]?.value;
    return v ? (JSON.parse(v) as BenchMeta) : null;
  } catch {
    return null;
  } finally {
    conn.destroy();
  }
}

/** Whether the database was migrated with exactly today's migrations (else the data set is regenerated). */
export async function migrationsCurrent(url: string): Promise<boolean> {
  const { readdirSync } = await import("node:fs");
  const { MIGRATIONS_DIR } = await import("../../db/migrate");
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /\.(ts|js)$/.test(f))
    .map((f) => f.replace(/\.(ts|js)$/, ""))
    .sort();
  const conn = createConnection(connectionOptions(url)).promise();
  try {
    const [rows] = await conn.query("SELECT name FROM kysely_migration ORDER BY name");
    return JSON.stringify((rows as { name: string }[]).map((r) => r.name)) === JSON.stringify(files);
  } catch {
    return false;
  } finally {
    conn.destroy();
  }
}

export function formatGenerateReport(r: GenerateReport): string {
  const lines = [`| table | rows | statements | seconds in the database | size (MiB) |`, `|---|---:|---:|---:|---:|`];
  for (const [t, s] of Object.entries(r.tables).sort((a, b) => b[1].ms - a[1].ms)) {
    lines.push(
      `| ${t} | ${s.rows.toLocaleString("en")} | ${s.statements} | ${(s.ms / 1000).toFixed(2)} | ${r.tableBytes[t] !== undefined ? (r.tableBytes[t]! / 1048576).toFixed(1) : ""} |`,
    );
  }
  lines.push(`| **total** | | | **${r.seconds.toFixed(1)} s wall** | **${(r.bytes / 1048576).toFixed(1)}** |`);
  return lines.join("\n");
}

export function parseArgs(argv: string[]) {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`--${name}=`));
    return eq?.slice(name.length + 3);
  };
  return { get, has: (name: string) => argv.includes(`--${name}`) };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const a = parseArgs(process.argv.slice(2));
  const scale = a.has("smoke") ? SMOKE_SCALE : Number(a.get("scale") ?? "1");
  if (!Number.isFinite(scale) || scale <= 0) {
    console.error("Usage: npm run bench:data -- --scale 0.1 | --smoke [--seed N] [--as-of YYYY-MM-DD] [--url mysql://…/dd_bench_x]");
    process.exit(1);
  }
  const url = a.get("url") ?? benchDbUrl(scale);
  if (/\/(dealer_desk|dealer_desk_test.*|dd_t_.*)$/.test(new URL(url).pathname)) {
    console.error(`Refusing to generate into ${url}: use a dd_bench_* database.`);
    process.exit(1);
  }
  const r = await generate({
    url,
    scale,
    seed: a.get("seed") ? Number(a.get("seed")) : undefined,
    asOf: a.get("as-of"),
    log: (s) => console.log(`[bench:data] ${s}`),
  });
  console.log(`\nScale ${scale} into ${new URL(url).pathname.slice(1)} (seed ${r.seed}, as of ${r.asOf}):\n`);
  console.log(formatGenerateReport(r));
  const { closeDb } = await import("../../db/client");
  await closeDb();
}
