// The local server shared by `npm run bench` and `npm run soak`: builds the worker (wrangler
// deploy --dry-run), serves the bundle with Miniflare directly on 127.0.0.1 (no wrangler dev
// proxy) with the wrangler.toml vars, generated secrets and a D1 persisted in a temp dir, applies
// the migrations, seeds an organization, GI product, site, authorization and users directly in
// D1, and logs the producer in through the API. dispose() stops Miniflare/workerd and removes
// the temp dir; startLocalServer cleans up after itself when it fails.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import {
  convertV4MiniflareOptions,
  Miniflare,
  type Request as MiniflareRequest,
  Response as MiniflareResponse,
  type V4WorkerOptions,
} from "miniflare";
import { zhoushanArea } from "../scripts/demo-data.ts";
import { generateSecrets } from "../scripts/secrets.ts";
import { newId } from "../src/lib/ids.ts";
import { hashPassword } from "../src/lib/password.ts";

export const PASSWORD = "bench-password-123";

export type D1 = Awaited<ReturnType<Miniflare["getD1Database"]>>;

export type ApiInit = {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
};

export type LocalServer = {
  mf: Miniflare;
  origin: string;
  d1: D1;
  /** The province's scan database (scanDatabases option). */
  scansD1: D1 | null;
  compatibilityDate: string;
  /** The seeded reference rows and accounts. */
  seed: {
    orgId: string;
    productId: string;
    siteId: string;
    authId: string;
    adminEmail: string;
    producerEmail: string;
    /** admin-0@… to admin-(n-1)@…: logins are throttled per account, so load spreads over many. */
    loginAccounts: number;
  };
  /** The producer's access token. */
  producer: string;
  api: (path: string, init: ApiInit) => Promise<Response>;
  json: <T>(res: Response, expected: number) => Promise<T>;
  login: (email: string) => Promise<string>;
  /** A new batch of the producer (lot BENCH-n), released; its id. */
  releasedBatch: (options?: { authorizationId?: string; gtin?: string }) => Promise<string>;
  /** Issues `count` labels into a batch as the producer (expects 201). */
  issueLabels: (batchId: string, count: number) => Promise<{ code: string; url: string }[]>;
  /**
   * Stops workerd and starts it again with the same options: fresh isolates and heaps, the same
   * persisted D1 and secrets. Resolves to the new origin (`origin` and `d1` follow it).
   */
  restart: () => Promise<string>;
  dispose: () => Promise<void>;
};

export type LocalServerOptions = {
  /** Log prefix, e.g. "bench". */
  name: string;
  /**
   * Helper workers served beside the app, each a module script by its worker name, bound as DB
   * to the app's own D1 (reach one with `mf.getWorker(name)`).
   */
  d1Workers?: Record<string, string>;
  loginAccounts?: number;
  /**
   * Whether to bind SCAN_RATE_LIMITER (default true). Miniflare emulates the Workers Rate
   * Limiting binding with a SQLite-backed Durable Object, one persisted write per call, which
   * costs locally about what a D1 write does; on Cloudflare the binding counts in memory on
   * the machine that runs the Worker. The bench leaves it out by default (see README).
   */
  rateLimiter?: boolean;
  /** A port for workerd's V8 inspector (Chrome DevTools Protocol), e.g. to sample the heap. */
  inspectorPort?: number;
  /** Extra plain bindings of the worker, e.g. BENCH_D1_DELAY_MS. */
  bindings?: Record<string, string>;
  /**
   * How scans are written (SCAN_INGEST, default direct). With "queue" the worker gets the scan
   * queue of wrangler.toml, its producer binding and its consumer with the same settings.
   */
  scanIngest?: "direct" | "queue";
  /**
   * A scan database for Zhejiang beside the registry (SCAN_DATABASES=330000=SCANS_DB_33, with
   * migrations-scans applied): the seeded producer's scans go there. Needs scanIngest "queue".
   */
  scanDatabases?: boolean;
};

/** The province scan database of the scanDatabases option. */
export const SCANS_DB = "SCANS_DB_33";

/** wrangler.toml's scan queue (its producer binding and consumer settings), as Miniflare options. */
function scanQueueOptions() {
  const toml = readFileSync("wrangler.toml", "utf8");
  const blocks = [
    ...toml.matchAll(/^\[\[queues\.(producers|consumers)\]\]\n([\s\S]*?)(?=^\[|$(?![\s\S]))/gm),
  ];
  const value = (block: string, key: string) =>
    new RegExp(`^${key}\\s*=\\s*"?([^"\\n]+)"?`, "m").exec(block)?.[1];
  const ofScans = (kind: string) =>
    blocks.find(
      ([, k, block]) => k === kind && value(block ?? "", "queue") === "gi-trace-scans",
    )?.[2];
  const producer = ofScans("producers");
  const consumer = ofScans("consumers");
  if (!producer || !consumer) throw new Error("wrangler.toml has no gi-trace-scans queue");
  const number = (key: string) => Number(value(consumer, key));
  return {
    queueProducers: {
      [value(producer, "binding") as string]: { queueName: "gi-trace-scans" },
    },
    queueConsumers: {
      "gi-trace-scans": {
        maxBatchSize: number("max_batch_size"),
        maxBatchTimeout: number("max_batch_timeout"),
        maxRetries: number("max_retries"),
        deadLetterQueue: value(consumer, "dead_letter_queue"),
      },
    },
  };
}

/** The simple keys of wrangler.toml the local server needs. */
function wranglerConfig() {
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
  return { compatibilityDate, compatibilityFlags, vars };
}

/**
 * The ASSETS binding (label fonts, verify page) served from public/ by a function: a binding
 * only, so no asset router sits in front of the API routes the bench measures.
 */
function serveAsset(request: MiniflareRequest): MiniflareResponse {
  const root = resolve("public");
  const path = resolve(root, `.${decodeURIComponent(new URL(request.url).pathname)}`);
  if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile()) {
    return new MiniflareResponse("not found", { status: 404 });
  }
  return new MiniflareResponse(readFileSync(path));
}

/** migrations-scans/ (hand-written: one statement per `;` line end) into a scan database. */
async function applyScanMigrations(d1: D1) {
  for (const file of readdirSync("migrations-scans")
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const statements = readFileSync(join("migrations-scans", file), "utf8")
      .split(/;\s*\n/)
      .map((s) => s.replace(/^--.*$/gm, "").trim())
      .filter(Boolean);
    await d1.batch(statements.map((s) => d1.prepare(s)));
  }
}

async function applyMigrations(d1: D1) {
  for (const file of readdirSync("migrations")
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const statements = readFileSync(join("migrations", file), "utf8")
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter(Boolean);
    await d1.batch(statements.map((s) => d1.prepare(s)));
  }
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { name, loginAccounts = 256 } = options;
  const dbId = `${name}-db`;
  const tmp = mkdtempSync(join(tmpdir(), `gi-${name}-`));
  let mf: Miniflare | undefined;
  const dispose = async () => {
    try {
      await mf?.dispose();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
  try {
    const outdir = join(tmp, "dist");
    const persist = join(tmp, "state");
    mkdirSync(persist);

    // ---- build -------------------------------------------------------------------------------
    console.log(`${name}: building (wrangler deploy --dry-run)…`);
    execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        X_LOCAL_OBSERVABILITY: "false",
        X_LOCAL_EXPLORER: "false",
      },
    });

    const { compatibilityDate, compatibilityFlags, vars } = wranglerConfig();
    // miniflare 5 takes a new option shape; convertV4MiniflareOptions accepts the classic one.
    const mfOptions = convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
      resourcePersistencePath: persist,
      workers: [
        {
          name: "gi-trace",
          modules: true,
          scriptPath: join(outdir, "index.js"),
          modulesRoot: outdir,
          compatibilityDate,
          compatibilityFlags,
          d1Databases: {
            DB: dbId,
            ...(options.scanDatabases ? { [SCANS_DB]: `${name}-scans-33-db` } : {}),
          },
          serviceBindings: { ASSETS: serveAsset },
          // Same limit as wrangler.toml.
          ...(options.rateLimiter === false
            ? {}
            : {
                ratelimits: {
                  SCAN_RATE_LIMITER: {
                    namespace_id: "1001",
                    simple: { limit: 120, period: 60 },
                  },
                },
              }),
          ...(options.scanIngest === "queue" ? scanQueueOptions() : {}),
          bindings: {
            ...vars,
            ...(await generateSecrets()),
            SCAN_INGEST: options.scanIngest ?? "direct",
            ...(options.scanDatabases ? { SCAN_DATABASES: `330000=${SCANS_DB}` } : {}),
            ...options.bindings,
          },
        },
        ...Object.entries(options.d1Workers ?? {}).map(
          ([workerName, script]): V4WorkerOptions => ({
            name: workerName,
            modules: true,
            script,
            compatibilityDate,
            d1Databases: { DB: dbId },
          }),
        ),
      ],
    });
    const runtime = new Miniflare(mfOptions);
    mf = runtime;

    let origin = (await runtime.ready).origin;
    let d1 = await runtime.getD1Database("DB");
    const scansDatabase = () =>
      options.scanDatabases ? runtime.getD1Database(SCANS_DB) : Promise.resolve(null);
    let scansD1 = await scansDatabase();
    const restart = async () => {
      // setOptions stops workerd and starts a new process with the same config.
      await runtime.setOptions(mfOptions);
      origin = (await runtime.ready).origin;
      d1 = await runtime.getD1Database("DB");
      scansD1 = await scansDatabase();
      return origin;
    };
    await applyMigrations(d1);
    if (scansD1) await applyScanMigrations(scansD1);

    // ---- seed: reference rows directly (as the test fixtures do), the rest through the API --
    const api = async (path: string, init: ApiInit) =>
      fetch(`${origin}${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: {
          "content-type": "application/json",
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    const json = async <T>(res: Response, expected: number): Promise<T> => {
      const text = await res.text();
      if (res.status !== expected) {
        throw new Error(`${res.url}: ${res.status} ${text.slice(0, 300)}`);
      }
      return JSON.parse(text) as T;
    };

    const hash = await hashPassword(PASSWORD);
    const seed = {
      orgId: newId("org"),
      productId: newId("gi"),
      siteId: newId("site"),
      authId: newId("auth"),
      adminEmail: "admin@bench.local",
      producerEmail: "producer@bench.local",
      loginAccounts,
    };
    const area = JSON.stringify(zhoushanArea);
    await d1.batch([
      d1
        .prepare(
          "INSERT INTO organizations (id, name, uscc, kind, region_code) VALUES (?, '舟山基准渔业合作社', '93330903MA2BENCH0X', 'cooperative', '330903')",
        )
        .bind(seed.orgId),
      d1
        .prepare(
          "INSERT INTO gi_products (id, name_zh, name_en, category, protection_type, registration_no, holder_name, protected_region_codes, protected_area, shelf_life_days) VALUES (?, '舟山带鱼', 'Zhoushan Hairtail', 'seafood', 'certification_mark', '7654321', '舟山市水产流通与加工行业协会', '[\"330900\"]', ?, 365)",
        )
        .bind(seed.productId, area),
      d1
        .prepare(
          "INSERT INTO sites (id, organization_id, name, kind, lat, lng, region_code) VALUES (?, ?, '沈家门渔港', 'port', 29.9445, 122.3027, '330903')",
        )
        .bind(seed.siteId, seed.orgId),
      d1
        .prepare(
          "INSERT INTO authorizations (id, number, organization_id, gi_product_id, valid_from, valid_until) VALUES (?, 'GIA-2026-BENCH1', ?, ?, '2026-01-01', '2030-12-31')",
        )
        .bind(seed.authId, seed.orgId, seed.productId),
      d1
        .prepare(
          "INSERT INTO users (id, email, password_hash, role, display_name) VALUES (?, ?, ?, 'admin', 'Bench admin')",
        )
        .bind(newId("usr"), seed.adminEmail, hash),
      d1
        .prepare(
          "INSERT INTO users (id, email, password_hash, role, display_name, organization_id) VALUES (?, ?, ?, 'producer', 'Bench producer', ?)",
        )
        .bind(newId("usr"), seed.producerEmail, hash, seed.orgId),
      // Logins are throttled per account (attempts in flight count), so login load spreads its
      // requests over many accounts instead of hammering one.
      ...Array.from({ length: loginAccounts }, (_, i) =>
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
    const producer = await login(seed.producerEmail);

    let lot = 0;
    const releasedBatch = async (batch: { authorizationId?: string; gtin?: string } = {}) => {
      lot += 1;
      const { id } = await json<{ id: string }>(
        await api("/v1/batches", {
          token: producer,
          body: {
            authorization_id: batch.authorizationId ?? seed.authId,
            site_id: seed.siteId,
            lot_code: `BENCH-${lot}`,
            quantity: 500,
            unit: "kg",
            produced_at: "2026-11-20T04:30:00Z",
            ...(batch.gtin ? { gtin: batch.gtin } : {}),
          },
        }),
        201,
      );
      await json(await api(`/v1/batches/${id}/release`, { method: "POST", token: producer }), 200);
      return id;
    };
    const issueLabels = async (batchId: string, count: number) =>
      (
        await json<{ labels: { code: string; url: string }[] }>(
          await api(`/v1/batches/${batchId}/labels`, { token: producer, body: { count } }),
          201,
        )
      ).labels;

    return {
      mf: runtime,
      get origin() {
        return origin;
      },
      get d1() {
        return d1;
      },
      get scansD1() {
        return scansD1;
      },
      restart,
      compatibilityDate,
      seed,
      producer,
      api,
      json,
      login,
      releasedBatch,
      issueLabels,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
