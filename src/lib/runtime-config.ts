// Production configuration check: with ENVIRONMENT=production the worker refuses to serve while a
// secret is missing, malformed, too short or a demo value. Messages name the variable and never
// quote a value, since they go to the logs.
import { parseLabelKeys } from "./label-code";
import { parseScanDatabaseRoutes } from "./scan-database-routes";

export type ConfigEnv = {
  ENVIRONMENT?: string;
  PUBLIC_HOST?: string;
  WECHAT_MODE?: string;
  WECHAT_APP_ID?: string;
  WECHAT_APP_SECRET?: string;
  TOKEN_SIGNING_KEYS?: string;
  LABEL_HMAC_KEYS?: string;
  LABEL_HMAC_CURRENT_KID?: string;
  CLIENT_ID_PEPPER?: string;
  SCAN_INGEST?: string;
  SCAN_QUEUE?: unknown;
  SCAN_DATABASES?: string;
};

export const REQUIRED_SECRETS = [
  "TOKEN_SIGNING_KEYS",
  "LABEL_HMAC_KEYS",
  "LABEL_HMAC_CURRENT_KID",
  "CLIENT_ID_PEPPER",
] as const;

export const MIN_KEY_BYTES = 32;
const MIN_DISTINCT_BYTES = 8;

/** The literal placeholders of checked-in files (.dev.vars.example, README, tests). */
const KNOWN_DEMO_VALUES = new Set([
  '[{"kty":"EC","crv":"P-256","x":"…","y":"…","d":"…","kid":"at-20261123","alg":"ES256"}]',
  '{"1":"<base64 32 bytes>"}',
  "<base64 32 bytes>",
  "<app secret>",
  "s3cret",
  "demo-password",
]);

// Long markers are matched in any case; short ones only in lower case, so that a random base64
// value contains one by chance about once in 100,000 keys (regenerate it then).
const DEMO_MARKERS_ANY_CASE = /changeme|change-me|example|placeholder|dummy|password|secret/i;
const DEMO_MARKERS_LOWER = /demo|test|dev-|sample|todo|xxxx/;
// Template placeholders such as `<app secret>` or `"d":"…"`.
const TEMPLATE_MARKERS = /[<…]/;

const hasDemoWord = (text: string) =>
  DEMO_MARKERS_ANY_CASE.test(text) || DEMO_MARKERS_LOWER.test(text);

export function isDemoValue(value: string): boolean {
  return KNOWN_DEMO_VALUES.has(value.trim()) || TEMPLATE_MARKERS.test(value) || hasDemoWord(value);
}

function decodeBase64(text: string): Uint8Array | null {
  try {
    const binary = atob(text.trim().replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A key that is base64 of readable text ("example-key…") is a made-up one. */
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** All-zero, repeated or otherwise patterned keys have few distinct bytes. */
const lowEntropy = (bytes: Uint8Array) => new Set(bytes).size < MIN_DISTINCT_BYTES;

function tokenSigningKeyProblems(json: string): string[] {
  let keys: unknown;
  try {
    keys = JSON.parse(json);
  } catch {
    return ["TOKEN_SIGNING_KEYS is not valid JSON (expected an array of private ES256 JWKs)."];
  }
  if (!Array.isArray(keys) || keys.length === 0) {
    return ["TOKEN_SIGNING_KEYS must be a non-empty JSON array of private ES256 JWKs."];
  }
  const problems: string[] = [];
  keys.forEach((key: unknown, index) => {
    const jwk = (key ?? {}) as Record<string, unknown>;
    const where = `TOKEN_SIGNING_KEYS[${index}]`;
    if (jwk.kty !== "EC" || jwk.crv !== "P-256") {
      problems.push(`${where} is not a P-256 EC key (kty "EC", crv "P-256").`);
      return;
    }
    if (typeof jwk.kid !== "string" || jwk.kid.length === 0) {
      problems.push(`${where} has no kid.`);
    }
    const d = typeof jwk.d === "string" ? decodeBase64(jwk.d) : null;
    const x = typeof jwk.x === "string" ? decodeBase64(jwk.x) : null;
    const y = typeof jwk.y === "string" ? decodeBase64(jwk.y) : null;
    if (!d || !x || !y || d.length !== 32 || x.length !== 32 || y.length !== 32) {
      problems.push(`${where} needs base64url x, y and the private d of 32 bytes each.`);
    } else if (lowEntropy(d)) {
      problems.push(`${where} has a private key that is a placeholder (all zero or repeated).`);
    }
  });
  return problems;
}

function labelKeyProblems(json: string, currentKid: string | undefined): string[] {
  let keys: Record<string, string>;
  try {
    keys = parseLabelKeys(json);
  } catch (error) {
    // parseLabelKeys names the variable and key ids, never the secret.
    return [(error as Error).message];
  }
  const problems: string[] = [];
  for (const [kid, secret] of Object.entries(keys)) {
    const bytes = decodeBase64(secret) ?? new Uint8Array();
    if (bytes.length < MIN_KEY_BYTES) {
      problems.push(
        `LABEL_HMAC_KEYS: key "${kid}" has ${bytes.length} bytes; production needs at least ${MIN_KEY_BYTES}.`,
      );
    } else if (lowEntropy(bytes) || isDemoValue(secret) || hasDemoWord(latin1(bytes))) {
      problems.push(`LABEL_HMAC_KEYS: key "${kid}" is a demo or placeholder value.`);
    }
  }
  if (currentKid && !(currentKid in keys)) {
    problems.push("LABEL_HMAC_CURRENT_KID names a key id that LABEL_HMAC_KEYS does not hold.");
  }
  return problems;
}

function pepperProblems(pepper: string): string[] {
  // The pepper is used as raw HMAC key material: its UTF-8 bytes are the key.
  const bytes = new TextEncoder().encode(pepper);
  if (bytes.length < MIN_KEY_BYTES) {
    return [
      `CLIENT_ID_PEPPER has ${bytes.length} bytes; production needs at least ${MIN_KEY_BYTES}.`,
    ];
  }
  if (lowEntropy(bytes)) return ["CLIENT_ID_PEPPER is a placeholder (repeated characters)."];
  return [];
}

const isLocalHost = (host: string) =>
  /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?|0\.0\.0\.0)(:\d+)?$/i.test(host.trim()) ||
  /\.(localhost|local|test|example)(:\d+)?$/i.test(host.trim());

/**
 * Everything wrong with a production configuration, one sentence per problem naming the
 * variable (never its value). Outside production nothing is checked: tests and `npm start`
 * use fresh random secrets and the WeChat mock.
 */
export function configProblems(env: ConfigEnv): string[] {
  if (env.ENVIRONMENT !== "production") return [];
  const problems: string[] = [];
  const present = (name: Exclude<keyof ConfigEnv, "SCAN_QUEUE" | "SCAN_DATABASES">) =>
    (env[name] ?? "").trim().length > 0;

  for (const name of REQUIRED_SECRETS) {
    if (!present(name)) {
      problems.push(`${name} is missing or empty; set it with \`wrangler secret put ${name}\`.`);
    } else if (isDemoValue(env[name] as string)) {
      problems.push(`${name} is a demo or placeholder value; generate a real secret.`);
    }
  }
  if (present("TOKEN_SIGNING_KEYS")) {
    problems.push(...tokenSigningKeyProblems(env.TOKEN_SIGNING_KEYS as string));
  }
  if (present("LABEL_HMAC_KEYS")) {
    problems.push(...labelKeyProblems(env.LABEL_HMAC_KEYS as string, env.LABEL_HMAC_CURRENT_KID));
  }
  if (present("CLIENT_ID_PEPPER")) problems.push(...pepperProblems(env.CLIENT_ID_PEPPER as string));

  if (env.WECHAT_MODE === "mock") {
    problems.push("WECHAT_MODE is mock; production must use live WeChat login (WECHAT_MODE=live).");
  } else {
    if (!present("WECHAT_APP_SECRET")) {
      problems.push(
        "WECHAT_APP_SECRET is missing or empty (needed when WECHAT_MODE is not mock); set it with `wrangler secret put WECHAT_APP_SECRET`.",
      );
    } else if (isDemoValue(env.WECHAT_APP_SECRET as string)) {
      problems.push("WECHAT_APP_SECRET is a demo or placeholder value.");
    }
    if (!present("WECHAT_APP_ID")) {
      problems.push("WECHAT_APP_ID is missing (needed when WECHAT_MODE is not mock).");
    }
  }

  if (
    env.SCAN_INGEST !== undefined &&
    env.SCAN_INGEST !== "direct" &&
    env.SCAN_INGEST !== "queue"
  ) {
    problems.push('SCAN_INGEST must be "direct" or "queue".');
  } else if (env.SCAN_INGEST === "queue" && !env.SCAN_QUEUE) {
    problems.push(
      "SCAN_INGEST is queue but the SCAN_QUEUE binding is missing (wrangler.toml [[queues.producers]]).",
    );
  }

  problems.push(...scanDatabaseProblems(env));

  if (!present("PUBLIC_HOST")) {
    problems.push("PUBLIC_HOST is missing; labels carry it in their URL.");
  } else if (isLocalHost(env.PUBLIC_HOST as string)) {
    problems.push("PUBLIC_HOST is a local host name; labels printed now would not resolve.");
  }
  return problems;
}

/** SCAN_DATABASES: well formed, every binding present, and scans written by the queue consumer. */
function scanDatabaseProblems(env: ConfigEnv): string[] {
  const parsed = parseScanDatabaseRoutes(env.SCAN_DATABASES);
  if (!parsed.ok) return parsed.problems;
  if (parsed.routes.size === 0) return [];
  const problems = [...parsed.routes.values()]
    .filter((binding) => !(env as Record<string, unknown>)[binding])
    .map(
      (binding) =>
        `SCAN_DATABASES names ${binding}, but wrangler.toml binds no D1 database of that name.`,
    );
  if (env.SCAN_INGEST !== "queue") {
    problems.push(
      'SCAN_DATABASES spreads scans over several databases, which only the queue consumer writes: set SCAN_INGEST = "queue".',
    );
  }
  return problems;
}

/** The one log line of a refused production configuration (names, never values). */
export function configProblemsMessage(problems: readonly string[]): string {
  return [
    `gi-trace refuses to run: ENVIRONMENT=production and the configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"}:`,
    ...problems.map((problem) => `  - ${problem}`),
    "See README, section Production configuration.",
  ].join("\n");
}

const verdicts = new WeakMap<object, string[]>();

/** configProblems cached per isolate (per env object: the bindings do not change in one). */
export function cachedConfigProblems(env: ConfigEnv): string[] {
  if (env.ENVIRONMENT !== "production") return [];
  let problems = verdicts.get(env);
  if (!problems) {
    problems = configProblems(env);
    verdicts.set(env, problems);
  }
  return problems;
}
