// The GeoJSON export of scans reads only scans with a point: its chunk query walks the partial
// index of located scans in order, however many scans have none.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../src/db/client";
import { scanChunk } from "../../src/db/queries/scan-list";
import { queryPlan } from "../helpers/query-plan";

describe("the scans GeoJSON export's chunk query", () => {
  for (const after of [undefined, { at: "2026-11-01T00:00:00.000Z", id: "scn_x" }]) {
    it(`walks the located scans in order${after ? " after a key" : ""}`, async () => {
      const plan = await queryPlan(scanChunk(getDb(env.DB), undefined, after, 1000, true));
      expect(plan).toMatch(
        /SCAN scans USING INDEX scans_located_time_idx|SEARCH scans USING INDEX scans_located_time_idx/,
      );
      expect(plan).not.toMatch(/TEMP B-TREE/);
    });
    it(`walks them in order in a province's scan database${after ? " after a key" : ""}`, async () => {
      const plan = await queryPlan(
        scanChunk(getDb(env.SCANS_DB_33), undefined, after, 1000, true),
        env.SCANS_DB_33,
      );
      expect(plan).toMatch(/(SCAN|SEARCH) scans USING INDEX scans_located_time_idx/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    });
  }
});
