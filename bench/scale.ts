// `npm run bench:scale`: how each list, statistic and export grows with the data. Serves the
// built worker under Miniflare (bench/local-server.ts), writes scans straight into its D1 in
// bulk (their counters through the app's own statement, countScanStatement), and times every
// endpoint at each size in SCALE_SIZES (default 10000,1000000 scans; about 0.86 labels and
// 0.0064 alerts per scan, as measured in issue 19), then prints p50, the growth factor from the
// first size to the last and the D1 rows read (the Server-Timing header where the app sends it,
// else "n/a"). Method and figures: bench/README.md, docs/scale.md.
import { writeFileSync } from "node:fs";
import { drizzle } from "drizzle-orm/d1";
import { countScanStatement, scanCountQueries } from "../src/db/queries/scan-counters.ts";
import * as schema from "../src/db/schema.ts";
import { type Statement, statement } from "../src/lib/d1-group-batch.ts";
import { newId } from "../src/lib/ids.ts";
import { hashPassword } from "../src/lib/password.ts";
import { chinaDate } from "../src/lib/risk/time.ts";
import type { AuthUser } from "../src/types.ts";
import { PASSWORD, startLocalServer } from "./local-server.ts";

const SIZES = (process.env.SCALE_SIZES ?? "10000,1000000").split(",").map(Number);
const RUNS = Number(process.env.SCALE_RUNS ?? 15);
const TARGET = 1.5;
const LABELS_PER_SCAN = 0.86;
const ALERTS_PER_SCAN = 0.0064;
/** Scans spread over this many days back from today: about two thirds within the overview's 30. */
const SPREAD_DAYS = 45;
/** A batch whose size stays the same at every scale: the label export of a fixed batch. */
const EXPORT_BATCH_LABELS = 2_000;
const DAY_MS = 86_400_000;

// Producers: the seeded Zhoushan cooperative and a few elsewhere, so region scopes matter.
const ORG_REGIONS = ["330903", "330902", "330100", "440100", "110105", "370102"];
const SCAN_REGIONS = ["330903", "330902", "330921", "330100", "440100", "110105", "370102"];
const BATCHES_PER_ORG = 8;

/** Deterministic pseudo-random numbers, so that two runs write the same data. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let run: (statements: Statement[]) => Promise<number[]> = async () => {
  throw new Error("the writer worker is not up yet");
};

async function inChunks(statements: Statement[], size = 2_000) {
  for (let i = 0; i < statements.length; i += size) await run(statements.slice(i, i + size));
}

/** Multi-row INSERTs of `rows` within D1's 100 bound parameters per statement. */
function insertRows(table: string, columns: string[], rows: unknown[][]): Statement[] {
  const per = Math.floor(100 / columns.length);
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    const values = part.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
    statements.push(
      statement(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values}`, ...part.flat()),
    );
  }
  return statements;
}

// Bulk writes and the rows-read measurement go through a tiny worker bound to the same D1:
// statements cross Miniflare's Node proxy one at a time, a JSON body of them crosses once.
const WRITER_WORKER = `export default {
  async fetch(request, env) {
    const statements = await request.json();
    const results = await env.DB.batch(statements.map((s) => env.DB.prepare(s.sql).bind(...s.params)));
    return Response.json(results.map((r) => r.meta.rows_read));
  },
};`;

const server = await startLocalServer({
  name: "scale",
  loginAccounts: 1,
  d1Workers: { "scale-writer": WRITER_WORKER },
});
try {
  const { seed } = server;
  const writer = await server.mf.getWorker("scale-writer");
  /** Runs `statements` as one D1 batch in the writer worker; answers each one's rows read. */
  run = async (statements: Statement[]) => {
    const res = await writer.fetch("http://writer/", {
      method: "POST",
      body: JSON.stringify(statements),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`writer: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as number[];
  };
  const rand = random(19);
  const hash = await hashPassword(PASSWORD);

  // ---- reference rows ---------------------------------------------------------------------
  const orgs = [{ id: seed.orgId, region: "330903" }];
  for (const [i, region] of ORG_REGIONS.slice(1).entries()) {
    orgs.push({ id: newId("org"), region });
    await run([
      statement(
        "INSERT INTO organizations (id, name, uscc, kind, region_code) VALUES (?, ?, ?, 'cooperative', ?)",
        orgs.at(-1)?.id,
        `规模测试合作社 ${i}`,
        `9333${region}SCALE${i}X`.slice(0, 18),
        region,
      ),
    ]);
  }
  const regulatorEmail = "regulator@bench.local";
  await run([
    statement(
      "INSERT INTO users (id, email, password_hash, role, display_name, region_codes) VALUES (?, ?, ?, 'regulator', 'Bench regulator', '[\"330900\"]')",
      newId("usr"),
      regulatorEmail,
      hash,
    ),
  ]);
  const batches: { id: string; orgId: string; region: string }[] = [];
  const batchRows: unknown[][] = [];
  for (const org of orgs) {
    for (let i = 0; i < BATCHES_PER_ORG; i++) {
      const id = newId("bat");
      batches.push({ id, orgId: org.id, region: org.region });
      batchRows.push([
        id,
        org.id,
        seed.authId,
        seed.siteId,
        `SCALE-${org.region}-${i}`,
        500,
        "kg",
        "2026-11-20T04:30:00.000Z",
        "released",
      ]);
    }
  }
  await inChunks(
    insertRows(
      "batches",
      [
        "id",
        "organization_id",
        "authorization_id",
        "site_id",
        "lot_code",
        "quantity",
        "unit",
        "produced_at",
        "status",
      ],
      batchRows,
    ),
  );
  // The fixed-size export batch, issued through the API so its codes are real.
  const exportBatch = await server.releasedBatch();
  await server.issueLabels(exportBatch, EXPORT_BATCH_LABELS);

  const [admin, regulator] = [
    await server.login(seed.adminEmail),
    await server.login(regulatorEmail),
  ];
  const producer = server.producer;

  // ---- bulk writes ----------------------------------------------------------------------------
  const labels: { code: string; batch: (typeof batches)[number] }[] = [];
  let scansWritten = 0;
  let alertsWritten = 0;
  const today = Date.now();

  async function growTo(scans: number) {
    const labelTarget = Math.round(scans * LABELS_PER_SCAN);
    const labelRows: unknown[][] = [];
    while (labels.length < labelTarget) {
      const batch = batches[Math.floor(rand() * batches.length)] as (typeof batches)[number];
      const code = `S${String(labels.length).padStart(12, "0")}`;
      labels.push({ code, batch });
      labelRows.push([code, batch.id, "1"]);
    }
    await inChunks(insertRows("labels", ["code", "batch_id", "key_id"], labelRows));

    const columns = [
      "id",
      "label_code",
      "batch_id",
      "organization_id",
      "client_key",
      "region_code",
      "verdict",
      "raw_input",
      "scanned_at",
    ];
    while (scansWritten < scans) {
      const n = Math.min(20_000, scans - scansWritten);
      const rows: unknown[][] = [];
      const counters: Statement[] = [];
      for (let i = 0; i < n; i++) {
        const at = new Date(today - Math.floor(rand() * SPREAD_DAYS * DAY_MS)).toISOString();
        const r = rand();
        const verdict =
          r < 0.9
            ? "genuine"
            : r < 0.94
              ? "suspicious"
              : r < 0.96
                ? "counterfeit"
                : r < 0.97
                  ? "warning"
                  : "invalid";
        const label =
          verdict === "invalid" ? null : labels[Math.floor(rand() * labels.length)] || null;
        const region = rand() < 0.1 ? null : SCAN_REGIONS[Math.floor(rand() * SCAN_REGIONS.length)];
        const scan = {
          at,
          organizationId: label?.batch.orgId ?? null,
          batchId: label?.batch.id ?? null,
          regionCode: region ?? null,
          verdict,
        };
        rows.push([
          newId("scn"),
          label?.code ?? null,
          scan.batchId,
          scan.organizationId,
          `k${Math.floor(rand() * 50_000)}`,
          scan.regionCode,
          verdict,
          label ? null : "FORGED",
          at,
        ]);
        counters.push(countScanStatement(scan));
      }
      await inChunks([...insertRows("scans", columns, rows), ...counters], 4_000);
      scansWritten += n;
    }

    const alertTarget = Math.round(scans * ALERTS_PER_SCAN);
    const alertRows: unknown[][] = [];
    const rules = ["many_clients", "impossible_travel", "wide_spread", "voided_label"];
    const statuses = ["new", "new", "acknowledged", "investigating", "confirmed", "dismissed"];
    for (; alertsWritten < alertTarget; alertsWritten++) {
      const label = labels[Math.floor(rand() * labels.length)] as (typeof labels)[number];
      const first = today - Math.floor(rand() * SPREAD_DAYS * DAY_MS);
      const last = Math.min(today, first + Math.floor(rand() * 3 * DAY_MS));
      alertRows.push([
        newId("alr"),
        rules[alertsWritten % rules.length],
        "label",
        label.code,
        label.code,
        label.batch.id,
        label.batch.orgId,
        label.batch.region,
        SCAN_REGIONS[alertsWritten % SCAN_REGIONS.length],
        "high",
        statuses[alertsWritten % statuses.length],
        new Date(first).toISOString(),
        new Date(last).toISOString(),
      ]);
    }
    await inChunks(
      insertRows(
        "alerts",
        [
          "id",
          "rule",
          "subject_type",
          "subject_id",
          "label_code",
          "batch_id",
          "organization_id",
          "region_code",
          "scan_region_code",
          "severity",
          "status",
          "first_seen_at",
          "last_seen_at",
        ],
        alertRows,
      ),
    );
  }

  // ---- endpoints ------------------------------------------------------------------------------
  const year = `?from=${chinaDate(new Date(today - 365 * DAY_MS))}&to=${chinaDate(new Date(today))}`;
  // Without the Server-Timing header, the overview's rows read are measured by running its
  // counter queries (built by the app's scanCountQueries) in the writer worker.
  const sqlOnly = drizzle({} as D1Database, { schema });
  const counterRowsRead = (user: Partial<AuthUser>, days: number) => async () => {
    const to = chinaDate(new Date(today));
    const from = chinaDate(new Date(today - (days - 1) * DAY_MS));
    const statements = scanCountQueries(sqlOnly, user as AuthUser, from, to).map((q) => {
      const { sql, params } = q.toSQL();
      return statement(sql, ...params);
    });
    return (await run(statements)).reduce((a, b) => a + b, 0);
  };
  const endpoints: {
    name: string;
    path: string;
    token: string;
    rowsRead?: () => Promise<number>;
  }[] = [
    {
      name: "stats overview (admin)",
      path: "/v1/stats/overview",
      token: admin,
      rowsRead: counterRowsRead({ role: "admin" }, 30),
    },
    {
      name: "stats overview (regulator)",
      path: "/v1/stats/overview",
      token: regulator,
      rowsRead: counterRowsRead({ role: "regulator", regionCodes: ["330900"] }, 30),
    },
    {
      name: "stats overview (producer)",
      path: "/v1/stats/overview",
      token: producer,
      rowsRead: counterRowsRead({ role: "producer", organizationId: seed.orgId }, 30),
    },
    {
      name: "stats overview, 366 days (admin)",
      path: `/v1/stats/overview${year}`,
      token: admin,
      rowsRead: counterRowsRead({ role: "admin" }, 366),
    },
    { name: "alerts (admin)", path: "/v1/alerts", token: admin },
    { name: "alerts status=new (admin)", path: "/v1/alerts?status=new", token: admin },
    { name: "alerts (regulator)", path: "/v1/alerts", token: regulator },
    { name: "alerts (producer)", path: "/v1/alerts", token: producer },
    { name: "scans (admin)", path: "/v1/scans", token: admin },
    { name: "scans (regulator)", path: "/v1/scans", token: regulator },
    {
      name: "scans verdict=suspicious (regulator)",
      path: "/v1/scans?verdict=suspicious",
      token: regulator,
    },
    { name: "scans csv (regulator)", path: "/v1/scans?format=csv", token: regulator },
    { name: "scans geojson (admin)", path: "/v1/scans?format=geojson", token: admin },
    { name: "batches (producer)", path: "/v1/batches", token: producer },
    {
      name: `labels csv, ${EXPORT_BATCH_LABELS} labels (producer)`,
      path: `/v1/batches/${exportBatch}/labels?format=csv`,
      token: producer,
    },
    { name: "labels json (producer)", path: `/v1/batches/${exportBatch}/labels`, token: producer },
  ];

  const rowsReadOf = (res: Response) => {
    const timing = res.headers.get("server-timing") ?? "";
    const match = /d1-rows-read;desc="(\d+)"/.exec(timing);
    return match ? Number(match[1]) : null;
  };

  async function measure() {
    const out: Record<string, { p50: number; rowsRead: number | null; status: number }> = {};
    for (const endpoint of endpoints) {
      const times: number[] = [];
      let rowsRead: number | null = null;
      let status = 0;
      for (let i = 0; i < RUNS + 2; i++) {
        const t0 = performance.now();
        const res = await server.api(endpoint.path, { token: endpoint.token });
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        status = res.status;
        rowsRead = rowsReadOf(res);
        if (i >= 2) times.push(ms);
      }
      if (rowsRead === null && endpoint.rowsRead) rowsRead = await endpoint.rowsRead();
      times.sort((a, b) => a - b);
      out[endpoint.name] = {
        p50: times[Math.floor(times.length / 2)] as number,
        rowsRead,
        status,
      };
    }
    return out;
  }

  const results: {
    scans: number;
    labels: number;
    alerts: number;
    setupS: number;
    at: Awaited<ReturnType<typeof measure>>;
  }[] = [];
  for (const size of SIZES) {
    const t0 = performance.now();
    await growTo(size);
    const setupS = (performance.now() - t0) / 1000;
    console.log(
      `scale: ${scansWritten} scans, ${labels.length + EXPORT_BATCH_LABELS} labels, ${alertsWritten} alerts written in ${setupS.toFixed(0)} s; timing…`,
    );
    results.push({
      scans: scansWritten,
      labels: labels.length + EXPORT_BATCH_LABELS,
      alerts: alertsWritten,
      setupS,
      at: await measure(),
    });
  }

  const first = results[0];
  const last = results.at(-1);
  if (!first || !last) throw new Error("SCALE_SIZES is empty");
  const fmtRows = (n: number | null) => (n === null ? "n/a" : String(n));
  // Rows read marked * are those of the overview's counter queries, run by the bench itself.
  console.log(
    `\n| endpoint | p50 ms at ${first.scans} | p50 ms at ${last.scans} | growth | rows read at ${first.scans} | rows read at ${last.scans} |`,
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  let within = true;
  for (const endpoint of endpoints) {
    const a = first.at[endpoint.name];
    const b = last.at[endpoint.name];
    if (!a || !b) continue;
    const growth = b.p50 / a.p50;
    if (growth > TARGET) within = false;
    const status = a.status === 200 && b.status === 200 ? "" : ` (status ${a.status}/${b.status})`;
    console.log(
      `| ${endpoint.name}${status} | ${a.p50.toFixed(1)} | ${b.p50.toFixed(1)} | ${growth.toFixed(2)}× | ${fmtRows(a.rowsRead)} | ${fmtRows(b.rowsRead)} |`,
    );
  }
  console.log(
    `\ntarget: every endpoint within ${TARGET}× from ${first.scans} to ${last.scans} scans: ${within ? "met" : "NOT met"}`,
  );
  writeFileSync("bench/scale-results.json", JSON.stringify({ results, target: TARGET }, null, 2));
} finally {
  await server.dispose();
}
