import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

describe("environment", () => {
  it("has working defaults", () => {
    const e = parseEnv({});
    expect(e.DATABASE_URL).toBe("mysql://root@127.0.0.1:3306/dealer_desk");
    expect(e.PORT).toBe(3000);
    expect(e.APP_ORIGIN).toBe("http://localhost:3000");
    expect(e.SESSION_IDLE_HOURS).toBe(12);
    expect(e.SESSION_ABSOLUTE_DAYS).toBe(7);
    expect(e.BUSINESS_TZ).toBe("Asia/Shanghai");
    expect(e.SEED_DEMO).toBe(true);
    expect(e.WEB_CONCURRENCY).toBe(availableParallelism());
    expect(parseEnv({ WEB_CONCURRENCY: "3" }).WEB_CONCURRENCY).toBe(3);
  });

  it.each([
    [{ DATABASE_URL: "postgres://x/y" }, "DATABASE_URL"],
    [{ PORT: "eighty" }, "PORT"],
    [{ SMTP_URL: "mailserver:25" }, "SMTP_URL"],
    [{ SMTP_URL: "http://mail.example.com" }, "SMTP_URL"],
    [{ BUSINESS_TZ: "Mars/Olympus" }, "BUSINESS_TZ"],
    [{ APP_ORIGIN: "https://portal.example.com/app" }, "APP_ORIGIN"],
    [{ SEED_DEMO: "maybe" }, "SEED_DEMO"],
    [{ APP_SECRET: "short" }, "APP_SECRET"],
    [{ WEB_CONCURRENCY: "0" }, "WEB_CONCURRENCY"],
    [{ WEB_CONCURRENCY: "two" }, "WEB_CONCURRENCY"],
  ])("names the bad variable: %o", (vars, name) => {
    expect(() => parseEnv(vars)).toThrow(new RegExp(`Invalid environment variable ${name}:`));
  });

  it("accepts a cluster's servers in DATABASE_URL", () => {
    expect(parseEnv({ DATABASE_URL: "mysql://desk:pw@db1:3306,db2:3306,db3/dealer_desk" }).DATABASE_URL).toBe(
      "mysql://desk:pw@db1:3306,db2:3306,db3/dealer_desk",
    );
  });

  it("accepts a valid SMTP URL and an https origin", () => {
    const e = parseEnv({ SMTP_URL: "smtps://user:pass@mail.example.com:465", APP_ORIGIN: "https://portal.example.com" });
    expect(e.SMTP_URL).toBe("smtps://user:pass@mail.example.com:465");
    expect(e.APP_ORIGIN).toBe("https://portal.example.com");
  });
});
