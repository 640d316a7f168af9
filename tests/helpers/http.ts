/**
 * HTTP-level testing against the real server (Express + the production Remix
 * build) on this worker's port. Run `npm run build` first (npm test does).
 */
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import type { Running } from "../../server";
import { createSession, TEST_TOTP_SECRET, type TestUser } from "../factories";
import { getDb } from "../../db/client";
import { totpCode } from "../../app/modules/auth/two-factor.server";

/**
 * A current code for the user's factor (the factories' secret unless the row says otherwise). The
 * last accepted step is forgotten first, so a test may sign the same user in twice within 30 s
 * (refusing a replayed code has its own test).
 */
export async function freshTotpCode(email: string): Promise<string> {
  const db = getDb();
  const row = await db
    .selectFrom("user_second_factors as f")
    .innerJoin("users as u", "u.id", "f.user_id")
    .select(["f.user_id", "f.totp_secret"])
    .where("u.email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
  if (row) await db.updateTable("user_second_factors").set({ last_used_step: null }).where("user_id", "=", row.user_id).execute();
  return totpCode(row?.totp_secret ?? TEST_TOTP_SECRET);
}

let running: Running | undefined;

export async function startTestServer(): Promise<{ url: string; origin: string }> {
  const { startServer } = await import("../../server");
  const { resetEnv } = await import("../../app/utils/env.server");
  resetEnv();
  if (!running) running = await startServer({ port: Number(process.env.PORT), host: "127.0.0.1" });
  return { url: process.env.APP_ORIGIN!, origin: process.env.APP_ORIGIN! };
}

export async function stopTestServer() {
  // The pool is shared with the tests; only the listener is closed here.
  if (running) {
    const r = running;
    running = undefined;
    // close() stops listening and waits for open connections; a browser's keep-alive ones end only when closed.
    await new Promise<void>((resolve) => {
      r.server.close(() => resolve());
      r.server.closeAllConnections();
    });
  }
}

export type Res = { status: number; headers: Headers; text: string; location: string | null };

/** A small client with a cookie jar; writes carry our Origin unless told otherwise. */
export class Client {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, ...v] = pair!.split("=");
      const value = v.join("=");
      if (value === "" || /Max-Age=0/i.test(c) || /Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(k!.trim());
      else this.cookies.set(k!.trim(), value);
    }
  }

  async request(path: string, init: RequestInit & { form?: Record<string, string | string[]>; origin?: string | null } = {}): Promise<Res> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", this.cookieHeader());
    let body = init.body;
    if (init.form) {
      const sp = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x);
      body = sp;
      headers.set("Content-Type", "application/x-www-form-urlencoded");
    }
    const method = init.method ?? (body ? "POST" : "GET");
    if (method !== "GET" && init.origin !== null) headers.set("Origin", init.origin ?? this.base);
    const res = await fetch(`${this.base}${path}`, { ...init, method, headers, body, redirect: "manual" });
    this.keep(res);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get("location") };
  }

  get(path: string, init: RequestInit = {}) {
    return this.request(path, { ...init, method: "GET" });
  }

  /** A GET whose body is kept as bytes (a PDF download). */
  async getBytes(path: string) {
    const headers = new Headers();
    if (this.cookies.size) headers.set("Cookie", this.cookieHeader());
    const res = await fetch(`${this.base}${path}`, { headers, redirect: "manual" });
    this.keep(res);
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()), location: res.headers.get("location") };
  }

  post(path: string, form: Record<string, string | string[]>, init: RequestInit & { origin?: string | null } = {}) {
    return this.request(path, { ...init, method: "POST", form });
  }

  /** Email and password, then (staff, or users who enrolled) the second factor with the factories' known secret. */
  async login(email: string, password: string, extra: Record<string, string> = {}) {
    const res = await this.post("/login", { email, password, ...extra });
    if (res.location !== "/login/two-factor") return res;
    return this.post("/login/two-factor", { code: await freshTotpCode(email) });
  }
}

/**
 * One request with the path sent exactly as given (fetch would resolve `..` and
 * `%2e` before sending). The body, if any, is written after the headers; a server
 * that answers early (413) and closes is fine: the answer is what counts.
 */
export async function rawRequest(
  base: string,
  p: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const { request } = await import("node:http");
  const u = new URL(base);
  const body = p.body === undefined ? undefined : Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: p.method ?? "GET",
        path: p.path,
        headers: { ...(body ? { "Content-Length": String(body.length) } : {}), ...p.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    // The server may answer early (413) and close while the body is still being written:
    // the answer, once read, wins; without one the error stands.
    req.on("error", (err) => setTimeout(() => reject(err), 1_000));
    if (body) req.end(body);
    else req.end();
  });
}

/** A client already signed in as the user (a session row, no sign-in request), reading English. */
export async function clientFor(base: string, user: TestUser) {
  const c = new Client(base);
  c.cookies.set("dd_session", (await createSession(user)).sessionId);
  c.cookies.set("dd_lang", "en");
  return c;
}

/**
 * For a test file that drives the server: starts it before the file's tests (handing over its URL),
 * stops it after them, and puts the real clock back after each test (tests set their own).
 */
export function withTestServer(use: (base: string) => void) {
  beforeAll(async () => {
    use((await startTestServer()).url);
  });
  afterAll(async () => {
    await stopTestServer();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
