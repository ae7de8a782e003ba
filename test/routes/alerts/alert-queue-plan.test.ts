// The alert queue (GET /v1/alerts) is served by indexes: its query (alertListQuery, as the
// handler runs it) neither scans the whole alerts table nor sorts more than a page per scope.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../src/db/client";
import { alertListQuery } from "../../../src/db/queries/alert-list";
import type { AuthUser } from "../../../src/types";
import { queryPlan } from "../../helpers/query-plan";

const user = (role: AuthUser["role"], extra: Partial<AuthUser> = {}) =>
  ({ id: "usr_plan", role, organizationId: null, regionCodes: [], ...extra }) as AuthUser;

const cursor = btoa(JSON.stringify({ k: "2026-11-01T00:00:00.000Z", id: "alr_x" })).replace(
  /=+$/,
  "",
);

const planOf = (reader: AuthUser, filters: { status?: "new"; cursor?: string } = {}) =>
  queryPlan(alertListQuery(getDb(env.DB), reader, filters, 51));

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

  const regulators = [
    ["a prefecture and a province", ["330900", "440000"], {}],
    ["a county, after a cursor", ["330903"], { cursor }],
    ["two prefectures, status new", ["330900", "330100"], { status: "new" as const }],
  ] as const;
  for (const [name, regions, filters] of regulators) {
    it(`regulator of ${name}: walks one index in order per scope and region column`, async () => {
      const plan = await planOf(user("regulator", { regionCodes: [...regions] }), filters);
      const walks = plan.match(
        /SEARCH alerts USING (COVERING )?INDEX alerts_\w*region\w*_seen_idx \(\w+=\?/g,
      );
      expect(walks).toHaveLength(regions.length * 2);
      for (const level of regions.map((r) =>
        r.endsWith("0000") ? "prefix2" : r.endsWith("00") ? "prefix4" : "",
      )) {
        expect(plan).toContain(`alerts_region_${level ? `${level}_` : ""}seen_idx`);
        expect(plan).toContain(`alerts_scan_region_${level ? `${level}_` : ""}seen_idx`);
      }
      expect(plan).not.toMatch(/SCAN alerts$/m);
      // The only sort is the page's: the ids the walks found, looked up one by one.
      expect(plan.match(/TEMP B-TREE/g) ?? []).toHaveLength(1);
      expect(plan).toMatch(/SEARCH alerts USING INDEX sqlite_autoindex_alerts_1 \(id=\?\)/);
    });
  }
});
