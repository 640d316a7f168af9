/**
 * The role × route matrix, one entry per route file in app/routes. A route
 * file without an entry fails the matrix test, so every new page is covered.
 *
 * `allow`: roles that get 200 on GET; every other signed-in role gets 403, or
 * 404 when listed in `notFound` (a record outside their scope). "public" pages
 * answer everyone; "redirect" routes only redirect on GET (actions only).
 */
import { getDb } from "../../db/client";
import type { Role } from "../../app/modules/auth/permissions";
import { createCast } from "../factories";
import { createCatalogBasics, createProduct } from "../factories/catalog";

export type Cast = Awaited<ReturnType<typeof createCast>>;

/** One world for the matrix: every role, two dealers, and a record of each kind owned by dealer A. */
export async function buildFixture() {
  const cast = await createCast();
  const catalog = await createCatalogBasics();
  const product = await createProduct();
  const importJob = Number(
    (await getDb().insertInto("import_jobs").values({ kind: "products", filename: "x.csv", status: "done", created_by: cast.staff.ops.id }).executeTakeFirstOrThrow()).insertId,
  );
  return { cast, catalog, product, importJob };
}
export type Fixture = Awaited<ReturnType<typeof buildFixture>>;

export type MatrixEntry = {
  path: (fx: Fixture) => string;
  allow: readonly Role[] | "public" | "redirect";
  /** Roles whose own scope does not include the record: 404, not 403. */
  notFound?: readonly Role[];
  /** The record belongs to dealer A; these dealer-B users must get 404 (never learn it exists). */
  otherDealer?: readonly ("dealer_admin" | "dealer_sales" | "dealer_finance")[];
};

const ALL: readonly Role[] = ["dealer_admin", "dealer_sales", "dealer_finance", "account_manager", "ops", "finance", "admin"];

export const MATRIX: Record<string, MatrixEntry> = {
  "_index.tsx": { path: () => "/", allow: ALL },
  "login.tsx": { path: () => "/login", allow: "public" },
  "logout.tsx": { path: () => "/logout", allow: "redirect" },
  "locale.tsx": { path: () => "/locale", allow: "redirect" },
  "settings.tsx": { path: () => "/settings", allow: ALL },
  "admin.users._index.tsx": { path: () => "/admin/users", allow: ["dealer_admin", "admin"] },
  "admin.users.new.tsx": { path: () => "/admin/users/new", allow: ["dealer_admin", "admin"] },
  "admin.users.$id.tsx": {
    path: ({ cast }) => `/admin/users/${cast.a.dealer_sales.id}`,
    allow: ["dealer_admin", "admin"],
    otherDealer: ["dealer_admin"],
  },
  "admin.dealers._index.tsx": { path: () => "/admin/dealers", allow: ["admin"] },
  "admin.dealers.new.tsx": { path: () => "/admin/dealers/new", allow: ["admin"] },
  "admin.dealers.$id.tsx": { path: ({ cast }) => `/admin/dealers/${cast.dealerA.id}`, allow: ["admin"] },
  "admin.audit.tsx": { path: () => "/admin/audit", allow: ["admin"] },
  // catalog and stock
  "stock._index.tsx": { path: () => "/stock", allow: ALL },
  "products.$sku.tsx": { path: ({ product }) => `/products/${product.sku}`, allow: ALL },
  "stock.import._index.tsx": { path: () => "/stock/import", allow: ["ops", "admin"] },
  "stock.import.$id.tsx": { path: ({ importJob }) => `/stock/import/${importJob}`, allow: ["ops", "admin"] },
  "stock.import.progress.ts": { path: () => "/stock/import/progress", allow: ["ops", "admin"] },
  "admin.products._index.tsx": { path: () => "/admin/products", allow: ["admin"] },
  "admin.products.new.tsx": { path: () => "/admin/products/new", allow: ["admin"] },
  "admin.products.$id.tsx": { path: ({ product }) => `/admin/products/${product.id}`, allow: ["admin"] },
  "admin.holidays.tsx": { path: () => "/admin/holidays", allow: ["admin"] },
};
