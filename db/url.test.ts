import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "./url";
import { poolOptions } from "./client";

describe("DATABASE_URL", () => {
  it("reads one server", () => {
    expect(parseDatabaseUrl("mysql://root@127.0.0.1:3306/dealer_desk")).toEqual({
      hosts: [{ host: "127.0.0.1", port: 3306 }],
      user: "root",
      password: "",
      database: "dealer_desk",
    });
  });

  it("reads the servers of a cluster in order, with credentials and default ports", () => {
    const t = parseDatabaseUrl("mariadb://desk:p%40ss@db1.example.com:4401,db2.example.com,[::1]:4403/dd_prod");
    expect(t.hosts).toEqual([
      { host: "db1.example.com", port: 4401 },
      { host: "db2.example.com", port: 3306 },
      { host: "::1", port: 4403 },
    ]);
    expect(t).toMatchObject({ user: "desk", password: "p@ss", database: "dd_prod" });
  });

  it("gives each server's connection options, the first by default", () => {
    const url = "mysql://root@127.0.0.1:4401,127.0.0.1:4402/dd";
    expect(poolOptions(url, 3)).toMatchObject({ host: "127.0.0.1", port: 4401, database: "dd", connectionLimit: 3 });
    expect(poolOptions(url, 3, 1)).toMatchObject({ port: 4402 });
  });

  it.each(["postgres://x/y", "mysql://127.0.0.1:3306", "mysql://127.0.0.1:3306/", "mysql://a:1,/db", "mysql://a:port/db", "not a url"])("refuses %s", (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/DATABASE_URL/);
  });
});
