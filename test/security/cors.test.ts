import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers/http";
import { dummyPath, type Operation, openApiDocument, operationsOf } from "./operations";

const EVIL = "https://evil.example";
let operations: Operation[];
let allowed: string;

beforeAll(async () => {
  operations = operationsOf(await openApiDocument());
  allowed = (env.CORS_ORIGINS.split(",")[0] as string).trim();
});

const send = (op: Operation, origin: string) =>
  call(dummyPath(op.path), {
    method: op.method,
    headers: {
      Origin: origin,
      ...(op.method === "GET" ? {} : { "Content-Type": "application/json" }),
    },
    body: op.method === "GET" ? undefined : "{}",
  });

const preflight = (op: Operation, origin: string) =>
  call(dummyPath(op.path), {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": op.method,
      "Access-Control-Request-Headers": "authorization, content-type",
    },
  });

/** "METHOD /path → allow-origin" for every operation, so a failure names them all. */
async function allowOrigins(
  request: (op: Operation, origin: string) => Promise<Response>,
  origin: string,
  filter: (op: Operation) => boolean,
): Promise<string[]> {
  const lines: string[] = [];
  for (const op of operations.filter(filter)) {
    const response = await request(op, origin);
    await response.body?.cancel();
    lines.push(`${op.method} ${op.path} → ${response.headers.get("Access-Control-Allow-Origin")}`);
  }
  return lines;
}

const expectAll = (lines: string[], value: string) => {
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.filter((line) => !line.endsWith(`→ ${value}`))).toEqual([]);
};

describe("CORS by operation (generated from /openapi.json)", () => {
  it("has both public and authenticated operations to check", () => {
    expect(operations.filter((op) => op.authenticated).length).toBeGreaterThan(20);
    const publicOps = operations
      .filter((op) => !op.authenticated)
      .map((op) => `${op.method} ${op.path}`);
    expect(publicOps).toEqual(
      expect.arrayContaining(["POST /v1/scans", "POST /v1/reports", "GET /v1/gi-products"]),
    );
    expect(publicOps).not.toContain("GET /v1/scans");
    expect(publicOps).not.toContain("POST /v1/gi-products");
  });

  it("gives a foreign origin nothing on authenticated operations", async () => {
    expectAll(await allowOrigins(send, EVIL, (op) => op.authenticated), "null");
  });

  it("gives a foreign origin nothing in a preflight for an authenticated operation", async () => {
    expectAll(await allowOrigins(preflight, EVIL, (op) => op.authenticated), "null");
  });

  it("gives any origin the wildcard on public operations and their preflights", async () => {
    expectAll(await allowOrigins(send, EVIL, (op) => !op.authenticated), "*");
    expectAll(await allowOrigins(preflight, EVIL, (op) => !op.authenticated), "*");
  });

  it("echoes an allowed origin (CORS_ORIGINS) on authenticated operations and preflights", async () => {
    expectAll(await allowOrigins(send, allowed, (op) => op.authenticated), allowed);
    expectAll(await allowOrigins(preflight, allowed, (op) => op.authenticated), allowed);
  });

  it("varies on Origin when the answer depends on it", async () => {
    const op = operations.find((o) => o.method === "GET" && o.path === "/v1/scans") as Operation;
    const response = await send(op, allowed);
    expect(response.headers.get("Vary")).toMatch(/Origin/);
  });

  it("lets a preflight of a public path with an authenticated method be judged by that method", async () => {
    // Same path, two operations: GET /v1/gi-products is public, POST needs an admin.
    const path = "/v1/gi-products";
    const ask = (method: string) =>
      call(path, {
        method: "OPTIONS",
        headers: { Origin: EVIL, "Access-Control-Request-Method": method },
      });
    expect((await ask("GET")).headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect((await ask("POST")).headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("gives the verify page the wildcard and unknown paths nothing", async () => {
    const page = await call("/v/0000000000000000000AA", { headers: { Origin: EVIL } });
    expect(page.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const unknown = await call("/v1/nothing-here", { headers: { Origin: EVIL } });
    expect(unknown.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});
