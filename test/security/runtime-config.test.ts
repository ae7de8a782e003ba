import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateSecrets } from "../../scripts/secrets.ts";
import { createApp } from "../../src/app";
import worker from "../../src/index";
import { type ConfigEnv, configProblems, isDemoValue } from "../../src/lib/runtime-config";
import { BASE, expectProblem } from "../helpers/http";

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const randomBase64 = (n: number) => base64(crypto.getRandomValues(new Uint8Array(n)));

let good: ConfigEnv & Record<string, string>;

beforeAll(async () => {
  good = {
    ...(await generateSecrets()),
    ENVIRONMENT: "production",
    PUBLIC_HOST: "trace.gi-registry.cn",
    WECHAT_MODE: "live",
    WECHAT_APP_ID: "wx0123456789abcdef",
  };
});

const secretValues = (config: Record<string, unknown>) =>
  ["TOKEN_SIGNING_KEYS", "LABEL_HMAC_KEYS", "CLIENT_ID_PEPPER", "WECHAT_APP_SECRET"].flatMap(
    (name) => {
      const value = config[name];
      if (typeof value !== "string" || value.length < 8) return [];
      // The JWK's private "d" and each label key, besides the whole values.
      const parts = [value];
      try {
        const parsed = JSON.parse(value) as unknown;
        if (Array.isArray(parsed))
          for (const jwk of parsed)
            if (jwk?.d) parts.push(jwk.d);
            else if (parsed && typeof parsed === "object") parts.push(...Object.values(parsed));
      } catch {}
      return parts.filter((part): part is string => typeof part === "string" && part.length >= 8);
    },
  );

/** The problems of `good` with `changes`; asserts they quote no secret value. */
function problemsWith(changes: Record<string, unknown>): string[] {
  const config = { ...good, ...changes } as ConfigEnv & Record<string, unknown>;
  const problems = configProblems(config);
  const text = problems.join("\n");
  for (const secret of secretValues(config)) expect(text).not.toContain(secret);
  return problems;
}

const expectOne = (problems: string[], pattern: RegExp) => {
  expect(
    problems.filter((p) => pattern.test(p)),
    problems.join("\n"),
  ).toHaveLength(1);
};

describe("configProblems", () => {
  it("finds nothing in a good production configuration", () => {
    expect(configProblems(good)).toEqual([]);
  });

  it("checks nothing outside production", () => {
    expect(configProblems({ ENVIRONMENT: "development", WECHAT_MODE: "mock" })).toEqual([]);
    expect(configProblems({ ENVIRONMENT: "test" })).toEqual([]);
  });

  it.each([
    "TOKEN_SIGNING_KEYS",
    "LABEL_HMAC_KEYS",
    "LABEL_HMAC_CURRENT_KID",
    "CLIENT_ID_PEPPER",
    "WECHAT_APP_SECRET",
  ])("names a missing or empty %s", (name) => {
    expectOne(problemsWith({ [name]: undefined }), new RegExp(`^${name} is missing`));
    expectOne(problemsWith({ [name]: "  " }), new RegExp(`^${name} is missing`));
  });

  it.each([
    ["not JSON", "{not json", /^TOKEN_SIGNING_KEYS is not valid JSON/],
    ["an empty array", "[]", /^TOKEN_SIGNING_KEYS must be a non-empty JSON array/],
    ["an RSA key", '[{"kty":"RSA","n":"x","e":"AQAB","kid":"k"}]', /\[0\] is not a P-256/],
  ])("refuses TOKEN_SIGNING_KEYS that is %s", (_what, value, pattern) => {
    expectOne(problemsWith({ TOKEN_SIGNING_KEYS: value }), pattern);
  });

  it("refuses a signing key without its private part, or with an all-zero one", () => {
    const [jwk] = JSON.parse(good.TOKEN_SIGNING_KEYS as string) as Record<string, string>[];
    const { d: _d, ...publicOnly } = jwk as Record<string, string>;
    expectOne(
      problemsWith({ TOKEN_SIGNING_KEYS: JSON.stringify([publicOnly]) }),
      /needs base64url x, y and the private d/,
    );
    const zero = { ...jwk, d: "A".repeat(43) };
    expectOne(
      problemsWith({ TOKEN_SIGNING_KEYS: JSON.stringify([zero]) }),
      /\[0\] has a private key that is a placeholder/,
    );
  });

  it("refuses unparsable LABEL_HMAC_KEYS", () => {
    expectOne(problemsWith({ LABEL_HMAC_KEYS: "1:abc" }), /^LABEL_HMAC_KEYS must be a JSON object/);
    expectOne(problemsWith({ LABEL_HMAC_KEYS: "{}" }), /^LABEL_HMAC_KEYS holds no key/);
  });

  it("refuses a LABEL_HMAC_CURRENT_KID that is not among the keys", () => {
    expectOne(problemsWith({ LABEL_HMAC_CURRENT_KID: "7" }), /^LABEL_HMAC_CURRENT_KID names/);
  });

  it("refuses a label HMAC key shorter than 32 bytes, and an all-zero one", () => {
    const short = JSON.stringify({ 1: randomBase64(24) });
    expectOne(problemsWith({ LABEL_HMAC_KEYS: short }), /key "1" has 24 bytes; .* at least 32/);
    const zero = JSON.stringify({ 1: base64(new Uint8Array(32)) });
    expectOne(problemsWith({ LABEL_HMAC_KEYS: zero }), /key "1" is a demo or placeholder/);
  });

  it("refuses a pepper shorter than 32 bytes or made of one repeated character", () => {
    expectOne(
      problemsWith({ CLIENT_ID_PEPPER: randomBase64(12) }),
      /^CLIENT_ID_PEPPER has 16 bytes/,
    );
    expectOne(
      problemsWith({ CLIENT_ID_PEPPER: "0".repeat(64) }),
      /^CLIENT_ID_PEPPER is a placeholder/,
    );
  });

  it("refuses the WeChat mock in production, and live mode without app id", () => {
    expectOne(problemsWith({ WECHAT_MODE: "mock" }), /^WECHAT_MODE is mock/);
    expectOne(problemsWith({ WECHAT_APP_ID: undefined }), /^WECHAT_APP_ID is missing/);
  });

  it("refuses an unknown SCAN_INGEST, and queue mode without its queue binding", () => {
    expectOne(problemsWith({ SCAN_INGEST: "kafka" }), /^SCAN_INGEST must be/);
    expectOne(problemsWith({ SCAN_INGEST: "queue" }), /^SCAN_INGEST is queue but/);
    expect(configProblems({ ...good, SCAN_INGEST: "queue", SCAN_QUEUE: {} })).toEqual([]);
    expect(configProblems({ ...good, SCAN_INGEST: "direct" })).toEqual([]);
  });

  it("refuses scan databases per province that are malformed, unbound, or written in direct mode", () => {
    const queue = { SCAN_INGEST: "queue", SCAN_QUEUE: {} };
    expectOne(
      problemsWith({ ...queue, SCAN_DATABASES: "330900=SCANS_DB_33" }),
      /^SCAN_DATABASES entry "330900=SCANS_DB_33" must be <province code>/,
    );
    expectOne(
      problemsWith({ ...queue, SCAN_DATABASES: "330000=SCANS_DB_33" }),
      /^SCAN_DATABASES names SCANS_DB_33, but wrangler.toml binds no D1/,
    );
    expectOne(
      problemsWith({ SCAN_DATABASES: "330000=SCANS_DB_33", SCANS_DB_33: {} }),
      /only the queue consumer writes: set SCAN_INGEST = "queue"/,
    );
    expect(
      problemsWith({ ...queue, SCAN_DATABASES: "330000=SCANS_DB_33", SCANS_DB_33: {} }),
    ).toEqual([]);
  });

  it("does not ask for WECHAT_APP_SECRET in mock mode (the mock itself is refused)", () => {
    const problems = problemsWith({ WECHAT_MODE: "mock", WECHAT_APP_SECRET: undefined });
    expect(problems.some((p) => p.startsWith("WECHAT_APP_SECRET"))).toBe(false);
  });

  it.each(["localhost:8787", "localhost", "127.0.0.1:8787", "gi-trace.local", ""])(
    "refuses PUBLIC_HOST %j",
    (host) => {
      expectOne(problemsWith({ PUBLIC_HOST: host }), /^PUBLIC_HOST is/);
    },
  );

  // The literal placeholders of .dev.vars.example and obviously made-up values.
  it.each([
    [
      "TOKEN_SIGNING_KEYS",
      '[{"kty":"EC","crv":"P-256","x":"…","y":"…","d":"…","kid":"at-20261123","alg":"ES256"}]',
    ],
    ["LABEL_HMAC_KEYS", '{"1":"<base64 32 bytes>"}'],
    ["CLIENT_ID_PEPPER", "<base64 32 bytes>"],
    ["WECHAT_APP_SECRET", "<app secret>"],
    ["CLIENT_ID_PEPPER", "demo-pepper-for-local-use-only-0123456789"],
    ["CLIENT_ID_PEPPER", "CHANGEME-CHANGEME-CHANGEME-CHANGEME-1234"],
    ["LABEL_HMAC_KEYS", JSON.stringify({ 1: btoa("example-label-key-example-label-key!!") })],
    ["WECHAT_APP_SECRET", "test-wechat-app-secret"],
    ["WECHAT_APP_SECRET", "s3cret"],
  ])("refuses a demo value of %s", (name, value) => {
    const problems = problemsWith({ [name]: value });
    expect(
      problems.some((p) => p.startsWith(name)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("does not take generated secrets for demo values", async () => {
    for (let i = 0; i < 20; i++) {
      const secrets = await generateSecrets();
      for (const value of Object.values(secrets)) expect(isDemoValue(value)).toBe(false);
    }
  });
});

describe("a production worker with a bad configuration", () => {
  afterEach(() => vi.restoreAllMocks());

  const badEnv = () => ({ ...env, ...good, CLIENT_ID_PEPPER: "" });

  it("answers every request 503 misconfigured and logs the problem once, by name only", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const app = createApp();
    const bindings = badEnv();
    for (const path of ["/healthz", "/v1/gi-products", "/v1/nothing-here"]) {
      const response = await app.request(`${BASE}${path}`, {}, bindings);
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      const problem = await expectProblem(response, 503, "misconfigured");
      expect(problem.type).toBe("https://gi-trace.dev/problems/misconfigured");
      expect(JSON.stringify(problem)).not.toMatch(/CLIENT_ID_PEPPER|TOKEN_|LABEL_|WECHAT_/);
    }
    const login = await app.request(
      `${BASE}/v1/auth/login`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: "a@b.cn", password: "long-password" }),
      },
      bindings,
    );
    await expectProblem(login, 503, "misconfigured");

    const logged = errors.mock.calls.map((args) => args.map(String).join(" "));
    const refusals = logged.filter((line) => line.includes("refuses to run"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain("CLIENT_ID_PEPPER is missing or empty");
    for (const line of logged) {
      for (const secret of secretValues(bindings)) expect(line).not.toContain(secret);
    }
  });

  it("serves normally with a good production configuration", async () => {
    const response = await createApp().request(`${BASE}/healthz`, {}, { ...env, ...good });
    expect(response.status).toBe(200);
  });

  it("refuses the scheduled run with the message", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const controller = { scheduledTime: Date.now(), cron: "17 3 * * *", noRetry() {} };
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown;
    await expect(
      worker.scheduled(
        controller as ScheduledController,
        badEnv() as typeof env,
        ctx as ExecutionContext,
      ),
    ).rejects.toThrow(/CLIENT_ID_PEPPER is missing or empty/);
    for (const args of errors.mock.calls) {
      const line = args.map(String).join(" ");
      for (const secret of secretValues(badEnv())) expect(line).not.toContain(secret);
    }
  });
});
