// A client-chosen X-Request-Id is used only when well formed; anything else is replaced by a
// fresh UUID before it reaches a scan or an audit record.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../helpers/http";
import { releasedLabels } from "../helpers/scans";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("X-Request-Id", () => {
  it("replaces an ill-formed id with a fresh UUID, in the answer and in the stored scan", async () => {
    const { codes } = await releasedLabels(1);
    for (const sent of ["=".repeat(200), "a".repeat(65), "short", "x'; DROP TABLE scans;--"]) {
      const response = await call("/v1/scans", {
        body: { code: codes[0] },
        headers: { "X-Request-Id": sent },
      });
      expect(response.status).toBe(200);
      const id = response.headers.get("X-Request-Id") as string;
      expect(id).toMatch(UUID);
      const stored = await env.DB.prepare("SELECT count(*) AS n FROM scans WHERE request_id = ?")
        .bind(id)
        .first<{ n: number }>();
      expect(stored?.n).toBe(1);
      const raw = await env.DB.prepare("SELECT count(*) AS n FROM scans WHERE request_id = ?")
        .bind(sent)
        .first<{ n: number }>();
      expect(raw?.n).toBe(0);
    }
  });

  it("keeps a well-formed id", async () => {
    const sent = crypto.randomUUID();
    const response = await call("/healthz", { headers: { "X-Request-Id": sent } });
    expect(response.headers.get("X-Request-Id")).toBe(sent);
  });
});
