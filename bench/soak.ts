// `npm run soak`: a bounded load test with mixed traffic against the local server of the bench
// (bench/local-server.ts: the built worker under Miniflare on 127.0.0.1, its own temp D1). It runs
// SOAK_CONNECTIONS concurrent clients (default 32) for SOAK_DURATION seconds (default 60), each
// picking a weighted request kind (genuine, copied, forged, /v/ and Digital Link scans, reports,
// public and authenticated reads, label issuance, logins), records every answer, waits until the
// database is quiet, then checks the stored state in D1 directly: every accepted scan stored with
// the verdict it was answered, counters that match the rows, the label quota, no duplicate alerts.
// Prints PASS/FAIL per check and a table, writes bench/soak-results.json, exits 1 on any FAIL.
// Not part of `npm test`. Everything it starts is stopped at the end, also on failure.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { gtinCheckDigit } from "../src/lib/gtin.ts";
import { newId } from "../src/lib/ids.ts";
import { hashPassword } from "../src/lib/password.ts";
import { counterRecountChecks } from "./counter-recount.ts";
import { type D1, type LocalServer, PASSWORD, startLocalServer } from "./local-server.ts";

const DURATION_S = Number(process.env.SOAK_DURATION ?? 60);
/** How the worker writes scans (SCAN_INGEST): direct (default) or queue. */
const INGEST = process.env.SOAK_INGEST === "queue" ? "queue" : "direct";
/** With SOAK_SCAN_DATABASES=1, the producer's scans go to a database of Zhejiang's (queue mode). */
const SPLIT = process.env.SOAK_SCAN_DATABASES === "1";
if (SPLIT && INGEST !== "queue") throw new Error("SOAK_SCAN_DATABASES=1 needs SOAK_INGEST=queue");
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 32);
const GENUINE_LABELS = 3000;
const LINK_LABELS = 1000;
const HOT_LABELS = 8;
const ISSUE_BATCHES = 4;
/** Annual quota of the authorization that issuance under load draws on (reached in a default run). */
const ISSUE_QUOTA = 3000;
const PROBER_CLIENTS = 2;
/** The probers' addresses: 203.0.113.1, .2, … (TEST-NET-3). */
const PROBER_NET = "203.0.113.";
const REQUEST_TIMEOUT_MS = 15_000;
const QUIET_MAX_S = 30;
/** Equal signatures one second apart that make the database quiet (a queue batch waits 1 s). */
const QUIET_SAMPLES = INGEST === "queue" ? 3 : 1;
const started = Date.now();

// Weights of the request kinds (percent of requests).
const KINDS = {
  scan_genuine: 28,
  scan_hot: 8,
  scan_forged: 10,
  scan_v_url: 8,
  scan_digital_link: 8,
  report: 4,
  gi_products: 5,
  gi_product: 5,
  healthz: 4,
  batches: 4,
  alerts: 4,
  scans_list: 4,
  issue_labels: 4,
  login: 4,
} as const;
type Kind = keyof typeof KINDS;
const SCAN_KINDS: Kind[] = [
  "scan_genuine",
  "scan_hot",
  "scan_forged",
  "scan_v_url",
  "scan_digital_link",
];
/** Statuses that are a correct answer; 429 (rate limited) and 422 quota_exceeded are "refused". */
const EXPECTED: Record<Kind, number[]> = {
  scan_genuine: [200],
  scan_hot: [200],
  scan_forged: [200],
  scan_v_url: [200],
  scan_digital_link: [200],
  report: [201],
  gi_products: [200],
  gi_product: [200],
  healthz: [200],
  batches: [200],
  alerts: [200],
  scans_list: [200],
  issue_labels: [201],
  login: [200],
};
const REFUSED: Record<Kind, number[]> = Object.fromEntries(
  Object.keys(KINDS).map((k) => [k, k === "issue_labels" ? [429, 422] : [429]]),
) as Record<Kind, number[]>;

type ScanAnswer = {
  requestId: string;
  kind: Kind;
  /** The label the request concerned (null for forged codes). */
  code: string | null;
  verdict: string;
  scanCount: number | null;
};
/** A scan answered 5xx or not at all: its row, if any, was stored for an answer nobody saw. */
type ScanFailure = { requestId: string; kind: Kind; code: string | null; status: number };
/** `at`: seconds into the run when the answer came. */
type Sample = { kind: Kind; status: number; ms: number; at: number };

const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)] as T;
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** The code with its last four characters changed: a well-formed code whose tag does not verify. */
const forge = (code: string) => {
  const tail = code.slice(-4);
  let forged = tail;
  while (forged === tail) forged = Array.from({ length: 4 }, () => pick([...alphabet])).join("");
  return `${code.slice(0, -4)}${forged}`;
};
const percentile = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number) : 0;

let server: LocalServer | undefined;
let exitCode = 0;
// Bounded whatever happens: a stuck run is stopped, with everything it started.
const watchdogMs = Math.max(180, DURATION_S + 150) * 1000;
const watchdog = setTimeout(async () => {
  console.error(`soak: watchdog: still running after ${watchdogMs / 1000} s, stopping`);
  await server?.dispose().catch(() => undefined);
  process.exit(2);
}, watchdogMs);
watchdog.unref();
process.once("SIGINT", async () => {
  await server?.dispose().catch(() => undefined);
  process.exit(130);
});

try {
  server = await startLocalServer({ name: "soak", scanIngest: INGEST, scanDatabases: SPLIT });
  console.log(
    `soak: scans written ${INGEST === "queue" ? "by the queue consumer" : "in the request"}${SPLIT ? ", the producer's in SCANS_DB_33" : ""}`,
  );
  const { d1, login, releasedBatch, issueLabels, origin, seed } = server;

  // ---- extra seed: a regulator for Zhoushan, an authorization with an annual quota --------
  console.log("soak: seeding…");
  const quotaAuthId = newId("auth");
  const hash = await hashPassword(PASSWORD);
  await d1.batch([
    d1
      .prepare(
        "INSERT INTO users (id, email, password_hash, role, display_name, region_codes) VALUES (?, 'regulator@bench.local', ?, 'regulator', 'Soak regulator', '[\"330900\"]')",
      )
      .bind(newId("usr"), hash),
    d1
      .prepare(
        "INSERT INTO authorizations (id, number, organization_id, gi_product_id, valid_from, valid_until, annual_label_quota) VALUES (?, 'GIA-2026-SOAKQ1', ?, ?, '2026-01-01', '2030-12-31', ?)",
      )
      .bind(quotaAuthId, seed.orgId, seed.productId, ISSUE_QUOTA),
  ]);
  const tokens = {
    producer: server.producer,
    admin: await login(seed.adminEmail),
    regulator: await login("regulator@bench.local"),
  };

  const genuineBatch = await releasedBatch();
  const genuine = await issueLabels(genuineBatch, GENUINE_LABELS);
  const gtin13 = "0690123456789";
  const linkBatch = await releasedBatch({ gtin: `${gtin13}${gtinCheckDigit(gtin13)}` });
  const linked = await issueLabels(linkBatch, LINK_LABELS);
  if (!linked[0]?.url.includes("/01/")) throw new Error(`not a Digital Link: ${linked[0]?.url}`);
  const hotBatch = await releasedBatch();
  const hot = await issueLabels(hotBatch, HOT_LABELS);
  const issueBatches: string[] = [];
  for (let i = 0; i < ISSUE_BATCHES; i++) {
    issueBatches.push(await releasedBatch({ authorizationId: quotaAuthId }));
  }
  const probers = Array.from(
    { length: PROBER_CLIENTS },
    (_, i) => `soak-prober-${i}-${randomUUID()}`,
  );
  const baseline = await d1
    .prepare(
      "SELECT (SELECT count(*) FROM scans) AS scans, (SELECT count(*) FROM reports) AS reports",
    )
    .first<{ scans: number; reports: number }>();
  if (!baseline) throw new Error("no baseline");

  // ---- the run ---------------------------------------------------------------------------
  const samples: Sample[] = [];
  const scanAnswers: ScanAnswer[] = [];
  const scanFailures: ScanFailure[] = [];
  const networkErrors: { kind: Kind; error: string }[] = [];
  const unexpected: { kind: Kind; status: number; body: string }[] = [];
  let shoppersRefused = 0;
  let issuedUnderLoad = 0;
  let reportsCreated = 0;
  let seq = 0;

  const table = Object.entries(KINDS) as [Kind, number][];
  const totalWeight = table.reduce((n, [, w]) => n + w, 0);
  const chooseKind = (): Kind => {
    let r = Math.random() * totalWeight;
    for (const [kind, w] of table) {
      r -= w;
      if (r < 0) return kind;
    }
    return "healthz";
  };
  const near = () => ({ lat: 29.9 + Math.random() * 0.2, lng: 122.1 + Math.random() * 0.2 });

  type Planned = {
    path: string;
    method?: string;
    token?: string;
    body?: unknown;
    code?: string | null;
    /** The connecting address (CF-Connecting-IP): the scan rate limit counts per address. */
    address?: string;
  };
  // Shoppers' phones behind many addresses; each prober behind its own, so probers run into
  // the rate limit and shoppers do not.
  const phoneAddress = () =>
    `100.64.${Math.floor(Math.random() * 64)}.${1 + Math.floor(Math.random() * 250)}`;
  const proberAddress = (prober: string) => `${PROBER_NET}${1 + probers.indexOf(prober)}`;
  const plan = (kind: Kind): Planned => {
    const client_id = `soak-${randomUUID()}`;
    const address = phoneAddress();
    switch (kind) {
      case "scan_genuine": {
        const label = pick(genuine);
        // Most scans with the phone's GPS near the port, some without any location.
        const where = Math.random() < 0.8 ? near() : {};
        return {
          path: "/v1/scans",
          body: { code: label.code, client_id, ...where },
          code: label.code,
          address,
        };
      }
      case "scan_hot": {
        // Copied codes: a few labels scanned by many clients, some far away (Jinan).
        const label = pick(hot);
        const where = Math.random() < 0.2 ? { lat: 36.65, lng: 117.12 } : near();
        return {
          path: "/v1/scans",
          body: { code: label.code, client_id, ...where },
          code: label.code,
          address,
        };
      }
      case "scan_forged": {
        const r = Math.random();
        const code =
          r < 0.5
            ? forge(pick(genuine).code)
            : r < 0.75
              ? Array.from({ length: 21 }, () => pick([...alphabet])).join("")
              : `https://gi-trace.dev/v/${forge(pick(genuine).code)}`;
        const body = code.startsWith("https://") ? { url: code } : { code };
        // A few probing clients send many forged codes (forged_code bursts, rate limiter).
        const prober = Math.random() < 0.3 ? pick(probers) : null;
        return {
          path: "/v1/scans",
          body: { ...body, client_id: prober ?? client_id, ...near() },
          code: null,
          address: prober ? proberAddress(prober) : address,
        };
      }
      case "scan_v_url": {
        const label = pick(genuine);
        return {
          path: "/v1/scans",
          body: { url: label.url, client_id, ...near() },
          code: label.code,
          address,
        };
      }
      case "scan_digital_link": {
        const label = pick(linked);
        return {
          path: "/v1/scans",
          body: { url: label.url, client_id, ...near() },
          code: label.code,
          address,
        };
      }
      case "report": {
        const r = Math.random();
        const code = r < 0.5 ? pick(genuine).code : r < 0.8 ? pick(hot).code : undefined;
        return {
          path: "/v1/reports",
          body: {
            ...(code ? { code } : {}),
            description: `包装印刷模糊，价格明显偏低 (soak ${seq})`,
            client_id,
            ...near(),
          },
          address,
        };
      }
      case "gi_products":
        return { path: "/v1/gi-products?q=带鱼" };
      case "gi_product":
        return { path: `/v1/gi-products/${seed.productId}` };
      case "healthz":
        return { path: "/healthz" };
      case "batches":
        return { path: "/v1/batches?limit=20", token: tokens.producer };
      case "alerts":
        return {
          path: "/v1/alerts?limit=20",
          token: Math.random() < 0.5 ? tokens.regulator : tokens.admin,
        };
      case "scans_list":
        return Math.random() < 0.5
          ? { path: "/v1/scans?limit=50", token: tokens.regulator }
          : { path: `/v1/scans?label_code=${pick(hot).code}&limit=50`, token: tokens.admin };
      case "issue_labels":
        return {
          path: `/v1/batches/${pick(issueBatches)}/labels`,
          token: tokens.producer,
          body: { count: 1 + Math.floor(Math.random() * 25) },
        };
      case "login":
        return {
          path: "/v1/auth/login",
          body: {
            email: `admin-${Math.floor(Math.random() * seed.loginAccounts)}@bench.local`,
            password: PASSWORD,
          },
        };
    }
  };

  let runStart = performance.now();
  const since = () => (performance.now() - runStart) / 1000;
  const one = async (kind: Kind) => {
    seq += 1;
    const requestId = `soak-${seq}-${randomUUID()}`;
    const p = plan(kind);
    const t0 = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${origin}${p.path}`, {
        method: p.method ?? (p.body === undefined ? "GET" : "POST"),
        headers: {
          "content-type": "application/json",
          "x-request-id": requestId,
          ...(p.token ? { authorization: `Bearer ${p.token}` } : {}),
          ...(p.address ? { "cf-connecting-ip": p.address } : {}),
        },
        body: p.body === undefined ? undefined : JSON.stringify(p.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await res.text();
    } catch (error) {
      networkErrors.push({ kind, error: String((error as Error)?.message ?? error) });
      samples.push({ kind, status: 0, ms: performance.now() - t0, at: since() });
      if (SCAN_KINDS.includes(kind)) {
        scanFailures.push({ requestId, kind, code: p.code ?? null, status: 0 });
      }
      return;
    }
    samples.push({ kind, status: res.status, ms: performance.now() - t0, at: since() });
    if (SCAN_KINDS.includes(kind) && res.status >= 500) {
      scanFailures.push({ requestId, kind, code: p.code ?? null, status: res.status });
    }
    if (!EXPECTED[kind].includes(res.status) && !REFUSED[kind].includes(res.status)) {
      unexpected.push({ kind, status: res.status, body: text.slice(0, 300) });
      return;
    }
    // The scan limit counts per connecting address: a shopper's phone is never refused.
    if (SCAN_KINDS.includes(kind) && res.status === 429 && !p.address?.startsWith(PROBER_NET)) {
      shoppersRefused += 1;
    }
    if (res.status === 422 && !text.includes("quota_exceeded")) {
      unexpected.push({ kind, status: res.status, body: text.slice(0, 300) });
    }
    if (SCAN_KINDS.includes(kind) && res.status === 200) {
      const body = JSON.parse(text) as { verdict: string; scan_count?: number };
      scanAnswers.push({
        requestId: res.headers.get("x-request-id") ?? requestId,
        kind,
        code: body.verdict === "invalid" ? null : (p.code ?? null),
        verdict: body.verdict,
        scanCount: body.scan_count ?? null,
      });
    } else if (kind === "issue_labels" && res.status === 201) {
      issuedUnderLoad += (JSON.parse(text) as { labels: unknown[] }).labels.length;
    } else if (kind === "report" && res.status === 201) {
      reportsCreated += 1;
    }
  };

  console.log(
    `soak: ${CONNECTIONS} connections for ${DURATION_S} s against ${origin} (${GENUINE_LABELS} + ${LINK_LABELS} + ${HOT_LABELS} labels)…`,
  );
  runStart = performance.now();
  const deadline = runStart + DURATION_S * 1000;
  const progress = setInterval(() => {
    const s = (performance.now() - runStart) / 1000;
    console.log(`soak: ${s.toFixed(0)} s, ${samples.length} requests`);
  }, 15_000);
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) await one(chooseKind());
    }),
  );
  clearInterval(progress);
  const runSeconds = (performance.now() - runStart) / 1000;

  // ---- wait until the database is quiet (scan writes may be deferred) ---------------------
  const signature = async () =>
    JSON.stringify(
      (await server?.scansD1?.prepare("SELECT count(*) AS n FROM scans").first()) ?? null,
    ) +
    JSON.stringify(
      await d1
        .prepare(
          `SELECT (SELECT count(*) FROM scans) AS scans, (SELECT count(*) FROM reports) AS reports,
             (SELECT count(*) FROM alerts) AS alerts, (SELECT coalesce(sum(count), 0) FROM alerts) AS alert_hits,
             (SELECT coalesce(sum(scan_count), 0) FROM labels) AS label_scans,
             (SELECT coalesce(sum(labels_scanned + labels_flagged), 0) FROM batches) AS batch_counters`,
        )
        .first(),
    );
  const quietStart = performance.now();
  let previous = await signature();
  let quiet = false;
  let same = 0;
  while (performance.now() - quietStart < QUIET_MAX_S * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const current = await signature();
    same = current === previous ? same + 1 : 0;
    if (same >= QUIET_SAMPLES) {
      quiet = true;
      break;
    }
    previous = current;
  }
  const quietSeconds = (performance.now() - quietStart) / 1000;
  console.log(`soak: database ${quiet ? "quiet" : "NOT quiet"} after ${quietSeconds.toFixed(1)} s`);

  // ---- checks ----------------------------------------------------------------------------
  type Check = { check: string; pass: boolean; detail: string };
  const checks: Check[] = [];
  const check = (name: string, pass: boolean, detail: string) => {
    checks.push({ check: name, pass, detail });
  };
  if (server.scansD1) {
    // The checks below read one scans table: the province's rows join the registry's for them.
    const routed = await copyProvinceScans(server.scansD1, d1);
    const registryLabelScans =
      (
        await d1
          .prepare(
            "SELECT count(*) AS n FROM scans WHERE label_code IS NOT NULL AND id NOT IN (SELECT scan_id FROM scan_ledger)",
          )
          .first<{ n: number }>()
      )?.n ?? 0;
    const ledger =
      (await d1.prepare("SELECT count(*) AS n FROM scan_ledger").first<{ n: number }>())?.n ?? 0;
    check(
      "0. every scan of the producer's labels in SCANS_DB_33, one ledger entry each, none in the registry",
      routed > 0 && routed === ledger && registryLabelScans === 0,
      `${routed} rows in SCANS_DB_33, ${ledger} ledger entries, ${registryLabelScans} label scans in the registry`,
    );
  }
  const all = async <T>(sql: string, ...params: unknown[]) =>
    (
      await d1
        .prepare(sql)
        .bind(...params)
        .all<T>()
    ).results;
  const count = async (sql: string, ...params: unknown[]) =>
    (
      await d1
        .prepare(sql)
        .bind(...params)
        .first<{ n: number }>()
    )?.n ?? 0;

  const failedSamples = samples.filter((s) => s.status >= 500);
  const s5xx = failedSamples.length;
  const first5xx = unexpected.find((u) => u.status >= 500);
  check(
    "1. no 5xx and no network errors",
    s5xx === 0 && networkErrors.length === 0,
    `${s5xx} 5xx${s5xx ? ` (${[...new Set(failedSamples.map((f) => f.kind))].join(", ")}; from ${failedSamples[0]?.at.toFixed(1)} s to ${failedSamples[s5xx - 1]?.at.toFixed(1)} s into the run; first body: ${first5xx?.body.slice(0, 120)})` : ""}, ${networkErrors.length} network errors${networkErrors.length ? ` (first: ${networkErrors[0]?.kind}: ${networkErrors[0]?.error})` : ""}`,
  );
  const unexpected4xx = unexpected.filter((u) => u.status < 500);
  check(
    "1b. no unexpected 4xx (429 and 422 quota_exceeded are refusals)",
    unexpected4xx.length === 0,
    `${unexpected4xx.length}${unexpected4xx.length ? ` (first: ${unexpected4xx[0]?.kind} ${unexpected4xx[0]?.status} ${unexpected4xx[0]?.body})` : ""}`,
  );
  check("1c. database quiet before the checks", quiet, `${quietSeconds.toFixed(1)} s`);
  const proberRefused = samples.filter(
    (x) => SCAN_KINDS.includes(x.kind) && x.status === 429,
  ).length;
  check(
    "1d. the scan rate limit refuses probers only, never a shopper's phone",
    shoppersRefused === 0,
    `${shoppersRefused} shoppers' scans refused; ${proberRefused - shoppersRefused} probers' scans refused`,
  );

  // 2. every accepted scan is stored
  const scanRows = await all<{
    request_id: string | null;
    label_code: string | null;
    verdict: string;
  }>("SELECT request_id, label_code, verdict FROM scans");
  const storedScans = scanRows.length - baseline.scans;
  check(
    "2a. scans rows == scans answered 200",
    storedScans === scanAnswers.length,
    `${storedScans} rows (baseline ${baseline.scans}), ${scanAnswers.length} answers`,
  );
  const rowsByRequest = new Map<string, { label_code: string | null; verdict: string }[]>();
  for (const row of scanRows) {
    const key = row.request_id ?? "";
    rowsByRequest.set(key, [...(rowsByRequest.get(key) ?? []), row]);
  }
  const answered = new Set(scanAnswers.map((a) => a.requestId));
  const missing = scanAnswers.filter((a) => !rowsByRequest.has(a.requestId));
  const doubled = scanAnswers.filter((a) => (rowsByRequest.get(a.requestId)?.length ?? 0) > 1);
  const orphan = scanRows.filter((r) => !answered.has(r.request_id ?? ""));
  const failedIds = new Map(scanFailures.map((f) => [f.requestId, f]));
  const orphanOfFailed = orphan.filter((r) => failedIds.has(r.request_id ?? ""));
  check(
    "2b. each answered scan has exactly one row (by request id), no rows without an answer",
    missing.length === 0 && doubled.length === 0 && orphan.length === 0,
    `${missing.length} missing, ${doubled.length} stored twice, ${orphan.length} rows not answered 200 (${orphanOfFailed.length} of them answered 5xx or not at all; ${scanFailures.length} scans failed in all)`,
  );
  const answersPerLabel = new Map<string, number>();
  for (const a of scanAnswers) {
    if (a.code) answersPerLabel.set(a.code, (answersPerLabel.get(a.code) ?? 0) + 1);
  }
  const rowsPerLabel = new Map<string, number>();
  for (const r of scanRows) {
    if (r.label_code) rowsPerLabel.set(r.label_code, (rowsPerLabel.get(r.label_code) ?? 0) + 1);
  }
  const labelMismatch = [...new Set([...answersPerLabel.keys(), ...rowsPerLabel.keys()])].filter(
    (code) => (answersPerLabel.get(code) ?? 0) !== (rowsPerLabel.get(code) ?? 0),
  );
  check(
    "2c. per label: answers == scans rows",
    labelMismatch.length === 0,
    `${answersPerLabel.size} labels scanned, ${labelMismatch.length} mismatching${labelMismatch.length ? ` (e.g. ${labelMismatch[0]}: ${answersPerLabel.get(labelMismatch[0] as string) ?? 0} answers, ${rowsPerLabel.get(labelMismatch[0] as string) ?? 0} rows)` : ""}`,
  );
  const invalidAnswers = scanAnswers.filter((a) => a.verdict === "invalid").length;
  const invalidRows = scanRows.filter((r) => r.verdict === "invalid").length;
  check(
    "2d. invalid answers == scans rows with verdict invalid",
    invalidAnswers === invalidRows,
    `${invalidAnswers} answers, ${invalidRows} rows`,
  );
  const storedReports = (await count("SELECT count(*) AS n FROM reports")) - baseline.reports;
  check(
    "2e. reports rows == reports answered 201",
    storedReports === reportsCreated,
    `${storedReports} rows, ${reportsCreated} answers`,
  );

  // 3. counters match the rows
  const labelCounters = await all<{ code: string; scan_count: number; n: number }>(
    `SELECT l.code, l.scan_count, count(s.id) AS n FROM labels l LEFT JOIN scans s ON s.label_code = l.code
     GROUP BY l.code HAVING l.scan_count != count(s.id)`,
  );
  check(
    "3a. labels.scan_count == scans rows, every label",
    labelCounters.length === 0,
    `${await count("SELECT count(*) AS n FROM labels")} labels, ${labelCounters.length} mismatching${labelCounters[0] ? ` (e.g. ${labelCounters[0].code}: scan_count ${labelCounters[0].scan_count}, ${labelCounters[0].n} rows)` : ""}`,
  );
  const batchCounters = await all<{
    id: string;
    labels_scanned: number;
    labels_flagged: number;
    scanned: number;
    flagged: number;
  }>(
    `SELECT b.id, b.labels_scanned, b.labels_flagged,
       (SELECT count(*) FROM labels l WHERE l.batch_id = b.id AND l.scan_count > 0) AS scanned,
       (SELECT count(*) FROM labels l WHERE l.batch_id = b.id AND l.flagged_by_scan IS NOT NULL) AS flagged
     FROM batches b`,
  );
  const badBatches = batchCounters.filter(
    (b) => b.labels_scanned !== b.scanned || b.labels_flagged !== b.flagged,
  );
  check(
    "3b. batches.labels_scanned / labels_flagged == labels scanned / flagged",
    badBatches.length === 0,
    `${batchCounters.length} batches, ${badBatches.length} mismatching; ${batchCounters
      .filter((b) => b.scanned > 0)
      .map(
        (b) => `${b.labels_scanned}/${b.scanned} scanned, ${b.labels_flagged}/${b.flagged} flagged`,
      )
      .join("; ")}`,
  );

  // Scan and alert counters (statistics are read from them): equal to a recount of the rows.
  const counterDiffs: string[] = [];
  let counterRows = 0;
  const recounts = counterRecountChecks();
  for (const { table, sql } of recounts) {
    const row = await d1.prepare(sql).first<{ differ: number; counters: number }>();
    counterRows += row?.counters ?? 0;
    if (row?.differ !== 0) counterDiffs.push(`${table}: ${row?.differ} rows differ`);
  }
  check(
    "3c. every scan counter table == a recount of the scans rows, alert_counters of the alerts rows",
    counterDiffs.length === 0,
    `${counterRows} counter rows in ${recounts.length} tables; ${counterDiffs.join("; ") || "0 differing"}`,
  );

  // Statistics: the admin's and the regulator's overview of today == the rows of today.
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const overviewMismatch: string[] = [];
  for (const [role, token, scope] of [
    ["admin", tokens.admin, "1"],
    [
      "regulator",
      tokens.regulator,
      "(region_code LIKE '3309%' OR organization_id IN (SELECT id FROM organizations WHERE region_code LIKE '3309%'))",
    ],
  ] as const) {
    const res = await fetch(`${origin}/v1/stats/overview?from=${today}&to=${today}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as {
      totals: { scans: number; flagged_scans: number };
      verdict_mix: Record<string, number>;
    };
    const rowsToday = await all<{ verdict: string; n: number }>(
      `SELECT verdict, count(*) AS n FROM scans WHERE date(scanned_at, '+8 hours') = ? AND ${scope} GROUP BY verdict`,
      today,
    );
    const total = rowsToday.reduce((sum, r) => sum + r.n, 0);
    const mixDiffers = rowsToday.some((r) => (body.verdict_mix?.[r.verdict] ?? 0) !== r.n);
    if (res.status !== 200 || body.totals.scans !== total || mixDiffers) {
      overviewMismatch.push(
        `${role}: ${res.status}, ${body.totals?.scans} scans answered, ${total} rows`,
      );
    }
  }
  check(
    "3d. GET /v1/stats/overview (admin, regulator) == the rows of the day",
    overviewMismatch.length === 0,
    overviewMismatch.join("; ") || "admin and regulator equal",
  );

  // 4. the stored verdict is the answered one
  const wrongVerdict = scanAnswers.filter((a) => {
    const row = rowsByRequest.get(a.requestId)?.[0];
    return row && (row.verdict !== a.verdict || row.label_code !== a.code);
  });
  const verdictsPerLabel = (items: { code: string | null; verdict: string }[]) => {
    const m = new Map<string, number>();
    for (const i of items) {
      const key = `${i.code ?? "-"} ${i.verdict}`;
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    return m;
  };
  const answeredVerdicts = verdictsPerLabel(scanAnswers);
  // Rows of answered scans only: rows without an answer are counted by 2a/2b.
  const storedVerdicts = verdictsPerLabel(
    scanRows
      .filter((r) => answered.has(r.request_id ?? ""))
      .map((r) => ({ code: r.label_code, verdict: r.verdict })),
  );
  const verdictMismatch = [
    ...new Set([...answeredVerdicts.keys(), ...storedVerdicts.keys()]),
  ].filter((k) => answeredVerdicts.get(k) !== storedVerdicts.get(k));
  check(
    "4. stored verdict and label == answered (by request id; and counts per label and verdict)",
    wrongVerdict.length === 0 && verdictMismatch.length === 0,
    `${wrongVerdict.length} rows differ, ${verdictMismatch.length} (label, verdict) counts differ`,
  );

  // 5. label issuance and the quota
  const usage = await all<{
    authorization_id: string;
    year: number;
    issued: number;
    quota: number | null;
  }>("SELECT authorization_id, year, issued, quota FROM authorization_label_usage");
  const overQuota = usage.filter((u) => u.quota !== null && u.issued > u.quota);
  const quotaUsage = usage.find((u) => u.authorization_id === quotaAuthId);
  const quotaLabels = await count(
    "SELECT count(*) AS n FROM labels WHERE batch_id IN (SELECT id FROM batches WHERE authorization_id = ?)",
    quotaAuthId,
  );
  const usageMismatch = [];
  for (const u of usage) {
    const rows = await count(
      "SELECT count(*) AS n FROM labels WHERE batch_id IN (SELECT id FROM batches WHERE authorization_id = ?)",
      u.authorization_id,
    );
    if (rows !== u.issued)
      usageMismatch.push(`${u.authorization_id}: issued ${u.issued}, ${rows} rows`);
  }
  const labelCountMismatch = await count(
    "SELECT count(*) AS n FROM batches b WHERE b.label_count != (SELECT count(*) FROM labels l WHERE l.batch_id = b.id)",
  );
  check(
    "5. issuance within the quota; issued == answered == label rows",
    overQuota.length === 0 &&
      usageMismatch.length === 0 &&
      labelCountMismatch === 0 &&
      quotaLabels === issuedUnderLoad,
    `quota ${ISSUE_QUOTA}: issued ${quotaUsage?.issued ?? 0}, ${issuedUnderLoad} answered 201, ${quotaLabels} rows; ${overQuota.length} over quota; ${usageMismatch.length} usage != rows${usageMismatch.length ? ` (${usageMismatch[0]})` : ""}; ${labelCountMismatch} batches with label_count != rows`,
  );

  // 6. alerts: one open alert per subject and rule within the cooldown
  const duplicates = await all<{
    subject_type: string;
    subject_id: string;
    rule: string;
    n: number;
  }>(
    `SELECT subject_type, subject_id, rule, count(*) AS n FROM alerts
     WHERE status NOT IN ('confirmed', 'dismissed') GROUP BY subject_type, subject_id, rule HAVING count(*) > 1`,
  );
  const alertRules = await all<{ rule: string; n: number; hits: number }>(
    "SELECT rule, count(*) AS n, sum(count) AS hits FROM alerts GROUP BY rule ORDER BY rule",
  );
  check(
    "6. no duplicate open alerts (subject_type, subject_id, rule) within the cooldown",
    duplicates.length === 0,
    `${alertRules.map((r) => `${r.rule}: ${r.n} alerts, ${r.hits} hits`).join("; ") || "no alerts"}; ${duplicates.length} duplicated${duplicates[0] ? ` (e.g. ${duplicates[0].subject_type} ${duplicates[0].subject_id} ${duplicates[0].rule} x${duplicates[0].n})` : ""}`,
  );

  // Information: with the write in the request, the scan_count answered for a label runs 1..n;
  // through the queue, scans answered before the consumer wrote the previous ones repeat a count.
  const countsPerLabel = new Map<string, number[]>();
  for (const a of scanAnswers) {
    if (a.code && a.scanCount !== null) {
      countsPerLabel.set(a.code, [...(countsPerLabel.get(a.code) ?? []), a.scanCount]);
    }
  }
  const labelsWithFailures = new Set(scanFailures.map((f) => f.code));
  const notSequential = [...countsPerLabel.entries()].filter(([code, xs]) => {
    if (labelsWithFailures.has(code)) return false;
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted.some((x, i) => x !== i + 1);
  }).length;

  // ---- report ----------------------------------------------------------------------------
  const rows = (Object.keys(KINDS) as Kind[]).map((kind) => {
    const mine = samples.filter((s) => s.kind === kind);
    const ms = mine.map((s) => s.ms).sort((a, b) => a - b);
    const statusCodes: Record<string, number> = {};
    for (const s of mine) statusCodes[s.status] = (statusCodes[s.status] ?? 0) + 1;
    return {
      kind,
      count: mine.length,
      rps: mine.length / runSeconds,
      p50: percentile(ms, 0.5),
      p99: percentile(ms, 0.99),
      statusCodes,
    };
  });
  const allMs = samples.map((s) => s.ms).sort((a, b) => a - b);
  // When each status code was first and last answered (seconds into the run).
  const statusTimes: Record<string, { first_s: number; last_s: number }> = {};
  for (const s of samples) {
    const t = statusTimes[s.status];
    const at = Math.round(s.at * 10) / 10;
    statusTimes[s.status] = t
      ? { first_s: Math.min(t.first_s, at), last_s: Math.max(t.last_s, at) }
      : { first_s: at, last_s: at };
  }
  const totalCodes: Record<string, number> = {};
  for (const s of samples) totalCodes[s.status] = (totalCodes[s.status] ?? 0) + 1;
  const codes = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, v]) => `${k === "0" ? "network error" : k}: ${v}`)
      .join(", ");
  const verdictCounts: Record<string, Record<string, number>> = {};
  for (const a of scanAnswers) {
    verdictCounts[a.kind] ??= {};
    const v = verdictCounts[a.kind] as Record<string, number>;
    v[a.verdict] = (v[a.verdict] ?? 0) + 1;
  }
  const markdown = [
    "| kind | weight % | requests | req/s | p50 ms | p99 ms | status codes |",
    "|---|---:|---:|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.kind} | ${KINDS[r.kind]} | ${r.count} | ${r.rps.toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${codes(r.statusCodes)} |`,
    ),
    `| **total** | 100 | ${samples.length} | ${(samples.length / runSeconds).toFixed(1)} | ${percentile(allMs, 0.5).toFixed(0)} | ${percentile(allMs, 0.99).toFixed(0)} | ${codes(totalCodes)} |`,
  ].join("\n");
  console.log(`\n${markdown}\n`);
  console.log(
    `verdicts: ${Object.entries(verdictCounts)
      .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
      .join("; ")}`,
  );
  console.log(
    `status codes first–last answered at: ${Object.entries(statusTimes)
      .map(
        ([k, t]) =>
          `${k === "0" ? "network error" : k} ${t.first_s.toFixed(1)}–${t.last_s.toFixed(1)} s`,
      )
      .join(", ")}`,
  );
  console.log(
    `info: ${notSequential} of ${countsPerLabel.size} labels (those without failed scans) answered a scan_count sequence other than 1..n`,
  );
  for (const c of checks) console.log(`${c.pass ? "PASS" : "FAIL"}  ${c.check}: ${c.detail}`);
  const failed = checks.filter((c) => !c.pass);
  if (failed.length) exitCode = 1;
  mkdirSync("bench", { recursive: true });
  writeFileSync(
    "bench/soak-results.json",
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        ingest: INGEST,
        connections: CONNECTIONS,
        duration_s: DURATION_S,
        run_s: runSeconds,
        quiet_wait_s: quietSeconds,
        weights: KINDS,
        kinds: rows,
        total: {
          count: samples.length,
          rps: samples.length / runSeconds,
          p50: percentile(allMs, 0.5),
          p99: percentile(allMs, 0.99),
          statusCodes: totalCodes,
          statusTimes,
        },
        verdicts: verdictCounts,
        alerts: alertRules,
        scan_count_not_sequential: { labels: notSequential, of: countsPerLabel.size },
        checks,
        unexpected: unexpected.slice(0, 20),
        scan_failures: scanFailures.length,
        network_errors: networkErrors.slice(0, 20),
        total_s: (Date.now() - started) / 1000,
      },
      null,
      2,
    )}\n`,
  );
  console.log(
    `soak: ${failed.length ? `${failed.length} check(s) FAILED` : "all checks passed"}; wrote bench/soak-results.json in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
} catch (error) {
  console.error("soak: failed:", error);
  exitCode = 1;
} finally {
  await server?.dispose();
  clearTimeout(watchdog);
}
process.exit(exitCode);

/** Copies every scan row of `from` into `to`'s scans table; answers how many. */
async function copyProvinceScans(from: D1, to: D1): Promise<number> {
  const { results } = await from.prepare("SELECT * FROM scans").all<Record<string, unknown>>();
  for (let i = 0; i < results.length; i += 200) {
    await to.batch(
      results.slice(i, i + 200).map((row) => {
        const columns = Object.keys(row);
        return to
          .prepare(
            `INSERT INTO scans (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
          )
          .bind(...columns.map((c) => row[c]));
      }),
    );
  }
  return results.length;
}
