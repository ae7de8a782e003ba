import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { RequestIdVariables } from "hono/request-id";
import type { NoticeJob } from "./db/queries/recall-notices";
import type { ScanJob } from "./db/queries/scan-ingest";
import type { Role } from "./db/schema";

/** Worker bindings: D1, static assets, plain vars from wrangler.toml and secrets. */
export type Bindings = {
  DB: D1Database;
  ASSETS: Fetcher;
  ENVIRONMENT: string;
  PUBLIC_HOST: string;
  TOKEN_ISSUER: string;
  TOKEN_AUDIENCE: string;
  WECHAT_MODE: string;
  WECHAT_API_BASE: string;
  WECHAT_APP_ID?: string;
  CORS_ORIGINS: string;
  MAX_BODY_BYTES: string;
  /** Milliseconds awaited before each D1 round trip, outside production only (npm run bench). */
  BENCH_D1_DELAY_MS?: string;
  /** Days raw scans are kept before the nightly roll-up into daily aggregates (default 400). */
  SCAN_RETENTION_DAYS?: string;
  /** Shorter access-token lifetime in seconds, outside production only (browser tests). */
  ACCESS_TOKEN_TTL_SECONDS?: string;
  /** JSON array of private JWKs (ES256) with `kid`; the first signs, all verify. */
  TOKEN_SIGNING_KEYS: string;
  /** JSON object `{ "<kid>": "<base64 key>" }`; LABEL_HMAC_CURRENT_KID names the issuing key. */
  LABEL_HMAC_KEYS: string;
  LABEL_HMAC_CURRENT_KID: string;
  /** Pepper for keyed hashes of client ids, openids and IPs. */
  CLIENT_ID_PEPPER: string;
  WECHAT_APP_SECRET?: string;
  /** How scans are written: `direct` (default) or `queue` (src/lib/scan-ingest-mode.ts). */
  SCAN_INGEST?: string;
  /**
   * Scan databases per province: `<province code>=<D1 binding>, …` (src/lib/scan-database-routes.ts).
   * Unset: every scan in DB. Routed scans are written in queue mode only.
   */
  SCAN_DATABASES?: string;
  /** Scans written by the queue consumer in queue mode (src/queues/scans.ts). */
  SCAN_QUEUE?: Queue<ScanJob>;
  /** Recall-notice jobs (wrangler.toml [[queues.producers]]); consumed by src/queues/notices.ts. */
  NOTICE_QUEUE?: Queue<NoticeJob>;
  /** Subscribe-message template of recall notices; without it notices are recorded in-app only. */
  WECHAT_RECALL_TEMPLATE_ID?: string;
  /** Which mini-program version a notice opens: developer, trial or formal (default). */
  WECHAT_MINIPROGRAM_STATE?: string;
  /** The plain-link QR rule's check file: its name (`<name>.txt`) and content, from WeChat. */
  WECHAT_QR_CHECK_FILE?: string;
  WECHAT_QR_CHECK_CONTENT?: string;
  /** Workers Rate Limiting binding: scans per client key (see wrangler.toml). */
  SCAN_RATE_LIMITER?: RateLimit;
  /** Sign-in attempts per connecting address, across accounts. */
  LOGIN_RATE_LIMITER?: RateLimit;
  /** Consumer reports per connecting address and per signed-in user. */
  REPORT_RATE_LIMITER?: RateLimit;
};

/** The signed-in caller, reloaded from D1 on every authenticated request. */
export type AuthUser = {
  id: string;
  role: Role;
  email: string | null;
  displayName: string;
  organizationId: string | null;
  regionCodes: string[];
};

export type AppEnv = {
  Bindings: Bindings;
  Variables: RequestIdVariables & { user: AuthUser };
};

/** The handler of one `createRoute` spec, typed by its request and responses. */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
