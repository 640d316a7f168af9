/**
 * A real SMTP peer for tests (smtp-server): records every message it accepts,
 * and can be told to refuse the next N messages or to never answer (timeouts).
 */
import { createServer, type Server } from "node:net";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { from: string; to: string[]; raw: string; headers: Record<string, string>; messageId: string; subject: string };

export type TestSmtp = {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Refuse the next n messages at DATA with this reply code (4xx temporary, 5xx permanent). */
  reject(n: number, code?: number, message?: string): void;
  close(): Promise<void>;
};

function parseHeaders(raw: string): Record<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const out: Record<string, string> = {};
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Listens on `port` (0: any free one); pass the old port to bring a stopped server back at the same address. */
export async function startSmtp(port = 0): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  let rejectLeft = 0;
  let rejectCode = 451;
  let rejectMessage = "Try again later";
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (rejectLeft > 0) {
          rejectLeft--;
          const err = new Error(rejectMessage) as Error & { responseCode: number };
          err.responseCode = rejectCode;
          return callback(err);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const headers = parseHeaders(raw);
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          headers,
          messageId: headers["message-id"] ?? "",
          subject: headers.subject ?? "",
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  const bound = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    port: bound,
    messages,
    reject(n, code = 451, message = "Try again later") {
      rejectLeft = n;
      rejectCode = code;
      rejectMessage = message;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP server that accepts connections and never says a word (an SMTP server that times out). */
export async function startSilentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
