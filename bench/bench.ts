// `npm run bench`: builds the worker, serves the bundle with Miniflare directly on 127.0.0.1 (no
// wrangler dev proxy), seeds its own data, drives each scenario with autocannon (32 connections,
// a bounded time, three runs), then prints a table, the issue 9 targets and bench/results.json.
// Not part of `npm test`. Everything it starts (Miniflare/workerd, temp dirs) is stopped at the end.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error autocannon ships no types
import autocannon from "autocannon";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { generateSecrets } from "../scripts/secrets.ts";
import { newId } from "../src/lib/ids.ts";
import { hashPassword } from "../src/lib/password.ts";

const CONNECTIONS = 32;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const RUNS = 3;
const GENUINE_LABELS = 10_000;
const PASSWORD = "bench-password-123";
const LOGIN_ACCOUNTS = 256;
const started = Date.now();

const tmp = mkdtempSync(join(tmpdir(), "gi-bench-"));
const outdir = join(tmp, "dist");
const persist = join(tmp, "state");
mkdirSync(persist);

// ---- build ---------------------------------------------------------------------------------
console.log("bench: building (wrangler deploy --dry-run)…");
execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
  stdio: ["ignore", "ignore", "inherit"],
  env: {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    X_LOCAL_OBSERVABILITY: "false",
    X_LOCAL_EXPLORER: "false",
  },
});

const RAW_WORKER = `export default {
  async fetch(request, env) {
    const { batchId, codes } = await request.json();
    const statements = [];
    for (let i = 0; i < codes.length; i += 33) {
      const part = codes.slice(i, i + 33);
      statements.push(
        env.DB.prepare(
          "INSERT INTO labels (code, batch_id, key_id) VALUES " + part.map(() => "(?, ?, ?)").join(", "),
        ).bind(...part.flatMap((code) => [code, batchId, "1"])),
      );
    }
    await env.DB.batch(statements);
    return new Response("ok");
  },
};`;

// ---- config from wrangler.toml (only the simple keys the bench needs) ---------------------
const toml = readFileSync("wrangler.toml", "utf8");
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? "2026-11-01";
const compatibilityFlags = [
  ...(/^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "").matchAll(/"([^"]+)"/g),
].map((m) => m[1] as string);
const varsBlock = /^\[vars\]\n([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(toml)?.[1] ?? "";
const vars: Record<string, string> = {};
for (const m of varsBlock.matchAll(/^([A-Z_][A-Z0-9_]*)\s*=\s*"([^"]*)"/gm)) {
  vars[m[1] as string] = m[2] as string;
}

// miniflare 5 takes a new option shape; convertV4MiniflareOptions accepts the classic one.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: 0,
    resourcePersistencePath: persist,
    workers: [
      {
        name: "gi-trace",
        modules: true,
        scriptPath: join(outdir, "index.js"),
        modulesRoot: outdir,
        compatibilityDate,
        compatibilityFlags,
        d1Databases: { DB: "bench-db" },
        // Same limit as wrangler.toml; every scan below carries its own client_id, so the limiter
        // is exercised but never the thing measured.
        ratelimits: {
          SCAN_RATE_LIMITER: { namespace_id: "1001", simple: { limit: 120, period: 60 } },
        },
        bindings: { ...vars, ...(await generateSecrets()) },
      },
      // The raw baseline: a tiny worker on the same D1 database that inserts the rows it is sent
      // as one db.batch of multi-row inserts, so both sides pay the same HTTP hop and the same D1.
      {
        name: "raw-insert",
        modules: true,
        script: RAW_WORKER,
        compatibilityDate,
        d1Databases: { DB: "bench-db" },
      },
    ],
  }),
);

type Row = {
  scenario: string;
  runs: {
    rps: number;
    p50: number;
    p99: number;
    errors: number;
    non2xx: number;
    s5xx: number;
    statusCodes: unknown;
  }[];
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  s5xx: number;
};
type Timed = { scenario: string; ms: number[]; median_ms: number; status: number[] };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

try {
  const base = await mf.ready;
  const origin = base.origin;
  const d1 = await mf.getD1Database("DB");

  // ---- migrations ------------------------------------------------------------------------
  for (const file of readdirSync("migrations")
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const statements = readFileSync(join("migrations", file), "utf8")
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean);
    await d1.batch(statements.map((s) => d1.prepare(s)));
  }

  // ---- seed: reference rows directly (as the test fixtures do), the rest through the API --
  const api = async (path: string, init: { method?: string; token?: string; body?: unknown }) => {
    const res = await fetch(`${origin}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        "content-type": "application/json",
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return res;
  };
  const json = async <T>(res: Response, expected: number): Promise<T> => {
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${res.url}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };

  const hash = await hashPassword(PASSWORD);
  const orgId = newId("org");
  const productId = newId("gi");
  const siteId = newId("site");
  const authId = newId("auth");
  const producerEmail = "producer@bench.local";
  const adminEmail = "admin@bench.local";
  const area = JSON.stringify({
    type: "Polygon",
    coordinates: [
      [
        [121.6, 29.5],
        [123.4, 29.5],
        [123.4, 31.0],
        [121.6, 31.0],
        [121.6, 29.5],
      ],
    ],
  });
  await d1.batch([
    d1
      .prepare(
        "INSERT INTO organizations (id, name, uscc, kind, region_code) VALUES (?, '舟山基准渔业合作社', '93330903MA2BENCH0X', 'cooperative', '330903')",
      )
      .bind(orgId),
    d1
      .prepare(
        "INSERT INTO gi_products (id, name_zh, name_en, category, protection_type, registration_no, holder_name, protected_region_codes, protected_area, shelf_life_days) VALUES (?, '舟山带鱼', 'Zhoushan Hairtail', 'seafood', 'certification_mark', '7654321', '舟山市水产流通与加工行业协会', '[\"330900\"]', ?, 365)",
      )
      .bind(productId, area),
    d1
      .prepare(
        "INSERT INTO sites (id, organization_id, name, kind, lat, lng, region_code) VALUES (?, ?, '沈家门渔港', 'port', 29.9445, 122.3027, '330903')",
      )
      .bind(siteId, orgId),
    d1
      .prepare(
        "INSERT INTO authorizations (id, number, organization_id, gi_product_id, valid_from, valid_until) VALUES (?, 'GIA-2026-BENCH1', ?, ?, '2026-01-01', '2030-12-31')",
      )
      .bind(authId, orgId, productId),
    d1
      .prepare(
        "INSERT INTO users (id, email, password_hash, role, display_name) VALUES (?, ?, ?, 'admin', 'Bench admin')",
      )
      .bind(newId("usr"), adminEmail, hash),
    d1
      .prepare(
        "INSERT INTO users (id, email, password_hash, role, display_name, organization_id) VALUES (?, ?, ?, 'producer', 'Bench producer', ?)",
      )
      .bind(newId("usr"), producerEmail, hash, orgId),
    // Logins are throttled per account (attempts in flight count), so the login scenario
    // spreads its requests over many accounts instead of hammering one.
    ...Array.from({ length: LOGIN_ACCOUNTS }, (_, i) =>
      d1
        .prepare(
          "INSERT INTO users (id, email, password_hash, role, display_name) VALUES (?, ?, ?, 'admin', 'Bench admin')",
        )
        .bind(newId("usr"), `admin-${i}@bench.local`, hash),
    ),
  ]);
  const login = async (email: string) =>
    (
      await json<{ access_token: string }>(
        await api("/v1/auth/login", { body: { email, password: PASSWORD } }),
        200,
      )
    ).access_token;
  const producer = await login(producerEmail);

  let lot = 0;
  const releasedBatch = async () => {
    lot += 1;
    const { id } = await json<{ id: string }>(
      await api("/v1/batches", {
        token: producer,
        body: {
          authorization_id: authId,
          site_id: siteId,
          lot_code: `BENCH-${lot}`,
          quantity: 500,
          unit: "kg",
          produced_at: "2026-11-20T04:30:00Z",
        },
      }),
      201,
    );
    await json(await api(`/v1/batches/${id}/release`, { method: "POST", token: producer }), 200);
    return id;
  };
  const timed: Timed[] = [];
  const time = async (scenario: string, fn: () => Promise<number>) => {
    const ms: number[] = [];
    const status: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      status.push(await fn());
      ms.push(performance.now() - t0);
    }
    const row = { scenario, ms, median_ms: median(ms), status };
    timed.push(row);
    return row;
  };

  // Issue 10,000 labels in one request (three times: three batches; the first one's labels are
  // the genuine codes scanned below).
  console.log("bench: seeding and timing label issuance…");
  const genuineCodes: string[] = [];
  await time("issue 10,000 labels (POST /v1/batches/{id}/labels)", async () => {
    const batch = await releasedBatch();
    const res = await api(`/v1/batches/${batch}/labels`, {
      token: producer,
      body: { count: GENUINE_LABELS },
    });
    const body = await json<{ labels: { code: string }[] }>(res, 201);
    if (genuineCodes.length === 0) genuineCodes.push(...body.labels.map((l) => l.code));
    return res.status;
  });

  // Raw baseline: 10,000 rows into the same labels table, one db.batch of multi-row inserts
  // (3 parameters a row, 33 rows a statement under the 100-parameter limit), run inside a tiny
  // second worker bound to the same D1 database and called over HTTP like the API: the same
  // D1 engine, one round trip, one transaction, and the same request hop as the issue request.
  const rawBatch = await releasedBatch();
  const rawWorker = await mf.getWorker("raw-insert");
  let rawRun = 0;
  await time("raw: 10,000-row insert, one D1 batch (tiny worker)", async () => {
    rawRun += 1;
    const codes = Array.from({ length: 10_000 }, (_, i) => `RAW${rawRun}-${i}`);
    const res = await rawWorker.fetch("http://raw/", {
      method: "POST",
      body: JSON.stringify({ batchId: rawBatch, codes }),
    });
    await res.text();
    if (res.status !== 200) throw new Error(`raw insert: ${res.status}`);
    return res.status;
  });

  const pdfBatch = await releasedBatch();
  await json(
    await api(`/v1/batches/${pdfBatch}/labels`, { token: producer, body: { count: 1000 } }),
    201,
  );
  await time("PDF of 1,000 labels (GET /v1/batches/{id}/labels.pdf)", async () => {
    const res = await api(`/v1/batches/${pdfBatch}/labels.pdf`, { token: producer });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`pdf: ${res.status}`);
    return res.status;
  });

  // Codes for the alerting scenario: a few labels that many clients scan (copied codes).
  const alertBatch = await releasedBatch();
  const alertCodes = (
    await json<{ labels: { code: string }[] }>(
      await api(`/v1/batches/${alertBatch}/labels`, { token: producer, body: { count: 4 } }),
      201,
    )
  ).labels.map((l) => l.code);

  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const forgedCodes = genuineCodes.slice(0, 1000).map((code, i) => {
    const tail = code.slice(-4);
    let forged = tail;
    for (let k = 0; forged === tail; k++) {
      forged = Array.from(
        { length: 4 },
        (_, j) => alphabet[(i * 7 + j * 13 + k + 3) % 32] as string,
      ).join("");
    }
    return `${code.slice(0, -4)}${forged}`;
  });

  // ---- load scenarios --------------------------------------------------------------------
  let counter = 0;
  const scanBody = (code: string) => {
    counter += 1;
    return JSON.stringify({
      code,
      client_id: `bench-client-${counter}`,
      lat: 29.99 + (counter % 100) / 10_000,
      lng: 122.2,
    });
  };
  const productUrl = `/v1/gi-products/${productId}`;
  const qrCode = genuineCodes[1] as string;
  type Scenario = { name: string; request: Record<string, unknown> };
  const post = (path: string, body: () => string) => ({
    method: "POST",
    path,
    headers: { "content-type": "application/json" },
    setupRequest: (req: Record<string, unknown>) => ({ ...req, body: body() }),
  });
  const scenarios: Scenario[] = [
    { name: "GET /healthz", request: { method: "GET", path: "/healthz" } },
    {
      name: "GET /v1/gi-products/{id} (one D1 read)",
      request: { method: "GET", path: productUrl },
    },
    {
      name: "POST /v1/scans genuine (10,000 labels)",
      request: post("/v1/scans", () =>
        scanBody(genuineCodes[counter % genuineCodes.length] as string),
      ),
    },
    {
      name: "POST /v1/scans forged code",
      request: post("/v1/scans", () =>
        scanBody(forgedCodes[counter % forgedCodes.length] as string),
      ),
    },
    {
      name: "POST /v1/scans alerting (many clients, 4 codes)",
      request: post("/v1/scans", () => scanBody(alertCodes[counter % alertCodes.length] as string)),
    },
    {
      name: "POST /v1/auth/login",
      request: post("/v1/auth/login", () => {
        counter += 1;
        return JSON.stringify({
          email: `admin-${counter % LOGIN_ACCOUNTS}@bench.local`,
          password: PASSWORD,
        });
      }),
    },
    {
      name: "GET /v1/labels/{code}/qr.svg",
      request: {
        method: "GET",
        path: `/v1/labels/${qrCode}/qr.svg`,
        headers: { authorization: `Bearer ${producer}` },
      },
    },
  ];

  const rows: Row[] = [];
  for (const scenario of scenarios) {
    const runs: Row["runs"] = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await autocannon({
        url: origin,
        connections: CONNECTIONS,
        duration: DURATION_S,
        requests: [scenario.request],
      });
      runs.push({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        s5xx: result["5xx"],
        statusCodes: result.statusCodeStats,
      });
    }
    const row: Row = {
      scenario: scenario.name,
      runs,
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      s5xx: runs.reduce((n, r) => n + r.s5xx, 0),
    };
    rows.push(row);
    console.log(
      `bench: ${row.scenario}: ${row.rps.toFixed(0)} req/s (runs ${runs.map((r) => r.rps.toFixed(0)).join(", ")})`,
    );
  }

  // Storage per scan row, for the scale section of the README.
  const scanStats = await d1
    .prepare(
      "SELECT count(*) AS n, sum(coalesce(length(id), 0) + coalesce(length(label_code), 0) + coalesce(length(batch_id), 0) + coalesce(length(organization_id), 0) + coalesce(length(raw_input), 0) + coalesce(length(client_key), 0) + coalesce(length(user_id), 0) + coalesce(length(location_source), 0) + coalesce(length(region_code), 0) + coalesce(length(user_agent_class), 0) + coalesce(length(verdict), 0) + coalesce(length(reasons), 0) + coalesce(length(request_id), 0) + coalesce(length(scanned_at), 0) + 16) AS bytes FROM scans",
    )
    .first<{ n: number; bytes: number }>()
    .catch(() => null);
  const pageStats = await d1
    .prepare("SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()")
    .first<{ bytes: number }>()
    .catch(() => null);

  // ---- report ----------------------------------------------------------------------------
  const by = (prefix: string) => rows.find((r) => r.scenario.startsWith(prefix)) as Row;
  const oneRead = by("GET /v1/gi-products").rps;
  const genuine = by("POST /v1/scans genuine");
  const forged = by("POST /v1/scans forged");
  const alerting = by("POST /v1/scans alerting");
  const issueMs = (timed[0] as Timed).median_ms;
  const rawMs = (timed[1] as Timed).median_ms;
  const targets = [
    { target: "genuine scan rps >= 0.8 x one-read rps", ratio: genuine.rps / oneRead, limit: 0.8 },
    { target: "forged scan rps >= 0.8 x one-read rps", ratio: forged.rps / oneRead, limit: 0.8 },
    {
      target: "alerting scan rps >= 0.5 x one-read rps",
      ratio: alerting.rps / oneRead,
      limit: 0.5,
    },
    {
      target: "issue 10,000 labels <= 3 x raw insert",
      ratio: issueMs / rawMs,
      limit: 3,
      max: true,
    },
    {
      target: "genuine scan p99 <= 3 x p50",
      ratio: genuine.p99 / genuine.p50,
      limit: 3,
      max: true,
    },
  ].map((t) => ({ ...t, pass: t.max ? t.ratio <= t.limit : t.ratio >= t.limit }));
  const failures = rows.filter((r) => r.errors > 0 || r.s5xx > 0);
  const unexpectedNon2xx = rows.filter((r) => r.non2xx > 0);
  targets.push({
    target: "no errors and no 5xx in any scenario",
    ratio: failures.length,
    limit: 0,
    max: true,
    pass: failures.length === 0,
  });

  const table = [
    "| scenario | req/s (median of 3) | p50 ms | p99 ms | errors | non-2xx |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`,
    ),
    "",
    "| timed single request | run 1 ms | run 2 ms | run 3 ms | median ms |",
    "|---|---:|---:|---:|---:|",
    ...timed.map(
      (t) =>
        `| ${t.scenario} | ${t.ms.map((m) => m.toFixed(0)).join(" | ")} | ${t.median_ms.toFixed(0)} |`,
    ),
  ].join("\n");
  console.log(`\n${table}\n`);
  for (const t of targets) {
    console.log(
      `${t.pass ? "PASS" : "FAIL"}  ${t.target}: ${t.ratio.toFixed(2)} (limit ${t.limit})`,
    );
  }
  if (unexpectedNon2xx.length) {
    console.log(`non-2xx in: ${unexpectedNon2xx.map((r) => r.scenario).join("; ")}`);
  }
  const storage = {
    scan_rows: scanStats?.n ?? null,
    scan_bytes_sum_of_lengths: scanStats?.bytes ?? null,
    bytes_per_scan_row:
      scanStats?.n && scanStats.bytes ? Math.round(scanStats.bytes / scanStats.n) : null,
    database_file_bytes: pageStats?.bytes ?? null,
  };
  console.log(`storage: ${JSON.stringify(storage)}`);
  mkdirSync("bench", { recursive: true });
  writeFileSync(
    "bench/results.json",
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        connections: CONNECTIONS,
        duration_s: DURATION_S,
        runs: RUNS,
        scenarios: rows,
        timed,
        targets,
        storage,
        total_s: (Date.now() - started) / 1000,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`bench: wrote bench/results.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} finally {
  await mf.dispose();
  rmSync(tmp, { recursive: true, force: true });
}
