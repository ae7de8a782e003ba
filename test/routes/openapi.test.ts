import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { call, callJson } from "../helpers/http";

type Operation = { responses: Record<string, unknown> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

// Routes served outside the OpenAPI document on purpose: the document itself and its viewer.
const UNDOCUMENTED = new Set(["GET /openapi.json", "GET /docs"]);

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, "{$1}");

describe("GET /openapi.json", () => {
  it("is OpenAPI 3.1 and documents every route the app serves", async () => {
    const { status, body } = await callJson<Document>("/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    const documented = new Set(
      Object.entries(body.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const served = createApp()
      .routes.filter((route) => route.method !== "ALL")
      .map((route) => `${route.method} ${toOpenApiPath(route.path)}`)
      .filter((route) => !UNDOCUMENTED.has(route));
    expect(served.length).toBeGreaterThan(0);
    for (const route of served) expect(documented).toContain(route);
  });

  it("declares the problem+json error answers on every operation", async () => {
    const { body } = await callJson<Document>("/openapi.json");
    for (const [path, operations] of Object.entries(body.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        // 404 where a path names an object; a list answers an empty page, never 404.
        const statuses = path.includes("{") ? ["400", "401", "404", "500"] : ["400", "401", "500"];
        for (const status of statuses) {
          expect(operation.responses, `${method} ${path} ${status}`).toHaveProperty(status);
        }
      }
    }
  });
});

describe("GET /docs", () => {
  it("renders the Scalar API reference from this origin, under a CSP, with no CDN", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1] as string);
    expect(scripts).toEqual(["/assets/scalar/standalone.js", "/assets/docs.js"]);
    for (const script of scripts) {
      const asset = await env.ASSETS.fetch(`http://gi-trace.test${script}`);
      expect(asset.status, script).toBe(200);
      const text = await asset.text();
      if (script.endsWith("docs.js")) expect(text).toContain("/openapi.json");
      else expect(text).toContain("createApiReference");
    }
  });
});
