// The alert queue (GET /v1/alerts) is served by indexes: its query, built as the handler builds
// it, neither scans the whole alerts table nor sorts it.
import { env } from "cloudflare:workers";
import { and, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../src/db/client";
import { alertScope } from "../../../src/db/queries/scopes";
import { alerts } from "../../../src/db/schema";
import { afterCursor } from "../../../src/lib/pagination";
import type { AuthUser } from "../../../src/types";

const user = (role: AuthUser["role"], extra: Partial<AuthUser> = {}) =>
  ({ id: "usr_plan", role, organizationId: null, regionCodes: [], ...extra }) as AuthUser;

const cursor = btoa(JSON.stringify({ k: "2026-11-01T00:00:00.000Z", id: "alr_x" })).replace(
  /=+$/,
  "",
);

async function planOf(reader: AuthUser, filters: { status?: "new"; cursor?: string } = {}) {
  const query = getDb(env.DB)
    .select()
    .from(alerts)
    .where(
      and(
        alertScope(reader),
        afterCursor(filters.cursor, alerts.lastSeenAt, alerts.id),
        filters.status ? eq(alerts.status, filters.status) : undefined,
      ),
    )
    .orderBy(desc(alerts.lastSeenAt), desc(alerts.id))
    .limit(51)
    .toSQL();
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
    .bind(...query.params)
    .all<{ detail: string }>();
  return rows.results.map((r) => r.detail).join("\n");
}

describe("GET /v1/alerts query plan", () => {
  const ordered = [
    ["admin", user("admin"), {}],
    ["admin after a cursor", user("admin"), { cursor }],
    ["admin, status new", user("admin"), { status: "new" as const }],
    ["producer", user("producer", { organizationId: "org_plan" }), {}],
    ["producer after a cursor", user("producer", { organizationId: "org_plan" }), { cursor }],
  ] as const;
  for (const [name, reader, filters] of ordered) {
    it(`${name}: walks an index in order`, async () => {
      const plan = await planOf(reader, filters);
      expect(plan).toMatch(/USING (COVERING )?INDEX alerts_/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
      expect(plan).not.toMatch(/SCAN alerts$/m);
    });
  }

  it("regulator: reads only its regions' alerts through the region indexes", async () => {
    const plan = await planOf(user("regulator", { regionCodes: ["330900", "440000"] }));
    expect(plan).toMatch(/INDEX alerts_region_seen_idx/);
    expect(plan).toMatch(/INDEX alerts_scan_region_seen_idx/);
    expect(plan).not.toMatch(/SCAN alerts$/m);
  });
});
