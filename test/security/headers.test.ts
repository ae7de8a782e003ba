import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { createBatch, createProducerSetup, createUser, issue } from "../helpers/fixtures";
import { BASE, call } from "../helpers/http";
import { dummyPath, type Operation, openApiDocument, operationsOf } from "./operations";

let operations: Operation[];
let adminToken: string;

beforeAll(async () => {
  operations = operationsOf(await openApiDocument());
  adminToken = (await createUser("admin")).token;
});

/** The headers every answer must carry; the names missing from `response`. */
function missingSecurityHeaders(response: Response): string[] {
  const h = response.headers;
  const missing: string[] = [];
  if (h.get("X-Content-Type-Options") !== "nosniff") missing.push("X-Content-Type-Options");
  const framing =
    /^(DENY|SAMEORIGIN)$/i.test(h.get("X-Frame-Options") ?? "") ||
    /frame-ancestors/.test(h.get("Content-Security-Policy") ?? "");
  if (!framing) missing.push("X-Frame-Options or CSP frame-ancestors");
  if (!h.get("Referrer-Policy")) missing.push("Referrer-Policy");
  if (!/max-age=\d+/.test(h.get("Strict-Transport-Security") ?? "")) {
    missing.push("Strict-Transport-Security");
  }
  if (!h.get("X-Request-Id")) missing.push("X-Request-Id");
  return missing;
}

async function check(
  label: string,
  response: Response | Promise<Response>,
  status?: number,
): Promise<string> {
  const answer = await response;
  await answer.body?.cancel();
  const missing = missingSecurityHeaders(answer);
  if (status !== undefined && answer.status !== status) missing.push(`status ${status}`);
  return missing.length ? `${label} (${answer.status}) lacks ${missing.join(", ")}` : "";
}

const request = (op: Operation, token?: string) =>
  call(dummyPath(op.path), {
    method: op.method,
    token,
    headers: op.method === "GET" ? {} : { "Content-Type": "application/json" },
    body: op.method === "GET" ? undefined : "{}",
  });

describe("security headers on every answer", () => {
  it("on every operation of /openapi.json, anonymous and as admin", async () => {
    const failures: string[] = [];
    for (const op of operations) {
      failures.push(await check(`${op.method} ${op.path}`, request(op)));
      failures.push(await check(`${op.method} ${op.path} (admin)`, request(op, adminToken)));
    }
    expect(failures.filter(Boolean)).toEqual([]);
  });

  it("on successful answers of every kind (JSON, CSV, SVG, PNG, PDF, redirect)", async () => {
    const setup = await createProducerSetup();
    const batchId = await createBatch(setup, {}, true);
    const [label] = await issue(setup, batchId, 2);
    const code = label?.code as string;
    const token = setup.producer.token;
    const answers: [string, Promise<Response>][] = [
      ["batch", call(`/v1/batches/${batchId}`, { token })],
      ["labels csv", call(`/v1/batches/${batchId}/labels?format=csv`, { token })],
      ["labels pdf", call(`/v1/batches/${batchId}/labels.pdf`, { token })],
      ["qr svg", call(`/v1/labels/${code}/qr.svg`, { token })],
      ["qr png", call(`/v1/labels/${code}/qr.png`, { token })],
      ["scan", call("/v1/scans", { body: { code, client_id: "device-headers-1" } })],
      ["verify page", call(`/v/${code}`)],
      ["digital link", call(`/01/04006381333931/10/LOT/21/${code}`)],
    ];
    const failures: string[] = [];
    for (const [name, answer] of answers) failures.push(await check(name, answer));
    expect(failures.filter(Boolean)).toEqual([]);
  });

  it("on service answers, pages and errors", async () => {
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"code":"${"x".repeat(2 * 1024 * 1024)}"}`));
        controller.close();
      },
    });
    const answers: [string, Promise<Response>][] = [
      ["healthz", call("/healthz")],
      ["HEAD healthz", call("/healthz", { method: "HEAD" })],
      ["openapi.json", call("/openapi.json")],
      ["docs", call("/docs")],
      ["verify page of any code", call("/v/SOMECODE")],
      ["404", call("/v1/nothing-here")],
      ["405", call("/healthz", { method: "DELETE" })],
      ["405 on a page", call("/v/SOMECODE", { method: "POST", body: "{}" })],
      [
        "413 declared",
        call("/v1/scans", {
          body: "{}",
          headers: { "Content-Type": "application/json", "Content-Length": "2000000" },
        }),
      ],
      [
        "413 streamed",
        call("/v1/reports", { body: chunked, headers: { "Content-Type": "application/json" } }),
      ],
      ["415", call("/v1/scans", { body: "x", headers: { "Content-Type": "text/plain" } })],
      [
        "400 malformed",
        call("/v1/scans", { body: "{", headers: { "Content-Type": "application/json" } }),
      ],
      ["401", call("/v1/me")],
      [
        "204 preflight",
        call("/v1/me", {
          method: "OPTIONS",
          headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "GET" },
        }),
      ],
    ];
    const failures: string[] = [];
    for (const [name, answer] of answers) {
      // A label starting with a status asserts that status too.
      const status = /^\d{3}\b/.test(name) ? Number(name.slice(0, 3)) : undefined;
      failures.push(await check(name, answer, status));
    }
    expect(failures.filter(Boolean)).toEqual([]);
  });

  it("on a 500 and on the 503 of a refused production configuration", async () => {
    const app = createApp();
    app.get("/probe/boom", () => {
      throw new Error("boom");
    });
    const original = console.error;
    console.error = () => {};
    try {
      const failures = [
        await check("500", app.request(`${BASE}/probe/boom`, {}, env), 500),
        await check(
          "503 misconfigured",
          app.request(
            `${BASE}/healthz`,
            {},
            { ...env, ENVIRONMENT: "production", CLIENT_ID_PEPPER: "" },
          ),
        ),
      ];
      expect(failures.filter(Boolean)).toEqual([]);
    } finally {
      console.error = original;
    }
  });
});
