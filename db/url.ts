/**
 * A `DATABASE_URL` may name several servers of one cluster, `mysql://user:pw@host1:3306,host2:3306/db`
 * (README "Running on a cluster"): the first is the one this process prefers, the others are where it
 * fails over to. `new URL` cannot read such a list, so the hosts are cut out first.
 */
export function parseDatabaseUrl(url: string): { hosts: { host: string; port: number }[]; user: string; password: string; database: string } {
  const m = /^(mysql|mariadb):\/\/(?:([^@/]*)@)?([^/?#]+)(\/[^?#]*)?/.exec(url);
  if (!m) throw new Error("DATABASE_URL must look like mysql://user:password@host:3306/database");
  const hosts = m[3]!.split(",").map((h) => {
    const u = URL.parse(`mysql://${h}`);
    if (!u) throw new Error(`DATABASE_URL has a bad host: ${h}`);
    if (!u.hostname || u.pathname.length > 0 || u.username) throw new Error(`DATABASE_URL has a bad host: ${h}`);
    return { host: u.hostname.replace(/^\[|\]$/g, ""), port: u.port ? Number(u.port) : 3306 };
  });
  const creds = URL.parse(`mysql://${m[2] ? `${m[2]}@` : ""}x${m[4] ?? ""}`);
  if (!creds) throw new Error("DATABASE_URL has bad credentials or database name");
  const database = decodeURIComponent(creds.pathname.slice(1));
  if (!database) throw new Error("DATABASE_URL names no database");
  return { hosts, user: decodeURIComponent(creds.username || "root"), password: decodeURIComponent(creds.password || ""), database };
}
