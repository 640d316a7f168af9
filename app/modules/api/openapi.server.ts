/**
 * The OpenAPI 3.1 document of /api/v1, written as a typed object beside the code it describes. The
 * contract test (tests/http/api-contract.test.ts) validates every response the API gives in the tests
 * against it (Ajv, JSON Schema 2020-12) and the document itself against the OpenAPI 3.1 schema, so it
 * cannot drift from what the routes answer. Response objects forbid undocumented fields.
 */
import { API_SCOPES, API_SCOPE_LIST, type ApiScope } from "~/modules/auth/permissions";
import { ORDER_STATUSES } from "~/modules/orders/state";
import { REGIONS } from "~/modules/organisations/organisations.schema";
import { DISPUTE_REASONS, STATEMENT_STATUSES } from "~/modules/statements/statements.schema";
import { ENTRY_TYPES } from "~/modules/ledger/entry-types";
import { MAX_LINES } from "~/modules/orders/orders.schema";
import type { WebhookEventType } from "~/modules/webhooks/webhooks.schema";

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, "null"], ...extra });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({
  type: "object",
  additionalProperties: false,
  required,
  properties,
});
const int = (extra: Schema = {}): Schema => ({ type: "integer", ...extra });
const str = (extra: Schema = {}): Schema => ({ type: "string", ...extra });
const date: Schema = { type: "string", format: "date" };
const dateTime: Schema = { type: "string", format: "date-time" };
const nullableDate: Schema = { type: ["string", "null"], format: "date" };
const nullableDateTime: Schema = { type: ["string", "null"], format: "date-time" };
const arr = (items: Schema): Schema => ({ type: "array", items });
const pageOf = (item: string): Schema =>
  obj({ items: arr(ref(item)), nextCursor: nullable("string", { description: "Pass as ?cursor= to read on; null at the end." }) });

const schemas: Record<string, Schema> = {
  Money: obj({ amountMinor: int({ description: "Integer minor units (fen, cents)." }), currency: str({ pattern: "^[A-Z]{3}$" }) }),
  Problem: {
    type: "object",
    description: "RFC 9457 problem details.",
    required: ["type", "title", "status", "detail"],
    additionalProperties: false,
    properties: {
      type: str({ format: "uri-reference" }),
      title: str(),
      status: int({ minimum: 400, maximum: 599 }),
      detail: str(),
      instance: str(),
      errors: arr(obj({ pointer: str({ description: "JSON Pointer into the body or query (empty: the whole request)." }), field: str(), detail: str() })),
    },
  },
  OptionsSchema: {
    type: ["object", "null"],
    description: "Made-to-order options a line must carry (keys, kinds, allowed values), the minimum quantity and multiple.",
  },
  Product: obj({
    id: int(),
    sku: str(),
    nameEn: str(),
    nameZh: str(),
    unit: str(),
    status: str({ enum: ["active", "discontinued"] }),
    madeToOrder: { type: "boolean" },
    leadTimeDays: nullable("integer"),
    options: ref("OptionsSchema"),
    price: ref("Money"),
    listPrice: ref("Money"),
    available: int({ description: "On hand − reserved over active warehouses." }),
    updatedAt: dateTime,
  }),
  ProductPage: pageOf("Product"),
  Incoming: obj({ quantity: int(), eta: date }),
  Stock: obj({
    sku: str(),
    nameEn: str(),
    nameZh: str(),
    unit: str(),
    madeToOrder: { type: "boolean" },
    price: ref("Money"),
    available: int(),
    promiseDate: nullableDate,
    warehouses: arr(obj({ code: str(), nameEn: str(), nameZh: str(), region: str(), available: int(), incoming: arr(ref("Incoming")) })),
  }),
  Availability: obj({
    sku: str(),
    quantity: int(),
    neededBy: nullableDate,
    region: nullable("string"),
    quantityFits: { type: "boolean", description: "Whether the quantity is a permitted multiple (made-to-order)." },
    quantityMultiple: int(),
    minQuantity: int(),
    shipNow: int(),
    byEta: arr(obj({ quantity: int(), date, warehouseCode: str() })),
    rest: obj({ quantity: int(), date: nullableDate }),
    fullDate: nullableDate,
    byNeededDate: int(),
    meetsNeededBy: nullable("boolean"),
    warehouses: arr(
      obj({ code: str(), nameEn: str(), nameZh: str(), region: str(), available: int(), shipNow: int(), byEta: arr(obj({ quantity: int(), date })) }),
    ),
  }),
  Address: obj({
    id: int(),
    label: str(),
    recipient: str(),
    phone: str(),
    province: str(),
    city: str(),
    line1: str(),
    postcode: str(),
    isDefault: { type: "boolean" },
  }),
  AddressList: obj({ items: arr(ref("Address")) }),
  OrderSummary: obj({
    id: int(),
    number: nullable("string", { description: "SO-YYYY-NNNNNN once submitted; null for a draft." }),
    status: str({ enum: [...ORDER_STATUSES] }),
    total: ref("Money"),
    lineCount: int(),
    poReference: str(),
    requestedDate: nullableDate,
    promisedDate: nullableDate,
    version: int({ description: "Send it back with a change (optimistic concurrency: 409 when the order changed)." }),
    submittedAt: nullableDateTime,
    createdAt: dateTime,
    updatedAt: dateTime,
  }),
  OrderPage: pageOf("OrderSummary"),
  OrderLine: obj({
    lineNo: int(),
    sku: str(),
    quantity: int(),
    unitPrice: ref("Money"),
    lineTotal: ref("Money"),
    options: { type: "object", additionalProperties: { type: ["string", "number"] }, description: "Made-to-order options as validated." },
    specNotes: nullable("string"),
    reservedQty: int(),
    backorderedQty: int(),
    backorderEta: nullableDate,
    productionQty: int(),
    promiseDate: nullableDate,
    shippedQty: int(),
    deliveredQty: int(),
  }),
  Shipment: obj({
    id: int(),
    number: str(),
    shippedOn: date,
    warehouse: str(),
    carrier: str(),
    trackingNumber: str(),
    value: ref("Money"),
    deliveredAt: nullableDateTime,
    lines: arr(obj({ lineNo: int(), sku: str(), quantity: int() })),
  }),
  StatementSummary: obj({
    id: int(),
    period: str({ pattern: "^\\d{4}-\\d{2}$" }),
    periodStart: date,
    periodEnd: date,
    status: str({ enum: [...STATEMENT_STATUSES] }),
    opening: ref("Money"),
    debit: ref("Money"),
    credit: ref("Money"),
    closing: ref("Money"),
    lineCount: int(),
    issuedAt: dateTime,
    confirmBy: date,
    confirmedAt: nullableDateTime,
    version: int(),
  }),
  StatementPage: pageOf("StatementSummary"),
  StatementLine: obj({
    id: int(),
    lineNo: int(),
    amount: ref("Money"),
    entryId: int(),
    entryType: str({ enum: [...ENTRY_TYPES] }),
    businessDate: date,
    dueDate: nullableDate,
    reference: nullable("string"),
    description: str(),
    orderNumber: nullable("string"),
    shipmentNumber: nullable("string"),
    disputeStatus: nullable("string", { description: "open, accepted or rejected: the latest dispute on the line." }),
  }),
  LedgerEntry: obj({
    id: int(),
    entryType: str({ enum: [...ENTRY_TYPES] }),
    amount: ref("Money"),
    businessDate: date,
    dueDate: nullableDate,
    reference: nullable("string"),
    description: str(),
    reversesEntryId: nullable("integer"),
    orderNumber: nullable("string"),
    shipmentNumber: nullable("string"),
    createdAt: dateTime,
  }),
  LedgerPage: pageOf("LedgerEntry"),
  CreateOrder: {
    type: "object",
    required: ["lines"],
    properties: {
      submit: { type: "boolean", default: false, description: "true: create and submit at once (Idempotency-Key required)." },
      addressId: nullable("integer", { description: "One of GET /api/v1/addresses; required to submit." }),
      requestedDate: nullableDate,
      poReference: str({ maxLength: 64 }),
      notes: nullable("string", { maxLength: 2000 }),
      lines: {
        type: "array",
        minItems: 1,
        maxItems: MAX_LINES,
        items: {
          type: "object",
          required: ["sku", "quantity"],
          properties: {
            sku: str({ maxLength: 64 }),
            quantity: int({ minimum: 1, maximum: 999_999_999 }),
            options: {
              type: "object",
              additionalProperties: { type: ["string", "number"] },
              description: "Made-to-order options, validated as on the order page.",
            },
            specNotes: nullable("string", { maxLength: 1000 }),
          },
        },
      },
    },
  },
};
// The order: its summary and its lines, shipments, address and notes.
schemas.Order = {
  type: "object",
  additionalProperties: false,
  required: [...(schemas.OrderSummary as { required: string[] }).required, "addressId", "notes", "lines", "shipments"],
  properties: {
    ...(schemas.OrderSummary as { properties: Record<string, Schema> }).properties,
    addressId: nullable("integer"),
    notes: nullable("string"),
    lines: arr(ref("OrderLine")),
    shipments: arr(ref("Shipment")),
  },
};
schemas.Statement = {
  type: "object",
  additionalProperties: false,
  required: [...(schemas.StatementSummary as { required: string[] }).required, "lines"],
  properties: { ...(schemas.StatementSummary as { properties: Record<string, Schema> }).properties, lines: arr(ref("StatementLine")) },
};

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const json = (description: string, schema: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: ref(schema) } },
});
const rateHeaders = {
  "RateLimit-Limit": { schema: int(), description: "Requests per token and window." },
  "RateLimit-Remaining": { schema: int() },
  "RateLimit-Reset": { schema: int(), description: "Seconds until the window resets." },
  "RateLimit-Policy": { schema: str() },
};
const errors = (codes: number[]) => {
  const text: Record<number, string> = {
    401: "Missing, unknown, revoked or expired token, or an address outside its allow-list.",
    403: "The token lacks the scope.",
    404: "No such record for this dealer.",
    405: "Method not allowed.",
    409: "The record changed (version) or the step is not allowed in its status.",
    413: "Body too large.",
    415: "The body is not JSON.",
    422: "Invalid input (errors lists each field), or an Idempotency-Key reused with another body.",
    429: "Rate limit reached (Retry-After).",
  };
  return Object.fromEntries([401, 403, 429, ...codes].sort().map((c) => [String(c), problem(text[c]!)]));
};
const pathId = (name: string) => ({ name, in: "path", required: true, schema: int({ minimum: 1 }) });
const q = (name: string, schema: Schema, description?: string) => ({ name, in: "query", required: false, schema, ...(description ? { description } : {}) });
const cursor = q("cursor", str(), "The nextCursor of the previous page.");
const limit = q("limit", int({ minimum: 1, maximum: 200, default: 50 }));
const idem = { name: "Idempotency-Key", in: "header", required: true, schema: str({ pattern: "^[A-Za-z0-9._:-]{8,64}$" }) };
const idemOptional = { ...idem, required: false, description: "Required when submit is true." };
const body = (schema: Schema | string) => ({ required: true, content: { "application/json": { schema: typeof schema === "string" ? ref(schema) : schema } } });
const sec = (scope: ApiScope) => ({ security: [{ bearer: [scope] }], "x-scope": scope });

const paths = {
  "/api/v1/products": {
    get: {
      operationId: "listProducts",
      summary: "Products and the dealer's prices",
      ...sec("catalog:read"),
      parameters: [q("q", str({ maxLength: 64 }), "SKU or name (either language)."), cursor, limit],
      responses: { "200": json("A page of products in SKU order.", "ProductPage", rateHeaders), ...errors([422]) },
    },
  },
  "/api/v1/stock/{sku}": {
    get: {
      operationId: "getStock",
      summary: "Stock of one product per warehouse",
      ...sec("stock:read"),
      parameters: [{ name: "sku", in: "path", required: true, schema: str() }],
      responses: { "200": json("Availability per warehouse, nearest the dealer first.", "Stock", rateHeaders), ...errors([404, 422]) },
    },
  },
  "/api/v1/availability": {
    get: {
      operationId: "checkAvailability",
      summary: "Can I get N units by date D near region R?",
      ...sec("stock:read"),
      parameters: [
        { name: "sku", in: "query", required: true, schema: str() },
        { name: "quantity", in: "query", required: true, schema: int({ minimum: 1 }) },
        q("neededBy", date),
        q("region", str({ enum: [...REGIONS] }), "Default: the dealer's region."),
      ],
      responses: { "200": json("The plan: ship now, by incoming ETA, the promise date of the rest.", "Availability", rateHeaders), ...errors([422]) },
    },
  },
  "/api/v1/addresses": {
    get: {
      operationId: "listAddresses",
      summary: "The dealer's delivery addresses",
      ...sec("orders:read"),
      responses: { "200": json("Active addresses, the default first.", "AddressList", rateHeaders), ...errors([]) },
    },
  },
  "/api/v1/orders": {
    get: {
      operationId: "listOrders",
      summary: "Orders in order of last change",
      ...sec("orders:read"),
      parameters: [
        q("status", str({ enum: [...ORDER_STATUSES] })),
        q("updatedSince", dateTime, "Only orders changed at or after this instant."),
        cursor,
        limit,
      ],
      responses: { "200": json("A page of orders.", "OrderPage", rateHeaders), ...errors([422]) },
    },
    post: {
      operationId: "createOrder",
      summary: "Create a draft, or create and submit an order",
      ...sec("orders:write"),
      parameters: [idemOptional],
      requestBody: body("CreateOrder"),
      responses: {
        "201": json("Created (a draft, or a submitted order).", "Order", rateHeaders),
        "200": json("The same Idempotency-Key and body again: the order made the first time.", "Order", rateHeaders),
        ...errors([409, 413, 415, 422]),
      },
    },
  },
  "/api/v1/orders/{id}": {
    get: {
      operationId: "getOrder",
      summary: "One order with lines and shipments",
      ...sec("orders:read"),
      parameters: [pathId("id")],
      responses: { "200": json("The order.", "Order", rateHeaders), ...errors([404]) },
    },
  },
  "/api/v1/orders/{id}/submit": {
    post: {
      operationId: "submitOrder",
      summary: "Submit a draft",
      ...sec("orders:write"),
      parameters: [pathId("id"), idem],
      requestBody: { required: false, content: { "application/json": { schema: { type: "object", properties: { version: int({ minimum: 1 }) } } } } },
      responses: { "200": json("The submitted order (submitted, or on credit hold).", "Order", rateHeaders), ...errors([404, 409, 413, 415, 422]) },
    },
  },
  "/api/v1/orders/{id}/cancel": {
    post: {
      operationId: "cancelOrder",
      summary: "Cancel an order where the dealer may",
      ...sec("orders:write"),
      parameters: [pathId("id")],
      requestBody: body({ type: "object", required: ["version"], properties: { version: int({ minimum: 1 }), note: nullable("string", { maxLength: 1000 }) } }),
      responses: { "200": json("The cancelled order.", "Order", rateHeaders), ...errors([404, 409, 413, 415, 422]) },
    },
  },
  "/api/v1/orders/{id}/shipments/{shipmentId}/confirm-delivery": {
    post: {
      operationId: "confirmDelivery",
      summary: "Confirm delivery of a shipment (签收)",
      ...sec("orders:write"),
      parameters: [pathId("id"), pathId("shipmentId")],
      requestBody: body({ type: "object", required: ["version"], properties: { version: int({ minimum: 1 }) } }),
      responses: { "200": json("The order after delivery.", "Order", rateHeaders), ...errors([404, 409, 413, 415, 422]) },
    },
  },
  "/api/v1/statements": {
    get: {
      operationId: "listStatements",
      summary: "Statements in order of issue",
      ...sec("statements:read"),
      parameters: [q("status", str({ enum: [...STATEMENT_STATUSES] })), cursor, limit],
      responses: { "200": json("A page of statements.", "StatementPage", rateHeaders), ...errors([422]) },
    },
  },
  "/api/v1/statements/{id}": {
    get: {
      operationId: "getStatement",
      summary: "One statement with its lines",
      ...sec("statements:read"),
      parameters: [pathId("id")],
      responses: { "200": json("The statement.", "Statement", rateHeaders), ...errors([404]) },
    },
  },
  "/api/v1/statements/{id}/confirm": {
    post: {
      operationId: "confirmStatement",
      summary: "Confirm the balance (对账确认)",
      ...sec("statements:write"),
      parameters: [pathId("id")],
      requestBody: body({ type: "object", required: ["version"], properties: { version: int({ minimum: 1 }) } }),
      responses: { "200": json("The confirmed statement.", "Statement", rateHeaders), ...errors([404, 409, 413, 415, 422]) },
    },
  },
  "/api/v1/statements/{id}/lines/{lineId}/dispute": {
    post: {
      operationId: "disputeStatementLine",
      summary: "Dispute an amount of one line",
      ...sec("statements:write"),
      parameters: [pathId("id"), pathId("lineId")],
      requestBody: body({
        type: "object",
        required: ["reasonCode", "amountMinor"],
        properties: { reasonCode: str({ enum: [...DISPUTE_REASONS] }), amountMinor: int({ minimum: 1 }), comment: nullable("string", { maxLength: 2000 }) },
      }),
      responses: { "201": json("The statement with the line disputed.", "Statement", rateHeaders), ...errors([404, 409, 413, 415, 422]) },
    },
  },
  "/api/v1/ledger-entries": {
    get: {
      operationId: "listLedgerEntries",
      summary: "Ledger entries in order of posting, from a cursor on",
      ...sec("ledger:read"),
      parameters: [cursor, limit],
      responses: { "200": json("A page of entries.", "LedgerPage", rateHeaders), ...errors([422]) },
    },
  },
} as const;

// ---------------------------------------------------------------- webhooks (OpenAPI 3.1 `webhooks`)
// What the portal POSTs to a dealer's endpoint (app/modules/webhooks/events.server.ts writes the bodies).
// The end-to-end ERP test (tests/http/api-erp.test.ts) validates every body it receives against these.

const signedHeaders = {
  parameters: [
    {
      name: "Dealer-Desk-Signature",
      in: "header",
      required: true,
      description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint\'s secret>. Refuse a t older than 5 minutes.',
      schema: str({ pattern: "^t=\\d+,v1=[0-9a-f]{64}$" }),
    },
    { name: "Dealer-Desk-Event-Id", in: "header", required: true, description: "The event's id: the same on every retry. Deduplicate by it.", schema: str() },
    { name: "Dealer-Desk-Event-Type", in: "header", required: true, schema: str() },
    { name: "Dealer-Desk-Delivery", in: "header", required: true, description: "The delivery's id (one per endpoint and event).", schema: str() },
  ],
  responses: {
    "2XX": { description: "Received. Any other answer, or none within 10 s, is retried with backoff for 24 hours." },
  },
};

const eventEnvelope = (type: string, data: Schema): Schema =>
  obj({
    id: str({ pattern: "^evt_[0-9a-f]{24}$" }),
    type: { const: type },
    occurred_at: dateTime,
    dealer: obj({ id: int(), code: str() }),
    data,
  });

const orderRefStatus = obj({ number: nullable("string"), status: str({ enum: [...ORDER_STATUSES] }) });

const webhookSchemas: Record<string, Schema> = {
  OrderStatusChangedEvent: eventEnvelope(
    "order.status_changed",
    obj({
      order: obj({
        number: nullable("string"),
        status: str({ enum: [...ORDER_STATUSES] }),
        previous_status: str({ enum: [...ORDER_STATUSES] }),
        note: nullable("string"),
        total_minor: int(),
        currency: str({ pattern: "^[A-Z]{3}$" }),
      }),
    }),
  ),
  ShipmentCreatedEvent: eventEnvelope(
    "shipment.created",
    obj({
      shipment: obj({
        number: str(),
        shipped_on: date,
        carrier: nullable("string"),
        tracking_number: nullable("string"),
        value_minor: int(),
        currency: str({ pattern: "^[A-Z]{3}$" }),
        lines: arr(obj({ order_line_id: int(), quantity: int({ minimum: 1 }) })),
      }),
      order: orderRefStatus,
    }),
  ),
  PromiseDateChangedEvent: eventEnvelope(
    "order.promise_date_changed",
    obj({
      order: obj({ number: nullable("string"), promised_date: nullableDate }),
      changes: arr(obj({ order_line_id: nullable("integer"), from: nullableDate, to: nullableDate })),
      reason: str(),
    }),
  ),
  StatementIssuedEvent: eventEnvelope(
    "statement.issued",
    obj({
      statement: obj({
        id: int(),
        period: str(),
        period_start: date,
        period_end: date,
        currency: str({ pattern: "^[A-Z]{3}$" }),
        opening_minor: int(),
        closing_minor: int(),
        line_count: int({ minimum: 0 }),
        confirm_by: nullableDate,
      }),
    }),
  ),
  DisputeResolvedEvent: eventEnvelope(
    "dispute.resolved",
    obj({
      dispute: obj({
        id: int(),
        decision: str({ enum: ["accepted", "rejected"] }),
        amount_minor: int(),
        note: nullable("string"),
        adjustment_entry_id: nullable("integer"),
      }),
      statement: obj({ id: int(), period: str(), status: str({ enum: [...STATEMENT_STATUSES] }) }),
    }),
  ),
};

const webhookOp = (type: string, schema: string, summary: string) => ({
  post: {
    operationId: `webhook_${type.replace(/\./g, "_")}`,
    summary,
    ...signedHeaders,
    requestBody: { required: true, content: { "application/json": { schema: ref(schema) } } },
  },
});

/** Keyed by event type, as a dealer subscribes to them on /settings/webhooks. */
const webhooks = {
  "order.status_changed": webhookOp("order.status_changed", "OrderStatusChangedEvent", "An order moved to another status"),
  "shipment.created": webhookOp("shipment.created", "ShipmentCreatedEvent", "A shipment left the warehouse (the invoice is posted with it)"),
  "order.promise_date_changed": webhookOp("order.promise_date_changed", "PromiseDateChangedEvent", "The promised date of an order or of its lines changed"),
  "statement.issued": webhookOp("statement.issued", "StatementIssuedEvent", "A monthly statement was issued for confirmation"),
  "dispute.resolved": webhookOp("dispute.resolved", "DisputeResolvedEvent", "Finance accepted or rejected a disputed statement line"),
} as const satisfies Record<WebhookEventType, unknown>;

export function openApiDocument(origin: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Dealer Desk API",
      version: "1.0.0",
      description:
        "The dealer API: a dealer's own systems act as the dealer with a token's scopes. Money is integer minor units with a currency. Errors are RFC 9457 problem documents.",
    },
    servers: [{ url: origin }],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: `API token (ddk_…). Scopes: ${API_SCOPE_LIST.map((s) => `${s} (${API_SCOPES[s].join(", ")})`).join("; ")}.`,
        },
      },
      schemas: { ...schemas, ...webhookSchemas },
    },
    paths,
    webhooks,
  };
}

/** The endpoints as the reference page lists them. */
export function endpointList(): { method: string; path: string; scope: ApiScope; operationId: OperationId }[] {
  return Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops as unknown as Record<string, { operationId: OperationId; "x-scope": ApiScope }>).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      scope: op["x-scope"],
      operationId: op.operationId,
    })),
  );
}

type Paths = typeof paths;
type OperationId = { [P in keyof Paths]: { [M in keyof Paths[P]]: Paths[P][M] extends { operationId: infer I } ? I : never }[keyof Paths[P]] }[keyof Paths];
