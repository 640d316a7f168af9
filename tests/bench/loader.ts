/**
 * Bulk loading for the benchmark data set: rows are escaped once into
 * multi-row `INSERT … VALUES (…),(…)` statements of up to ~2,000 rows (or 2 MB),
 * sent on one connection with unique and foreign-key checks off, while the
 * next batch is being generated (one statement in flight at a time).
 * Time spent in the database is attributed to each table.
 */
import { escape, type Connection } from "mysql2";

export type Cell = string | number | null | boolean;

const MAX_ROWS = 2_000;
const MAX_BYTES = 2 * 1024 * 1024;

/** 'YYYY-MM-DD HH:MM:SS.mmm' (UTC) for a DATETIME(3) column. */
export function ts(ms: number): string {
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 23)}`;
}

/** 'YYYY-MM-DD' for a day number (days since 1970-01-01). */
export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function dayOf(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

function lit(v: Cell): string {
  if (v === null) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`non-finite number in bulk insert: ${v}`);
    return String(v);
  }
  if (typeof v === "boolean") return v ? "1" : "0";
  return escape(v);
}

export type TableStat = { rows: number; statements: number; ms: number };

export class BulkLoader {
  private buffers = new Map<string, { cols: string[]; rows: string[]; bytes: number }>();
  private inFlight: Promise<void> = Promise.resolve();
  private failed: unknown = null;
  private pending = 0;
  readonly stats = new Map<string, TableStat>();

  constructor(private readonly conn: Connection) {}

  private stat(table: string): TableStat {
    let s = this.stats.get(table);
    if (!s) this.stats.set(table, (s = { rows: 0, statements: 0, ms: 0 }));
    return s;
  }

  /** Queues one row; columns are declared by the first row of each table. */
  push(table: string, cols: readonly string[], values: readonly Cell[]): void {
    if (this.failed) throw this.failed;
    let b = this.buffers.get(table);
    if (!b) this.buffers.set(table, (b = { cols: [...cols], rows: [], bytes: 0 }));
    if (values.length !== b.cols.length) throw new Error(`${table}: ${values.length} values for ${b.cols.length} columns`);
    const row = `(${values.map(lit).join(",")})`;
    b.rows.push(row);
    b.bytes += row.length + 1;
    if (b.rows.length >= MAX_ROWS || b.bytes >= MAX_BYTES) void this.send(table);
  }

  /** Waits for the statement in flight before sending the next one, so generation overlaps the database. */
  private send(table: string): Promise<void> {
    const b = this.buffers.get(table);
    if (!b || b.rows.length === 0) return this.inFlight;
    const text = `INSERT INTO \`${table}\` (${b.cols.map((c) => `\`${c}\``).join(",")}) VALUES ${b.rows.join(",")}`;
    const n = b.rows.length;
    b.rows = [];
    b.bytes = 0;
    const prev = this.inFlight;
    const s = this.stat(table);
    this.pending++;
    this.inFlight = prev
      .then(async () => {
        if (this.failed) return;
        const started = performance.now();
        await this.query(text);
        s.ms += performance.now() - started;
        s.rows += n;
        s.statements++;
      })
      .catch((err: unknown) => {
        this.failed ??= new Error(`bulk insert into ${table} failed: ${(err as Error).message.slice(0, 500)}`);
      })
      .finally(() => {
        this.pending--;
      });
    return this.inFlight;
  }

  /** Runs a statement after everything queued so far (e.g. an UPDATE that joins loaded rows). */
  async exec(sqlText: string, params: Cell[] = [], table = "(statements)"): Promise<void> {
    await this.flushAll();
    const s = this.stat(table);
    const started = performance.now();
    await this.query(sqlText, params);
    s.ms += performance.now() - started;
    s.statements++;
  }

  query<T = unknown>(sqlText: string, params: Cell[] = []): Promise<T> {
    return new Promise((resolve, reject) => {
      this.conn.query(sqlText, params, (err, rows) => (err ? reject(err) : resolve(rows as T)));
    });
  }

  /** Call now and then from generation loops: waits while more than two statements are queued. */
  async backpressure(): Promise<void> {
    if (this.pending > 2) await this.inFlight;
    if (this.failed) throw this.failed;
  }

  /** Sends whatever is buffered for every table and waits for it. */
  async flushAll(): Promise<void> {
    for (const t of this.buffers.keys()) void this.send(t);
    await this.inFlight;
    if (this.failed) throw this.failed;
  }
}
