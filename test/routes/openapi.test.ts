import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { errorStatus } from "../../src/lib/errors";
import { call, callJson } from "../helpers/http";

type Operation = {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
};
type Response = { description?: string; content?: Record<string, { schema?: { $ref?: string } }> };
type Document = {
  openapi: string;
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
    responses: Record<string, Response>;
  };
};

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

  it("gives every operation a unique camelCase operationId, one declared tag and explicit security", async () => {
    const { body } = await callJson<Document>("/openapi.json");
    const declared = new Map((body.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const [name, description] of declared) expect(description, `tag ${name}`).toBeTruthy();
    const ids: string[] = [];
    const problems: string[] = [];
    for (const [path, operations] of Object.entries(body.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const key = `${method.toUpperCase()} ${path}`;
        const id = operation.operationId ?? "";
        if (!/^[a-z]+[A-Z][A-Za-z]*$/.test(id)) problems.push(`${key}: operationId "${id}"`);
        ids.push(id);
        if (operation.tags?.length !== 1 || !declared.has(operation.tags[0] as string))
          problems.push(`${key}: tags ${JSON.stringify(operation.tags)}`);
        if (!Array.isArray(operation.security)) problems.push(`${key}: no explicit security`);
      }
    }
    expect(problems).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents error answers as shared problem+json responses whose code is the enum of errorStatus", async () => {
    const { body } = await callJson<Document>("/openapi.json");
    const statuses = new Set(Object.values(errorStatus).map(String));
    expect(body.components.schemas.Problem?.properties?.code?.enum).toEqual(
      Object.keys(errorStatus),
    );
    const shared = body.components.responses;
    for (const [name, response] of Object.entries(shared)) {
      expect(Object.keys(response.content ?? {}), name).toEqual(["application/problem+json"]);
      expect(response.content?.["application/problem+json"]?.schema?.$ref, name).toBe(
        "#/components/schemas/Problem",
      );
    }
    const used = new Set<string>();
    for (const [path, operations] of Object.entries(body.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const where = `${method} ${path} ${status}`;
          expect(statuses, where).toContain(status);
          const name = /^#\/components\/responses\/(\w+)$/.exec(response.$ref ?? "")?.[1];
          expect(name && shared[name], where).toBeTruthy();
          // One shared response per status: its description names the status's codes.
          const codes = Object.entries(errorStatus)
            .filter(([, s]) => String(s) === status)
            .map(([code]) => code);
          for (const code of codes)
            expect(shared[name as string]?.description, where).toContain(code);
          used.add(name as string);
        }
      }
    }
    expect([...used].sort()).toEqual(Object.keys(shared).sort());
  });

  it("documents on GET /healthz only the failures every request can meet", async () => {
    const { body } = await callJson<Document>("/openapi.json");
    const errors = Object.keys(body.paths["/healthz"]?.get?.responses ?? {}).filter(
      (status) => Number(status) >= 400,
    );
    expect(errors).toEqual(["500", "503"]);
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
