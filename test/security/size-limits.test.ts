import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../helpers/fixtures";
import { call, expectProblem } from "../helpers/http";
import { type OpenApiDocument, openApiDocument, operationsOf } from "./operations";

type Schema = Record<string, unknown>;

let document: OpenApiDocument;

beforeAll(async () => {
  document = await openApiDocument();
});

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const name = ref.replace("#/components/schemas/", "");
  return resolve(document.components?.schemas?.[name] as Schema);
}

/** A pattern bounds a string when it is anchored and has no unbounded repetition. */
const boundedPattern = (pattern: unknown) =>
  typeof pattern === "string" &&
  pattern.startsWith("^") &&
  pattern.endsWith("$") &&
  !/(?<!\\)[*+]|\{\d+,\}/.test(pattern.replace(/\[(?:\\.|[^\]])*\]/g, "C"));

/**
 * Where a request body schema lets a client send unbounded data: strings need maxLength (or an
 * enum/const, or an anchored pattern with bounded repetition; a `format` alone bounds nothing),
 * arrays maxItems, objects must be closed (additionalProperties false) or bound their
 * properties (maxProperties, with bounded keys and values).
 */
function unbounded(raw: Schema, path: string, out: string[], seen = new Set<Schema>()): string[] {
  const schema = resolve(raw);
  if (seen.has(schema)) return out;
  const nextSeen = new Set(seen).add(schema);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    for (const [i, part] of ((schema[key] as Schema[]) ?? []).entries()) {
      unbounded(part, `${path}(${key}${i})`, out, nextSeen);
    }
  }
  if (schema.enum !== undefined || schema.const !== undefined) return out;
  const types = ([] as unknown[]).concat(schema.type ?? []);
  if (types.includes("string")) {
    if (typeof schema.maxLength !== "number" && !boundedPattern(schema.pattern)) {
      out.push(`${path}: string without maxLength`);
    }
  }
  if (types.includes("array")) {
    if (typeof schema.maxItems !== "number") out.push(`${path}: array without maxItems`);
    if (schema.items) unbounded(schema.items as Schema, `${path}[]`, out, nextSeen);
  }
  if (types.includes("object") || schema.properties) {
    const additional = schema.additionalProperties;
    if (additional === undefined || additional === true) {
      out.push(`${path}: object open to any property (not strict)`);
    } else if (typeof additional === "object") {
      if (typeof schema.maxProperties !== "number") {
        out.push(`${path}: map without maxProperties`);
      }
      const names = schema.propertyNames as Schema | undefined;
      if (!names || typeof resolve(names).maxLength !== "number") {
        out.push(`${path}: map keys without maxLength`);
      }
      unbounded(additional as Schema, `${path}.*`, out, nextSeen);
    }
    for (const [name, property] of Object.entries(
      (schema.properties as Record<string, Schema>) ?? {},
    )) {
      unbounded(property, `${path}.${name}`, out, nextSeen);
    }
  }
  return out;
}

// Non-JSON bodies (the CSV import) are text streams bounded by MAX_BODY_BYTES only.
// EPCIS documents are open JSON-LD (user extensions anywhere): bounded by the body limit and
// the capture's event count, and checked against GS1's EPCIS JSON schema by the handler.
const BOUNDED_BY_BODY_LIMIT = new Set(["text/csv", "application/ld+json"]);

describe("size limits on every request body", () => {
  it("bounds every string, array and object of every JSON request body in /openapi.json", () => {
    const problems: string[] = [];
    let bodies = 0;
    for (const op of operationsOf(document)) {
      const body = op.operation.requestBody as { content?: Record<string, { schema: Schema }> };
      for (const [type, media] of Object.entries(body?.content ?? {})) {
        if (BOUNDED_BY_BODY_LIMIT.has(type)) continue;
        bodies += 1;
        unbounded(media.schema, `${op.method} ${op.path} body`, problems);
      }
    }
    expect(bodies).toBeGreaterThan(15);
    expect(problems).toEqual([]);
  });

  const maxBytes = () => Number(env.MAX_BODY_BYTES);

  it("refuses a declared body over MAX_BODY_BYTES with 413 before reading it", async () => {
    const admin = await createUser("admin");
    for (const [path, token] of [
      ["/v1/reports", undefined],
      ["/v1/gi-products", admin.token],
    ] as const) {
      const response = await call(path, {
        token,
        body: "{}",
        headers: {
          "Content-Type": "application/json",
          "Content-Length": String(maxBytes() + 1),
        },
      });
      const problem = await expectProblem(response, 413, "payload_too_large");
      expect(problem.max_bytes).toBe(maxBytes());
    }
  });

  it("refuses a chunked body without length once it passes MAX_BODY_BYTES", async () => {
    const chunk = new TextEncoder().encode(`"${"x".repeat(64 * 1024 - 2)}",`);
    const chunks = Math.ceil(maxBytes() / chunk.length) + 8;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"codes":['));
        if (sent >= chunks) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const admin = await createUser("admin");
    const response = await call("/v1/labels/void", {
      token: admin.token,
      body,
      headers: { "Content-Type": "application/json" },
    });
    expect(response.headers.get("Content-Length")).not.toBe(String(maxBytes()));
    await expectProblem(response, 413, "payload_too_large");
    expect(sent).toBeLessThan(chunks);
  });

  it("answers 400 validation_failed for a field one character over its maxLength", async () => {
    const schemaOf = (path: string) => {
      const body = document.paths[path]?.post?.requestBody as
        | { content: Record<string, { schema: Schema }> }
        | undefined;
      return resolve(body?.content["application/json"]?.schema as Schema);
    };
    const cases = [
      { path: "/v1/auth/wechat", field: "code", body: {} as Record<string, string> },
      { path: "/v1/auth/login", field: "password", body: { email: "someone@example.org" } },
    ];
    for (const { path, field, body } of cases) {
      const property = (schemaOf(path).properties as Record<string, Schema>)[field] as Schema;
      const max = property.maxLength as number;
      expect(max).toBeGreaterThan(0);
      const atMax = await call(path, { body: { ...body, [field]: "a".repeat(max) } });
      expect(atMax.status, `${path} at maxLength`).not.toBe(400);
      await atMax.body?.cancel();
      const over = await call(path, { body: { ...body, [field]: "a".repeat(max + 1) } });
      const problem = await expectProblem(over, 400, "validation_failed");
      expect(problem.errors?.map((e) => e.path)).toEqual([`body.${field}`]);
    }
  });
});
