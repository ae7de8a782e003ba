import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson } from "../helpers/http";

describe("health", () => {
  it("answers /healthz with ok", async () => {
    const { status, body } = await callJson("/healthz");
    expect(status).toBe(200);
    expect(body).toEqual({ status: "ok" });
  });

  it("answers /readyz with ok when D1 answers", async () => {
    const { status, body } = await callJson("/readyz");
    expect(status).toBe(200);
    expect(body).toEqual({ status: "ok" });
  });

  it("has applied every migration to the test database", async () => {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    ).all<{ name: string }>();
    const tables = results.map((r) => r.name);
    for (const table of [
      "gi_products",
      "organizations",
      "sites",
      "users",
      "refresh_tokens",
      "authorizations",
      "batches",
      "trace_events",
      "labels",
      "scans",
      "alerts",
      "alert_events",
      "audit_log",
      "idempotency_keys",
      "risk_settings",
    ]) {
      expect(tables).toContain(table);
    }
  });

  it("sends security headers and a request id", async () => {
    const response = await call("/healthz");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("X-Request-Id")).toMatch(/^[\w-]{8,}$/);
  });
});
