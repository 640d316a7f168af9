/**
 * HTTP-level testing against the real server (Express + the production Remix
 * build) on this worker's port. Run `npm run build` first (npm test does).
 */
import type { Running } from "../../server";

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
    await new Promise<void>((resolve) => r.server.close(() => resolve()));
    r.server.closeAllConnections();
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

  post(path: string, form: Record<string, string | string[]>, init: RequestInit & { origin?: string | null } = {}) {
    return this.request(path, { ...init, method: "POST", form });
  }

  async login(email: string, password: string) {
    return this.post("/login", { email, password });
  }
}
