// The load generator of `npm run bench`: one autocannon run of one scenario, in a process of its
// own. autocannon times a request from write to parsed response on its own event loop, so any
// pause of that loop lands in every latency it is measuring at that moment. Run inside the
// bench process, which also hosts Miniflare and holds the seeded data, its garbage collection
// paused the loop for 40–70 ms during scan runs and put those pauses into the p99. Here the
// generator's heap is small and nothing else runs on its loop.
//
// `node --import tsx bench/load.ts <spec.json>` prints one JSON line: the result figures and
// the next client counter (so client ids and codes keep spreading across runs as in one
// process).
import { readFileSync } from "node:fs";
// @ts-expect-error autocannon ships no types
import autocannon from "autocannon";

export type LoadScenario =
  | { kind: "get"; path: string; headers?: Record<string, string> }
  /** POST /v1/scans of codes[counter % codes.length], each from a new client id. */
  | { kind: "scan"; codes: string[] }
  /** POST /v1/auth/login as admin-(counter % accounts)@bench.local. */
  | { kind: "login"; accounts: number; password: string };

export type LoadSpec = {
  url: string;
  connections: number;
  durationS: number;
  counter: number;
  scenario: LoadScenario;
};

/** The figures of one run. */
export type LoadRun = {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  s5xx: number;
  statusCodes: unknown;
};

export type LoadResult = LoadRun & { counter: number };

function request(spec: LoadSpec, next: () => number) {
  const { scenario } = spec;
  if (scenario.kind === "get") {
    return { method: "GET", path: scenario.path, headers: scenario.headers };
  }
  const post = (path: string, body: () => string) => ({
    method: "POST",
    path,
    headers: { "content-type": "application/json" },
    setupRequest: (req: Record<string, unknown>) => ({ ...req, body: body() }),
  });
  if (scenario.kind === "scan") {
    const { codes } = scenario;
    return post("/v1/scans", () => {
      const n = next();
      return JSON.stringify({
        code: codes[n % codes.length],
        client_id: `bench-client-${n}`,
        lat: 29.99 + (n % 100) / 10_000,
        lng: 122.2,
      });
    });
  }
  const { accounts, password } = scenario;
  return post("/v1/auth/login", () =>
    JSON.stringify({ email: `admin-${next() % accounts}@bench.local`, password }),
  );
}

const specPath = process.argv[2];
if (!specPath) throw new Error("usage: node --import tsx bench/load.ts <spec.json>");
const spec = JSON.parse(readFileSync(specPath, "utf8")) as LoadSpec;
let counter = spec.counter;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationS,
  requests: [request(spec, () => ++counter)],
});
const out: LoadResult = {
  rps: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
  s5xx: result["5xx"],
  statusCodes: result.statusCodeStats,
  counter,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
