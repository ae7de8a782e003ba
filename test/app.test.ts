import { env } from "cloudflare:workers";
import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { errorResponses, jsonBody, jsonContent } from "../src/lib/openapi";
import { BASE, call, expectProblem } from "./helpers/http";

// An app with two extra routes: one with a validated body, one that fails unexpectedly.
function appWithProbeRoutes() {
  const app = createApp();
  const echo = createRoute({
    method: "post",
    path: "/probe/echo",
    request: {
      body: jsonBody(
        z.object({ name: z.string().min(1), count: z.number().int().min(1).max(10) }).strict(),
      ),
    },
    responses: { 200: jsonContent(z.object({ name: z.string() }), "echo"), ...errorResponses },
  });
  app.openapi(echo, (c) => c.json({ name: c.req.valid("json").name }, 200));
  app.get("/probe/boom", () => {
    throw new Error("secret internal detail /src/db/client.ts:12");
  });
  return app;
}

const probe = (path: string, init?: RequestInit) =>
  appWithProbeRoutes().request(`${BASE}${path}`, init, env);

describe("error envelope", () => {
  it("answers an unknown path with 404 problem+json", async () => {
    const problem = await expectProblem(await call("/v1/nothing-here"), 404, "not_found");
    expect(problem.detail).toContain("/v1/nothing-here");
  });

  it("answers a known path with a wrong method with 405 and Allow", async () => {
    const response = await call("/healthz", { method: "DELETE" });
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
    await expectProblem(response, 405, "method_not_allowed");
  });

  it("answers malformed JSON with 400 malformed_json", async () => {
    const response = await probe("/probe/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"name": "x", ',
    });
    await expectProblem(response, 400, "malformed_json");
  });

  it("answers a schema failure with one error per bad field", async () => {
    const response = await probe("/probe/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "", count: 99, extra: true }),
    });
    const problem = await expectProblem(response, 400, "validation_failed");
    const paths = problem.errors?.map((e) => e.path).sort();
    expect(paths).toEqual(["body", "body.count", "body.name"]);
    expect(problem.errors?.every((e) => e.message.length > 0)).toBe(true);
  });

  it("answers a missing body with 400 validation_failed", async () => {
    const response = await probe("/probe/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    const problem = await expectProblem(response, 400, "validation_failed");
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(["body.count", "body.name"]);
  });

  it("answers a wrong content type with 415", async () => {
    const response = await probe("/probe/echo", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "name=x",
    });
    await expectProblem(response, 415, "unsupported_media_type");
  });

  it("answers a declared oversized body with 413 before reading it", async () => {
    const response = await probe("/probe/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Length": String(2 * 1024 * 1024) },
      body: "{}",
    });
    const problem = await expectProblem(response, 413, "payload_too_large");
    expect(problem.max_bytes).toBe(1024 * 1024);
  });

  it("answers a streamed oversized body with 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 40) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const response = await probe("/probe/echo", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: stream,
      // @ts-expect-error duplex is required for streamed bodies but missing from the types
      duplex: "half",
    });
    await expectProblem(response, 413, "payload_too_large");
    expect(sent).toBeLessThan(40);
  });

  it("answers an unexpected exception with 500 and no details", async () => {
    const response = await probe("/probe/boom");
    const text = await response.clone().text();
    const problem = await expectProblem(response, 500, "internal_error");
    expect(text).not.toContain("secret internal detail");
    expect(text).not.toContain("client.ts");
    expect(problem.detail).toMatch(/our side/);
  });

  it("echoes a client's request id in the header and the problem", async () => {
    const response = await call("/v1/nothing-here", { headers: { "X-Request-Id": "req-abc-123" } });
    const problem = await expectProblem(response, 404, "not_found");
    expect(problem.request_id).toBe("req-abc-123");
  });
});
