import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";

// Workers static assets answer every path that run_worker_first does not name, before the
// worker sees it: a route missing there is a 404 in production and under wrangler dev, yet
// passes every test that calls the worker directly.
const config = parse(readFileSync("wrangler.toml", "utf8")) as {
  assets: { run_worker_first: string[] };
};
// A pattern starting with "!" sends what it matches to the assets even if another names it.
const patterns = config.assets.run_worker_first.filter((glob) => !glob.startsWith("!"));
const exclusions = config.assets.run_worker_first
  .filter((glob) => glob.startsWith("!"))
  .map((glob) => glob.slice(1));
const globToRegExp = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);
const reachesWorker = (path: string) =>
  patterns.some((glob) => globToRegExp(glob).test(path)) &&
  !exclusions.some((glob) => globToRegExp(glob).test(path));

const routePaths = [
  ...new Set(
    createApp()
      .routes.map((route) => route.path)
      .filter((path) => path !== "/*"),
  ),
];
// A sample path for a route: `:id` → X1, `:file{[^/]+\.txt}` → X1.txt, `*` → X1.
const sample = (path: string) =>
  path
    .replace(/:\w+\{[^}]*\\\.(\w+)\}/g, "X1.$1")
    .replace(/:[^/]+/g, "X1")
    .replaceAll("*", "X1");

describe("wrangler.toml run_worker_first", () => {
  it("sends every path a label's QR encodes to the worker, in any case and with a slash", () => {
    const code = "1ABCDEFGH0JKMNPQRST1";
    for (const path of [
      `/V/${code}`,
      `/v/${code.toLowerCase()}`,
      `/V/${code}/`,
      `/v/${code}/`,
      `/01/04006381333931/10/LOT-1/21/${code}`,
    ]) {
      expect(reachesWorker(path), path).toBe(true);
    }
  });

  it("sends every route of the app to the worker", () => {
    expect(routePaths.length).toBeGreaterThan(30);
    const missing = routePaths.filter((path) => !reachesWorker(sample(path)));
    expect(missing).toEqual([]);
  });

  it("names no pattern that no route serves", () => {
    const unused = patterns.filter(
      (glob) => !routePaths.some((path) => globToRegExp(glob).test(sample(path))),
    );
    expect(unused).toEqual([]);
  });

  it("leaves the console's bundles and the page assets to the assets layer", () => {
    for (const path of [
      "/console/assets/index.js",
      "/assets/verify.js",
      "/assets/provinces.geojson",
    ]) {
      expect(reachesWorker(path), path).toBe(false);
    }
  });
});
