import "./app/utils/router-cache.server";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { pathToFileURL } from "node:url";
import path from "node:path";
const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
const handle = createRequestHandler(build, "production");
const cookie = process.env.CK!;
const url = `http://127.0.0.1:21900${process.env.P}`;
async function once() {
  const r = await handle(new Request(url, { headers: { cookie, host: "127.0.0.1:21900", "accept-language": "en" } }), { cspNonce: "abc" } as never);
  if (r.status !== 200) throw new Error(String(r.status));
  return r;
}
for (let i = 0; i < 200; i++) await once();
const N = Number(process.env.N ?? 1000);
const t = performance.now();
const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) await once();
const c = process.cpuUsage(c0);
console.log(process.env.P, "wall ms/req", ((performance.now() - t) / N).toFixed(3), "cpu ms/req", ((c.user + c.system) / 1000 / N).toFixed(3));
process.exit(0);
