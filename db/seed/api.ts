/**
 * Demo API tokens (issue #25): D001's administrator has given its ERP a token (its secret is the
 * documented demo token below, so the README's curl examples work against the demo), and revoked an
 * older one. Written through the domain's units of work, in the seed's transaction.
 */
import type { Kysely } from "kysely";
import type { DB } from "../types";
import type { Actor } from "../../app/modules/auth/actor";
import { createTokenTx, revokeTokenTx } from "../../app/modules/api/tokens.server";
import type { FoundationIds } from "./foundation";

/** The demo ERP token of D001 (like the demo password: for the demo database only). */
const DEMO_API_TOKEN = "ddk_demod001erp_DealerDeskDemoApiToken2026ForCurlExamples";

export async function seedApiTokens(db: Kysely<DB>, ids: FoundationIds): Promise<void> {
  const dealerId = ids.dealerIds.D001!;
  const userId = ids.users["dealer_admin@demo.local"]!;
  const admin: Actor = {
    kind: "user",
    userId,
    role: "dealer_admin",
    organisationId: dealerId,
    dealerId,
    name: "dealer_admin@demo.local",
    email: "dealer_admin@demo.local",
    locale: "zh-CN",
    ip: null,
  };
  const tx = db as Parameters<typeof createTokenTx>[0];
  const old = await createTokenTx(tx, admin, dealerId, {
    name: "ERP test system (old)",
    scopes: ["catalog:read", "orders:read"],
    expiresOn: null,
    ipAllow: [],
  });
  await revokeTokenTx(tx, admin, dealerId, old.id);
  await createTokenTx(
    tx,
    admin,
    dealerId,
    {
      name: "ERP production (demo)",
      scopes: ["catalog:read", "stock:read", "orders:read", "orders:write", "statements:read", "statements:write", "ledger:read"],
      expiresOn: null,
      ipAllow: [],
    },
    DEMO_API_TOKEN,
  );
}
