import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createBatch, createProducerSetup, createUser, issue } from "../helpers/fixtures";
import { call } from "../helpers/http";

/**
 * Fuzzes every operation of /openapi.json with mutated requests (fixed seed, bounded runs):
 * wrong types, missing and extra fields, huge strings, unicode edge cases, deep nesting, bad
 * path and query parameters, wrong content type, malformed JSON. Asserts: never a 5xx; every
 * 4xx is problem+json with code and request_id, and documented on its operation; a rejected
 * write changes no table's row count; every operation has an operationId and a tag.
 */
const SEED = 20261123;
const RUNS_PER_OPERATION = 25;

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
};
type Parameter = { name: string; in: string; schema?: Schema };
type Operation = {
  key: string;
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
  public: boolean;
  operationId?: string;
  tags?: string[];
  responses: Record<string, unknown>;
  pattern: RegExp;
};

let doc: {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, Schema> };
};
const operations: Operation[] = [];
let adminToken = "";
let producerToken = "";
let ids: Record<string, string> = {};
let tables: string[] = [];

function resolve(schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref) return schema;
  const name = schema.$ref.split("/").pop() as string;
  return resolve(doc.components?.schemas?.[name]);
}

/** A plausible value for a schema: its example, first enum member or a typed placeholder. */
function sample(schema: Schema | undefined, depth = 0): unknown {
  const s = resolve(schema);
  if (!s || depth > 4) return "x";
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  const alt = s.anyOf?.[0] ?? s.oneOf?.[0];
  if (alt) return sample(alt, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v, depth + 1)]),
      );
    case "array":
      return [sample(s.items, depth + 1)];
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    default:
      return "x";
  }
}

const weirdString = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "\ud800",
  "\udfff",
  "a\ud83d",
  "\u202eevil\u202c",
  "\u200f\u05e9\u05dc\u05d5\u05dd",
  "\ufeff",
  "🐟".repeat(50),
  "x".repeat(70_000),
  "'; DROP TABLE scans; --",
  "../../etc/passwd",
  "%00%ff",
  "<script>alert(1)</script>",
  "1e999",
  "-0",
  "NaN",
  "null",
  "9".repeat(400),
);

function deep(levels: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  weirdString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, [], {}),
  fc.constantFrom(deep(40), deep(2000), ["a", 1, null], { __proto__: { admin: true } }),
  fc.string({ maxLength: 40, unit: "grapheme" }),
  fc.integer(),
  fc.double(),
);

type Mutation =
  | { kind: "field"; field: number; value: unknown }
  | { kind: "drop"; field: number }
  | { kind: "extra"; name: string; value: unknown }
  | { kind: "whole"; value: unknown }
  | { kind: "raw"; text: string; contentType: string }
  | { kind: "valid" };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("field" as const), field: fc.nat(), value: weirdValue }),
  fc.record({ kind: fc.constant("drop" as const), field: fc.nat() }),
  fc.record({
    kind: fc.constant("extra" as const),
    name: fc.constantFrom("extra", "__proto__", "constructor", "role", "id", "organization_id"),
    value: weirdValue,
  }),
  fc.record({ kind: fc.constant("whole" as const), value: weirdValue }),
  fc.record({
    kind: fc.constant("raw" as const),
    text: fc.constantFrom("{", '{"a":', "[1,2", "\u0000", "{'a':1}", '{"a":1}{"b":2}', "", "null"),
    contentType: fc.constantFrom(
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json; charset=latin1",
    ),
  }),
  fc.constant({ kind: "valid" as const }),
);

const pathMutation = fc.option(weirdString, { freq: 3 });
const queryMutation = fc.option(fc.tuple(fc.nat(), weirdValue), { freq: 2 });

function applyMutation(base: unknown, m: Mutation): { body?: string; contentType?: string } {
  if (m.kind === "raw") return { body: m.text, contentType: m.contentType };
  let value: unknown = base;
  const keys = base && typeof base === "object" ? Object.keys(base) : [];
  if (m.kind === "whole") value = m.value;
  else if (m.kind === "field" && keys.length) {
    value = { ...(base as object), [keys[m.field % keys.length] as string]: m.value };
  } else if (m.kind === "drop" && keys.length) {
    const copy = { ...(base as Record<string, unknown>) };
    delete copy[keys[m.field % keys.length] as string];
    value = copy;
  } else if (m.kind === "extra") {
    value = { ...(base as object), [m.name]: m.value };
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? "null";
  } catch {
    text = '{"deep":true}'; // too deep for JSON.stringify: send the raw form instead
  }
  return { body: text, contentType: "application/json" };
}

async function rowCounts(): Promise<Record<string, number>> {
  const sql = `SELECT ${tables.map((t, i) => `(SELECT count(*) FROM "${t}") AS c${i}`).join(", ")}`;
  const row = (await env.DB.prepare(sql).first<Record<string, number>>()) ?? {};
  return Object.fromEntries(tables.map((t, i) => [t, row[`c${i}`] as number]));
}

/** encodeURIComponent, but a lone surrogate becomes its (invalid) UTF-8 bytes instead of throwing. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return `${encodeURIComponent(value.replace(/[\ud800-\udfff]/g, ""))}%ED%A0%80`;
  }
}

function pathFor(op: Operation, bad: string | null): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (bad !== null) return encode(bad);
    const prefix = op.path.split("/")[2] ?? "";
    return encode(ids[name === "code" ? "code" : prefix] ?? "x");
  });
}

beforeAll(async () => {
  doc = await (await call("/openapi.json")).json();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const op = raw as {
        parameters?: Parameter[];
        security?: unknown[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
        operationId?: string;
        tags?: string[];
        responses?: Record<string, unknown>;
      };
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.["application/json"]?.schema,
        public: !op.security?.length,
        operationId: op.operationId,
        tags: op.tags,
        responses: op.responses ?? {},
        pattern: new RegExp(`^${path.replace(/\{\w+\}/g, "[^/]+").replaceAll(".", "\\.")}$`),
      });
    }
  }
  const setup = await createProducerSetup();
  const batch = await createBatch(setup, {}, true);
  const [label] = await issue(setup, batch, 1);
  adminToken = (await createUser("admin")).token;
  producerToken = setup.producer.token;
  ids = {
    batches: batch,
    code: label?.code as string,
    organizations: setup.org.id,
    authorizations: setup.authorization.id,
    "gi-products": setup.product.id,
    users: setup.producer.id,
    alerts: "alr_doesnotexist",
  };
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string }>();
  tables = results.map((r) => r.name);
});

describe("OpenAPI fuzz", () => {
  it("covers the whole document", () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(tables.length).toBeGreaterThan(5);
  });

  // Some 1,500 requests: on a busy two-core machine, beside another file, it has taken 90 s.
  it("no 5xx, problem+json errors, rejected writes change no row", async () => {
    const failures: string[] = [];
    const undocumented = new Map<string, string>();
    const isWrite = (m: string) => ["POST", "PUT", "PATCH", "DELETE"].includes(m);
    for (const op of operations) {
      if (!op.operationId || !op.tags?.length) failures.push(`no operationId or tag: ${op.key}`);
      const base = sample(op.body);
      const queryParams = op.parameters.filter((p) => p.in === "query");
      // Producer-only operations (an admin gets 403) are fuzzed with the producer's token.
      const probe = await call(pathFor(op, null), {
        method: op.method,
        token: adminToken,
        body: op.method === "GET" ? undefined : base,
      });
      await probe.body?.cancel();
      const staffToken = probe.status === 403 ? producerToken : adminToken;
      // The counts after a rejected write are the counts before the next request: only a
      // request that may have written anything (an accepted write, a read) makes them unknown.
      let known: Record<string, number> | undefined;
      await fc.assert(
        fc.asyncProperty(
          mutation,
          pathMutation,
          queryMutation,
          fc.boolean(),
          async (m, badPath, badQuery, anonymous) => {
            const token = anonymous && op.public ? undefined : staffToken;
            let url = pathFor(op, badPath);
            if (badQuery && queryParams.length) {
              const p = queryParams[badQuery[0] % queryParams.length] as Parameter;
              url += `?${p.name}=${encode(String(badQuery[1]))}`;
            }
            const headers: Record<string, string> = {};
            let body: string | undefined;
            if (op.method !== "GET") {
              const applied = applyMutation(base, m);
              body = applied.body;
              if (applied.contentType) headers["Content-Type"] = applied.contentType;
            }
            const before = isWrite(op.method) ? (known ?? (await rowCounts())) : undefined;
            known = undefined;
            const response = await call(url, { method: op.method, token, headers, body });
            const text = await response.text();
            const label = `${op.key} ${op.method} ${url.slice(0, 120)} body=${(body ?? "").slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`;
            if (response.status >= 500) failures.push(`5xx: ${label}`);
            // A path parameter fuzzed to nothing reaches another route, not this operation.
            const reached = op.pattern.test(new URL(url, "http://x").pathname);
            if (reached && response.status >= 400 && !(String(response.status) in op.responses))
              undocumented.set(`${op.key} ${response.status}`, label);
            if (response.status >= 400) {
              const type = response.headers.get("Content-Type") ?? "";
              let problem: { code?: string; request_id?: string } = {};
              try {
                problem = JSON.parse(text);
              } catch {}
              if (
                !type.startsWith("application/problem+json") ||
                !problem.code ||
                !problem.request_id
              )
                failures.push(`not problem+json: ${label}`);
              if (before) {
                const after = await rowCounts();
                const changed = tables.filter((t) => before[t] !== after[t]);
                if (changed.length) failures.push(`rows changed in ${changed.join(",")}: ${label}`);
                known = after;
              }
            }
          },
        ),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    }
    for (const [answer, example] of undocumented) {
      failures.push(`undocumented ${answer}, e.g. ${example.slice(0, 160)}`);
    }
    expect(failures.slice(0, 30)).toEqual([]);
  }, 180_000);
});
