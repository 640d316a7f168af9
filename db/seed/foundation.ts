import type { Kysely } from "kysely";
import type { DB } from "../types";
import { normaliseAccountName } from "../../app/modules/deals/credit-code";

export const DEMO_PASSWORD = "DealerDesk!2026";

/**
 * The demo staff's TOTP secret (two-factor sign-in is required for manufacturer roles): every seeded
 * manufacturer user has it confirmed, so the demo logins work with any authenticator app or
 * `npm run totp`. Demo data only; a real user enrols their own secret at first sign-in.
 */
export const DEMO_TOTP_SECRET = "DDDEMOTOTPSECRETFORSTAFFAAAAAAAA";

export const DEMO_LOGINS = [
  { email: "dealer_admin@demo.local", role: "dealer_admin", who: "first dealer (D001)" },
  { email: "dealer_sales@demo.local", role: "dealer_sales", who: "first dealer (D001)" },
  { email: "dealer_finance@demo.local", role: "dealer_finance", who: "first dealer (D001)" },
  { email: "dealer_sales@dealer2.demo.local", role: "dealer_sales", who: "second dealer (D002)" },
  { email: "account_manager@demo.local", role: "account_manager", who: "manufacturer" },
  { email: "ops@demo.local", role: "ops", who: "manufacturer" },
  { email: "finance@demo.local", role: "finance", who: "manufacturer" },
  { email: "admin@demo.local", role: "admin", who: "manufacturer" },
  { email: "service@demo.local", role: "service", who: "manufacturer" },
] as const;

const DEMO_DEALERS = [
  { code: "D001", name: "东方鑫达商贸有限公司", region: "east", tier: "platinum", credit: 5_000_000_00, am: 1 },
  { code: "D002", name: "北辰智联科技有限公司", region: "north", tier: "gold", credit: 3_000_000_00, am: 1 },
  { code: "D003", name: "南粤通达电器有限公司", region: "south", tier: "gold", credit: 2_500_000_00, am: 1 },
  { code: "D004", name: "中原汇通实业有限公司", region: "central", tier: "silver", credit: 1_200_000_00, am: 2 },
  { code: "D005", name: "西域商联贸易有限公司", region: "west", tier: "silver", credit: 800_000_00, am: 2 },
  { code: "D006", name: "辽沈恒业机电有限公司", region: "northeast", tier: "silver", credit: 900_000_00, am: 2 },
  { code: "D007", name: "浙沪优选供应链有限公司", region: "east", tier: "gold", credit: 2_000_000_00, am: 2 },
] as const;

export type FoundationIds = {
  manufacturerId: number;
  dealerIds: Record<string, number>;
  users: Record<string, number>;
  accountManagers: number[];
};

/** The manufacturer, dealers, users (demo logins first) and key accounts. */
export async function seedFoundation(db: Kysely<DB>, passwordHash: string): Promise<FoundationIds> {
  const mfr = await db
    .insertInto("organisations")
    .values({
      kind: "manufacturer",
      code: "MFR",
      name: "海川电器集团 Haichuan Appliances",
      region: "east",
      tier: "platinum",
      currency: "CNY",
      credit_limit_minor: 0,
    })
    .executeTakeFirstOrThrow();
  const manufacturerId = Number(mfr.insertId);
  const users: Record<string, number> = {};
  const addUser = async (organisationId: number, email: string, name: string, role: string, locale = "zh-CN", digest = "daily") => {
    const r = await db
      .insertInto("users")
      .values({
        organisation_id: organisationId,
        email,
        name,
        role,
        locale,
        digest_frequency: digest,
        password_hash: passwordHash,
        password_changed_at: new Date(),
      })
      .executeTakeFirstOrThrow();
    users[email] = Number(r.insertId);
    return Number(r.insertId);
  };
  const am1 = await addUser(manufacturerId, "account_manager@demo.local", "李明 Li Ming", "account_manager");
  const am2 = await addUser(manufacturerId, "account_manager2@demo.local", "王芳 Wang Fang", "account_manager", "en");
  await addUser(manufacturerId, "ops@demo.local", "赵强 Zhao Qiang", "ops");
  await addUser(manufacturerId, "finance@demo.local", "孙丽 Sun Li", "finance");
  await addUser(manufacturerId, "admin@demo.local", "周建国 Zhou Jianguo", "admin", "en");
  await addUser(manufacturerId, "service@demo.local", "陈静 Chen Jing", "service");
  await db
    .insertInto("user_second_factors")
    .values(Object.values(users).map((userId) => ({ user_id: userId, totp_secret: DEMO_TOTP_SECRET, confirmed_at: new Date(), created_at: new Date() })))
    .execute();

  const dealerIds: Record<string, number> = {};
  for (const d of DEMO_DEALERS) {
    const r = await db
      .insertInto("organisations")
      .values({
        kind: "dealer",
        code: d.code,
        name: d.name,
        region: d.region,
        tier: d.tier,
        currency: "CNY",
        credit_limit_minor: d.credit,
        account_manager_id: d.am === 1 ? am1 : am2,
        contact_email: `contact@${d.code.toLowerCase()}.demo.local`,
      })
      .executeTakeFirstOrThrow();
    dealerIds[d.code] = Number(r.insertId);
  }
  const d1 = dealerIds.D001!;
  const d2 = dealerIds.D002!;
  await addUser(d1, "dealer_admin@demo.local", "陈静 Chen Jing", "dealer_admin");
  await addUser(d1, "dealer_sales@demo.local", "刘洋 Liu Yang", "dealer_sales", "zh-CN");
  await addUser(d1, "dealer_finance@demo.local", "黄敏 Huang Min", "dealer_finance", "zh-CN", "weekly");
  await addUser(d2, "dealer_sales@dealer2.demo.local", "吴磊 Wu Lei", "dealer_sales", "en");
  await addUser(d2, "dealer_admin@dealer2.demo.local", "郑华 Zheng Hua", "dealer_admin");
  await addUser(d2, "dealer_finance@dealer2.demo.local", "何颖 He Ying", "dealer_finance");
  for (const d of DEMO_DEALERS.slice(2)) {
    const code = d.code.toLowerCase();
    await addUser(dealerIds[d.code]!, `admin@${code}.demo.local`, `${d.code} 管理员`, "dealer_admin");
    await addUser(dealerIds[d.code]!, `sales@${code}.demo.local`, `${d.code} 销售`, "dealer_sales");
    await addUser(dealerIds[d.code]!, `finance@${code}.demo.local`, `${d.code} 财务`, "dealer_finance");
  }

  const kas = [
    { name: "上海申城地铁运营有限公司", code: "91310000MA1FL4XQ3A", industry: "transport", region: "east", size: "large", owner: am1 },
    { name: "北京京华数据中心有限公司", code: "91110108MA01R7YB2W", industry: "it", region: "north", size: "large", owner: am1 },
    { name: "广州白云国际会展中心", code: "91440101MA5CKQ9J0R", industry: "hospitality", region: "south", size: "large", owner: am1 },
    { name: "武汉光谷生物医药产业园", code: "91420100MA4KXX6E71", industry: "healthcare", region: "central", size: "medium", owner: am2 },
    { name: "成都天府国际机场", code: "91510100MA6CGQ4L5R", industry: "transport", region: "west", size: "large", owner: am2 },
    { name: "杭州西溪酒店管理有限公司", code: "91330106MA2GL8NT18", industry: "hospitality", region: "east", size: "medium", owner: am1 },
  ];
  for (const k of kas) {
    const r = await db
      .insertInto("key_accounts")
      .values({
        name: k.name,
        name_normalized: normaliseAccountName(k.name),
        credit_code: k.code,
        industry: k.industry,
        region: k.region,
        size: k.size,
        owner_id: k.owner,
      })
      .executeTakeFirstOrThrow();
    await db
      .insertInto("key_account_contacts")
      .values({ key_account_id: Number(r.insertId), name: "采购部 张经理", title: "采购经理", phone: "021-5555-0101", email: "purchasing@example.cn" })
      .execute();
  }
  return { manufacturerId, dealerIds, users, accountManagers: [am1, am2] };
}
