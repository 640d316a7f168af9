/**
 * Dealer API test helpers: a client that sends a Bearer token to the test server, and the contract
 * check — every response the API gives in a test is validated against the OpenAPI document
 * (/api/v1/openapi.json, read from the server) with Ajv in JSON Schema 2020-12 mode (OpenAPI 3.1's
 * dialect) and ajv-formats. Decision 123 says why these libraries.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { createToken } from "../../app/modules/api/tokens.server";
import type { ApiScope } from "../../app/modules/auth/permissions";
import { API_SCOPE_LIST } from "../../app/modules/auth/permissions";
import { actorFor, type TestUser } from "../factories";

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
  webhooks: Record<string, { post: { requestBody: { content: Record<string, unknown> } } }>;
};

const DOC_ID = "https://dealer-desk.test/openapi.json";

export type ApiRes = { status: number; headers: Headers; body: Record<string, unknown> & { items?: unknown[] }; text: string };

/** Validates API responses against the document; records which operations and statuses were seen. */
export class Contract {
  private ajv = new Ajv2020({ strict: false, allErrors: true });
  private compiled = new Map<string, ValidateFunction>();
  private templates: { method: string; template: string; re: RegExp }[] = [];
  readonly seen = new Set<string>();
  readonly checked: string[] = [];

  constructor(readonly doc: Doc) {
    (addFormats as unknown as (a: Ajv2020) => void)(this.ajv);
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
    for (const [template, ops] of Object.entries(doc.paths)) {
      const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
      for (const method of Object.keys(ops)) this.templates.push({ method: method.toUpperCase(), template, re });
    }
  }

  static async load(base: string): Promise<Contract> {
    const res = await fetch(`${base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    return new Contract((await res.json()) as Doc);
  }

  /** The operation a request hits, or null for a path the document does not name. */
  operation(method: string, path: string) {
    const p = path.split("?")[0]!;
    return this.templates.find((t) => t.method === method && t.re.test(p)) ?? null;
  }

  /** Asserts that the response is one the document describes, body and content type included. */
  check(method: string, path: string, res: ApiRes): void {
    const op = this.operation(method, path);
    if (!op) return;
    const status = String(res.status);
    const responses = this.doc.paths[op.template]![op.method.toLowerCase()]!.responses;
    expect(responses[status], `${method} ${op.template}: status ${status} is not documented`).toBeDefined();
    const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
    const content = responses[status]!.content ?? {};
    expect(Object.keys(content), `${method} ${op.template} ${status}: content type ${type}`).toContain(type);
    const pointer = `#/paths/${op.template.replace(/~/g, "~0").replace(/\//g, "~1")}/${op.method.toLowerCase()}/responses/${status}/content/${type.replace(/\//g, "~1")}/schema`;
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
      this.compiled.set(pointer, validate);
    }
    const ok = validate(res.body);
    expect(ok, `${method} ${path} ${status}: ${this.ajv.errorsText(validate.errors)}\n${res.text.slice(0, 500)}`).toBe(true);
    this.seen.add(`${op.method} ${op.template} ${status}`);
    this.checked.push(`${method} ${path} ${status}`);
  }

  /** Asserts that a webhook body the portal sent is the one the document's `webhooks` describes for its type. */
  checkWebhook(type: string, body: unknown): void {
    expect(this.doc.webhooks[type], `webhook ${type} is not documented`).toBeDefined();
    const pointer = `#/webhooks/${type.replace(/~/g, "~0").replace(/\//g, "~1")}/post/requestBody/content/application~1json/schema`;
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
      this.compiled.set(pointer, validate);
    }
    expect(validate(body), `webhook ${type}: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`).toBe(true);
    this.seen.add(`WEBHOOK ${type}`);
  }
}

/** Calls the API with a token; every answer goes through the contract check when one is given. */
export class ApiClient {
  constructor(
    readonly base: string,
    readonly token: string | null,
    readonly contract?: Contract,
  ) {}

  with(token: string | null): ApiClient {
    return new ApiClient(this.base, token, this.contract);
  }

  async call(method: string, path: string, opts: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<ApiRes> {
    const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["Content-Type"] ??= "application/json";
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: "manual" });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { __notJson: text.slice(0, 200) };
    }
    const out: ApiRes = { status: res.status, headers: res.headers, body: parsed, text };
    this.contract?.check(method, path, out);
    return out;
  }

  get(path: string, headers?: Record<string, string>) {
    return this.call("GET", path, { headers });
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call("POST", path, { body: body ?? {}, headers });
  }
}

/** A token of the user's dealer with the given scopes (all by default); returns the secret. */
export async function tokenFor(
  user: TestUser,
  scopes: readonly ApiScope[] = API_SCOPE_LIST,
  over: { ipAllow?: string[]; expiresOn?: string | null; name?: string } = {},
) {
  const r = await createToken(actorFor(user), user.dealerId!, {
    name: over.name ?? `ERP ${scopes.join(" ")}`.slice(0, 80),
    scopes: [...scopes],
    expiresOn: over.expiresOn ?? null,
    ipAllow: over.ipAllow ?? [],
  });
  return { ...r, secret: r.secret };
}

/** Asserts an RFC 9457 problem document with the status (and the type's slug when given). */
export function expectProblem(res: ApiRes, status: number, type?: string) {
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  expect(typeof res.body.title).toBe("string");
  expect(typeof res.body.detail).toBe("string");
  if (type) expect(res.body.type).toBe(`/api/docs#problem-${type}`);
}
