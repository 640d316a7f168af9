/**
 * Demo catalog: product lines and categories, ~200 products (some
 * made-to-order with custom options), tier prices, 5 warehouses in different
 * regions, opening stock posted as receipts through applyMovement (so levels
 * equal Σ movements by construction), planned incoming with ETAs, holidays.
 */
import type { Kysely } from "kysely";
import type { DB } from "../types";
import type { Tx } from "../client";
import { systemActor } from "../../app/modules/auth/actor";
import { applyMovement } from "../../app/modules/stock/movements.server";
import { catalogChanged } from "../../app/modules/catalog/catalog.derived.server";
import type { OptionsSchema } from "../../app/modules/catalog/options.server";
import { env } from "../../app/utils/env.server";
import { addDays, todayIn } from "../../app/utils/time";
import type { FoundationIds } from "./foundation";
import { rng } from "./random";

const DEMO_WAREHOUSES = [
  { code: "WH-SH", name_en: "Shanghai DC", name_zh: "上海中心仓", region: "east" },
  { code: "WH-BJ", name_en: "Beijing DC", name_zh: "北京中心仓", region: "north" },
  { code: "WH-GZ", name_en: "Guangzhou DC", name_zh: "广州中心仓", region: "south" },
  { code: "WH-WH", name_en: "Wuhan DC", name_zh: "武汉中心仓", region: "central" },
  { code: "WH-CD", name_en: "Chengdu DC", name_zh: "成都中心仓", region: "west" },
] as const;

const LINES = [
  { code: "AC", name_en: "Air conditioning", name_zh: "空调" },
  { code: "REF", name_en: "Refrigeration", name_zh: "冰箱冷柜" },
  { code: "WASH", name_en: "Washing & care", name_zh: "洗衣护理" },
  { code: "WH", name_en: "Water heaters", name_zh: "热水器" },
  { code: "COM", name_en: "Commercial displays", name_zh: "商用显示" },
  { code: "SMART", name_en: "Smart home", name_zh: "智能家居" },
] as const;

type Label = { en: string; zh: string };
const L = (en: string, zh: string): Label => ({ en, zh });

const VOLTAGE = {
  key: "voltage",
  type: "choice" as const,
  label: L("Voltage", "电压"),
  required: true,
  choices: [
    { value: "220v", label: L("220 V single-phase", "220V 单相") },
    { value: "380v", label: L("380 V three-phase", "380V 三相") },
  ],
};
const COLOUR = (values: [string, string, string][]) => ({
  key: "colour",
  type: "choice" as const,
  label: L("Colour", "颜色"),
  required: true,
  choices: values.map(([value, en, zh]) => ({ value, label: L(en, zh) })),
});
const LOGO = (max: number) => ({ key: "logo_text", type: "text" as const, label: L("Logo text", "定制标识文字"), required: false, maxLength: max });

type Template = {
  category: string;
  line: (typeof LINES)[number]["code"];
  cat: Label;
  image: string;
  unit: string;
  count: number;
  /** Model variants: [suffix, en words, zh words, base price in yuan]. */
  variants: [string, string, string, number][];
  series: [string, string][];
  nameEn: (v: string, s: string) => string;
  nameZh: (v: string, s: string) => string;
  mto?: { share: number; lead: [number, number]; options: () => OptionsSchema };
};

const SERIES: [string, string][] = [
  ["Breeze", "清风"],
  ["Comfort", "舒适"],
  ["Elite", "尊享"],
  ["Pro", "专业"],
  ["Eco", "节能"],
];

const TEMPLATES: Template[] = [
  {
    category: "split_ac",
    line: "AC",
    cat: L("Wall-mounted AC", "壁挂式空调"),
    image: "split-ac.svg",
    unit: "set",
    count: 20,
    variants: [
      ["09", "1 HP", "1匹", 2399],
      ["12", "1.5 HP", "1.5匹", 2899],
      ["18", "2 HP", "2匹", 3899],
      ["24", "3 HP", "3匹", 5299],
    ],
    series: SERIES,
    nameEn: (v, s) => `${s} ${v} Inverter Wall-mounted AC`,
    nameZh: (v, s) => `${s}系列 ${v}变频壁挂式空调`,
  },
  {
    category: "floor_ac",
    line: "AC",
    cat: L("Floor-standing AC", "柜式空调"),
    image: "floor-ac.svg",
    unit: "set",
    count: 16,
    variants: [
      ["50", "2 HP", "2匹", 5699],
      ["72", "3 HP", "3匹", 7299],
      ["120", "5 HP", "5匹", 11999],
    ],
    series: SERIES,
    nameEn: (v, s) => `${s} ${v} Floor-standing AC`,
    nameZh: (v, s) => `${s}系列 ${v}立柜式空调`,
  },
  {
    category: "central_ac",
    line: "AC",
    cat: L("Central AC (VRF)", "中央空调（多联机）"),
    image: "central-ac.svg",
    unit: "system",
    count: 12,
    variants: [
      ["8", "8 HP", "8匹", 38000],
      ["12", "12 HP", "12匹", 56000],
      ["20", "20 HP", "20匹", 92000],
    ],
    series: [
      ["Commercial", "商用"],
      ["Residential", "家用"],
      ["Heat-pump", "热泵"],
      ["Hotel", "酒店"],
    ],
    nameEn: (v, s) => `${s} VRF Outdoor Unit ${v}`,
    nameZh: (v, s) => `${s}多联机外机 ${v}`,
    mto: {
      share: 1,
      lead: [15, 30],
      options: () => ({
        options: [
          {
            key: "capacity",
            type: "choice",
            label: L("Indoor units", "内机数量"),
            required: true,
            choices: ["4", "6", "8", "10"].map((n) => ({ value: n, label: L(`${n} indoor units`, `${n}台内机`) })),
          },
          VOLTAGE,
          { key: "pipe_length", type: "number", label: L("Pipe length", "配管长度"), required: true, min: 10, max: 150, step: 5, unit: "m" },
        ],
        quantityMultiple: 1,
        minQuantity: 1,
      }),
    },
  },
  {
    category: "fridge",
    line: "REF",
    cat: L("Refrigerators", "冰箱"),
    image: "fridge.svg",
    unit: "pcs",
    count: 24,
    variants: [
      ["250", "250 L double-door", "250升双门", 1899],
      ["408", "408 L French-door", "408升法式多门", 4599],
      ["520", "520 L side-by-side", "520升对开门", 5999],
      ["610", "610 L cross-door", "610升十字门", 7999],
    ],
    series: SERIES,
    nameEn: (v, s) => `${s} ${v} Refrigerator`,
    nameZh: (v, s) => `${s}系列 ${v}冰箱`,
    mto: {
      share: 0.2,
      lead: [10, 20],
      options: () => ({
        options: [
          COLOUR([
            ["silver", "Silver", "银色"],
            ["black", "Black glass", "黑色玻璃"],
            ["champagne", "Champagne", "香槟金"],
          ]),
          LOGO(16),
        ],
        quantityMultiple: 1,
        minQuantity: 5,
      }),
    },
  },
  {
    category: "freezer",
    line: "REF",
    cat: L("Commercial freezers", "商用冷柜"),
    image: "freezer.svg",
    unit: "pcs",
    count: 16,
    variants: [
      ["200", "200 L chest", "200升卧式", 1599],
      ["400", "400 L chest", "400升卧式", 2499],
      ["700", "700 L upright display", "700升立式展示", 4999],
    ],
    series: [
      ["Fresh", "鲜储"],
      ["Arctic", "极地"],
      ["Market", "商超"],
      ["Ice", "冰点"],
    ],
    nameEn: (v, s) => `${s} ${v} Freezer`,
    nameZh: (v, s) => `${s} ${v}冷柜`,
    mto: {
      share: 0.25,
      lead: [12, 20],
      options: () => ({
        options: [
          LOGO(24),
          { key: "temperature", type: "number", label: L("Set temperature", "设定温度"), required: true, min: -25, max: 5, step: 1, unit: "°C" },
        ],
        quantityMultiple: 2,
        minQuantity: 2,
      }),
    },
  },
  {
    category: "washer",
    line: "WASH",
    cat: L("Washing machines", "洗衣机"),
    image: "washer.svg",
    unit: "pcs",
    count: 22,
    variants: [
      ["8", "8 kg front-load", "8公斤滚筒", 1999],
      ["10", "10 kg front-load", "10公斤滚筒", 2699],
      ["12", "12 kg washer-dryer", "12公斤洗烘一体", 3999],
      ["9T", "9 kg top-load", "9公斤波轮", 1299],
    ],
    series: SERIES,
    nameEn: (v, s) => `${s} ${v} Washing Machine`,
    nameZh: (v, s) => `${s}系列 ${v}洗衣机`,
  },
  {
    category: "dryer",
    line: "WASH",
    cat: L("Dryers", "干衣机"),
    image: "dryer.svg",
    unit: "pcs",
    count: 12,
    variants: [
      ["9", "9 kg heat-pump", "9公斤热泵", 3499],
      ["10", "10 kg heat-pump", "10公斤热泵", 3999],
    ],
    series: SERIES,
    nameEn: (v, s) => `${s} ${v} Dryer`,
    nameZh: (v, s) => `${s}系列 ${v}干衣机`,
  },
  {
    category: "electric_wh",
    line: "WH",
    cat: L("Electric water heaters", "电热水器"),
    image: "electric-heater.svg",
    unit: "pcs",
    count: 16,
    variants: [
      ["50", "50 L", "50升", 999],
      ["60", "60 L", "60升", 1199],
      ["80", "80 L", "80升", 1499],
    ],
    series: SERIES,
    nameEn: (v, s) => `${s} ${v} Electric Water Heater`,
    nameZh: (v, s) => `${s}系列 ${v}电热水器`,
  },
  {
    category: "gas_wh",
    line: "WH",
    cat: L("Gas water heaters", "燃气热水器"),
    image: "gas-heater.svg",
    unit: "pcs",
    count: 14,
    variants: [
      ["13", "13 L", "13升", 1699],
      ["16", "16 L", "16升", 2199],
      ["20", "20 L", "20升", 2999],
    ],
    series: SERIES,
    nameEn: (v, s) => `${s} ${v} Gas Water Heater`,
    nameZh: (v, s) => `${s}系列 ${v}燃气热水器`,
  },
  {
    category: "display",
    line: "COM",
    cat: L("Commercial displays", "商用显示屏"),
    image: "display.svg",
    unit: "pcs",
    count: 16,
    variants: [
      ["55", "55-inch", "55英寸", 5999],
      ["65", "65-inch", "65英寸", 7999],
      ["86", "86-inch interactive", "86英寸交互", 16999],
      ["98", "98-inch", "98英寸", 29999],
    ],
    series: [
      ["Meeting", "会议"],
      ["Retail", "零售"],
      ["Education", "教育"],
      ["Lobby", "大堂"],
    ],
    nameEn: (v, s) => `${s} ${v} Display`,
    nameZh: (v, s) => `${s} ${v}商用显示屏`,
    mto: {
      share: 0.35,
      lead: [8, 15],
      options: () => ({
        options: [
          LOGO(20),
          {
            key: "mount",
            type: "choice",
            label: L("Mounting", "安装方式"),
            required: true,
            choices: [
              { value: "wall", label: L("Wall mount", "壁挂") },
              { value: "stand", label: L("Mobile stand", "移动支架") },
            ],
          },
        ],
        quantityMultiple: 1,
        minQuantity: 1,
      }),
    },
  },
  {
    category: "signage",
    line: "COM",
    cat: L("Digital signage", "数字标牌"),
    image: "signage.svg",
    unit: "pcs",
    count: 10,
    variants: [
      ["43", "43-inch kiosk", "43英寸立式", 4599],
      ["55", "55-inch kiosk", "55英寸立式", 6299],
    ],
    series: [
      ["Vision", "视界"],
      ["Guide", "导视"],
      ["Menu", "菜单"],
    ],
    nameEn: (v, s) => `${s} ${v} Digital Signage`,
    nameZh: (v, s) => `${s} ${v}数字标牌`,
    mto: {
      share: 1,
      lead: [10, 18],
      options: () => ({
        options: [
          COLOUR([
            ["white", "White", "白色"],
            ["black", "Black", "黑色"],
            ["custom", "Brand colour", "品牌色"],
          ]),
          LOGO(30),
          {
            key: "voltage",
            type: "choice",
            label: L("Voltage", "电压"),
            required: true,
            choices: [
              { value: "220v", label: L("220 V", "220V") },
              { value: "110v", label: L("110 V (export)", "110V（出口）") },
            ],
          },
        ],
        quantityMultiple: 5,
        minQuantity: 5,
      }),
    },
  },
  {
    category: "smart_lock",
    line: "SMART",
    cat: L("Smart locks", "智能门锁"),
    image: "smart-lock.svg",
    unit: "pcs",
    count: 12,
    variants: [
      ["F1", "fingerprint", "指纹", 1299],
      ["V2", "face recognition", "人脸识别", 2199],
    ],
    series: SERIES,
    nameEn: (v, s) => `${s} ${v} Smart Lock`,
    nameZh: (v, s) => `${s}系列 ${v}智能门锁`,
  },
  {
    category: "smart_hub",
    line: "SMART",
    cat: L("Smart hubs & sensors", "智能网关与传感器"),
    image: "smart-hub.svg",
    unit: "pcs",
    count: 10,
    variants: [
      ["H1", "home hub", "智能网关", 399],
      ["S3", "sensor kit", "传感器套装", 299],
    ],
    series: SERIES,
    nameEn: (v, s) => `${s} ${v}`,
    nameZh: (v, s) => `${s}系列 ${v}`,
  },
];

const HOLIDAYS: [string, string][] = [
  ["2026-01-01", "元旦 New Year's Day"],
  ["2026-02-16", "春节 Spring Festival"],
  ["2026-02-17", "春节 Spring Festival"],
  ["2026-02-18", "春节 Spring Festival"],
  ["2026-02-19", "春节 Spring Festival"],
  ["2026-02-20", "春节 Spring Festival"],
  ["2026-04-06", "清明节 Qingming"],
  ["2026-05-01", "劳动节 Labour Day"],
  ["2026-06-19", "端午节 Dragon Boat Festival"],
  ["2026-09-25", "中秋节 Mid-Autumn Festival"],
  ["2026-10-01", "国庆节 National Day"],
  ["2026-10-02", "国庆节 National Day"],
  ["2026-10-05", "国庆节 National Day"],
  ["2026-10-06", "国庆节 National Day"],
  ["2026-10-07", "国庆节 National Day"],
  ["2027-01-01", "元旦 New Year's Day"],
  ["2027-02-08", "春节 Spring Festival"],
  ["2027-02-09", "春节 Spring Festival"],
  ["2027-02-10", "春节 Spring Festival"],
  ["2027-02-11", "春节 Spring Festival"],
  ["2027-02-12", "春节 Spring Festival"],
];

/** Yuan rounded to whole yuan, in minor units. */
const yuan = (y: number) => Math.round(y) * 100;

export async function seedCatalog(db: Kysely<DB>, ids: FoundationIds): Promise<void> {
  const tx = db as unknown as Tx;
  const actor = systemActor(ids.manufacturerId, "seed");
  const r = rng(20261123);
  const today = todayIn(env().BUSINESS_TZ);

  await db
    .insertInto("product_lines")
    .values(LINES.map((l, i) => ({ ...l, sort_order: i })))
    .execute();
  await db
    .insertInto("categories")
    .values(TEMPLATES.map((t, i) => ({ code: t.category, name_en: t.cat.en, name_zh: t.cat.zh, sort_order: i })))
    .execute();
  const warehouseIds: number[] = [];
  for (const w of DEMO_WAREHOUSES) {
    const res = await db.insertInto("warehouses").values(w).executeTakeFirstOrThrow();
    warehouseIds.push(Number(res.insertId));
  }
  await db
    .insertInto("holidays")
    .values(HOLIDAYS.map(([day, name]) => ({ day, name })))
    .execute();

  for (const t of TEMPLATES) {
    for (let i = 0; i < t.count; i++) {
      const [code, vEn, vZh, base] = t.variants[i % t.variants.length]!;
      const [sEn, sZh] = t.series[Math.floor(i / t.variants.length) % t.series.length]!;
      const gen = Math.floor(i / (t.variants.length * t.series.length));
      const sku = `${t.line}-${t.category.replace(/_/g, "").toUpperCase().slice(0, 6)}-${code}-${sEn.slice(0, 3).toUpperCase()}${gen ? gen + 1 : ""}`;
      const mto = t.mto ? r.chance(t.mto.share) : false;
      const list = yuan(base * (1 + (SERIES.findIndex((s) => s[0] === sEn) + 1) * 0.06) * (1 + gen * 0.1));
      const discontinued = !mto && r.chance(0.05);
      const res = await db
        .insertInto("products")
        .values({
          sku,
          name_en: t.nameEn(vEn, sEn) + (gen ? ` (Gen ${gen + 1})` : ""),
          name_zh: t.nameZh(vZh, sZh) + (gen ? `（第${gen + 1}代）` : ""),
          description_en: `${t.cat.en}, ${vEn}. ${sEn} series from Haichuan: energy label grade 1, 3-year warranty, nationwide installation by authorised dealers.${mto ? " Built to order with the options below." : ""}`,
          description_zh: `海川${t.cat.zh}，${vZh}。${sZh}系列：一级能效，整机三年保修，授权经销商全国安装。${mto ? "按订单定制，可选以下定制项。" : ""}`,
          category_code: t.category,
          product_line_code: t.line,
          unit: t.unit,
          list_price_minor: list,
          currency: "CNY",
          status: discontinued ? "discontinued" : "active",
          made_to_order: mto ? 1 : 0,
          lead_time_days: mto ? r.int(t.mto!.lead[0], t.mto!.lead[1]) : r.chance(0.3) ? r.int(10, 25) : null,
          options_schema: mto ? JSON.stringify(t.mto!.options()) : null,
          image_path: `/images/products/${t.image}`,
        })
        .executeTakeFirstOrThrow();
      const productId = Number(res.insertId);
      // Tier prices; a few products have no silver price (silver dealers pay list).
      const tiers: [string, number][] = [
        ["platinum", 0.82],
        ["gold", 0.87],
        ["silver", 0.92],
      ];
      await db
        .insertInto("product_tier_prices")
        .values(
          tiers
            .filter(([tier]) => tier !== "silver" || !r.chance(0.08))
            .map(([tier, k]) => ({ product_id: productId, tier, price_minor: yuan((list / 100) * k) })),
        )
        .execute();
      if (mto) continue;
      for (const [wi, warehouseId] of warehouseIds.entries()) {
        // Bigger stock in the east and north; some warehouses out of stock.
        if (!r.chance(wi < 2 ? 0.85 : 0.65)) continue;
        const qty = discontinued ? r.int(0, 12) : r.int(0, wi < 2 ? 240 : 90);
        if (qty > 0) await applyMovement(tx, actor, { productId, warehouseId, kind: "receipt", onHandDelta: qty, reason: "Opening stock 期初库存" });
        if (qty > 10 && r.chance(0.15))
          await applyMovement(tx, actor, { productId, warehouseId, kind: "adjustment", onHandDelta: -r.int(1, 5), reason: "Cycle count 盘点差异" });
      }
      if (!discontinued && r.chance(0.45)) {
        const lots = r.int(1, 2);
        for (let k = 0; k < lots; k++) {
          await db
            .insertInto("incoming_stock")
            .values({
              product_id: productId,
              warehouse_id: r.pick(warehouseIds),
              quantity: r.int(2, 20) * 10,
              eta: addDays(today, r.int(3, 45)),
              source: r.chance(0.7) ? "production" : "purchase",
              status: "planned",
              reference: `PO-${today.slice(0, 4)}-${String(productId).padStart(4, "0")}-${k + 1}`,
            })
            .execute();
        }
      }
    }
  }
  // Products and tier prices written here: the catalog version moves as for any catalog write.
  await catalogChanged(db);
}
