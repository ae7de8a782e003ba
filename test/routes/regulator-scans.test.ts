// A regulator's scans list walks its scan regions and producers one by one (regulator-scans.ts):
// the same scans, in the same order, as the scope's definition gives, and by indexes only.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../src/db/client";
import { type RegulatorScanWalk, regulatorScans } from "../../src/db/queries/regulator-scans";
import { verdicts } from "../../src/db/schema";
import { regionsCover } from "../../src/lib/regions";
import { type PastScan, storePastScans } from "../helpers/counted-scans";
import { queryPlan } from "../helpers/query-plan";

const REGIONS = ["330900", "330200", "370200", "440100", null];
const ORGS = ["org_zs", "org_nb", "org_qd", null];
const producersOfZhoushan = ["org_zs"];

let rows: (PastScan & { id: string })[] = [];

beforeAll(async () => {
  const past: PastScan[] = [];
  for (let i = 0; i < 240; i++) {
    // A fixed spread: times with ties, every region, producer and verdict.
    const at = new Date(Date.UTC(2026, 10, 1) + Math.floor(i / 3) * 60_000).toISOString();
    past.push({
      at,
      labelCode: null,
      batchId: null,
      organizationId: ORGS[(i * 7) % ORGS.length] ?? null,
      regionCode: REGIONS[(i * 5) % REGIONS.length] ?? null,
      verdict: verdicts[(i * 11) % verdicts.length] as string,
    });
  }
  await storePastScans(past);
  rows = (
    await env.DB.prepare(
      "SELECT id, scanned_at AS at, organization_id AS organizationId, region_code AS regionCode, verdict FROM scans",
    ).all<PastScan & { id: string }>()
  ).results;
});

/** The scope's definition over every row: made in the regions, or of a producer there. */
function expected(walk: RegulatorScanWalk) {
  return rows
    .filter(
      (r) =>
        regionsCover(walk.regionCodes, r.regionCode) ||
        (r.organizationId !== null && walk.producerIds.includes(r.organizationId)),
    )
    .filter((r) => !walk.verdict || r.verdict === walk.verdict)
    .filter((r) => !walk.since || r.at >= walk.since)
    .sort((a, b) => (b.at !== a.at ? (b.at > a.at ? 1 : -1) : b.id > a.id ? 1 : -1))
    .map((r) => r.id);
}

/** Every page of the walk, each after the last row of the one before. */
async function pagedWalk(walk: RegulatorScanWalk) {
  const ids: string[] = [];
  let after: RegulatorScanWalk["after"];
  for (;;) {
    const page = await regulatorScans(getDb(env.DB), { ...walk, after });
    ids.push(...page.map((r) => r.id));
    const last = page[page.length - 1];
    if (page.length < walk.size || !last) return ids;
    after = { at: last.scannedAt, id: last.id };
  }
}

describe("a regulator's scans walk", () => {
  const base = { regionCodes: ["330900"], producerIds: producersOfZhoushan, size: 7 };
  it.each([
    ["no filter", {}],
    ["verdict suspicious", { verdict: "suspicious" as const }],
    ["verdict genuine", { verdict: "genuine" as const }],
    [
      "verdict invalid since a time",
      { verdict: "invalid" as const, since: "2026-11-01T00:40:00.000Z" },
    ],
    ["a province's scope", { regionCodes: ["330000", "440000"] }],
    ["no producers", { producerIds: [] }],
  ])("pages through exactly the scope's scans, newest first: %s", async (_, change) => {
    const walk = { ...base, ...change };
    const want = expected(walk);
    expect(want.length).toBeGreaterThan(0);
    expect(await pagedWalk(walk)).toEqual(want);
  });

  it("answers nothing for a scope that covers no region and no producer", async () => {
    expect(await pagedWalk({ regionCodes: [], producerIds: [], size: 5 })).toEqual([]);
  });

  it("seeks an index per region and producer, the partial ones for a flagged verdict", async () => {
    const plan = (walk: Partial<RegulatorScanWalk>) =>
      queryPlan(regulatorScans(getDb(env.DB), { ...base, ...walk }));
    const flagged = await plan({ verdict: "suspicious" });
    expect(flagged).toMatch(
      /SEARCH scans USING INDEX scans_flagged_region_time_idx \(region_code=\? AND verdict=\?/,
    );
    expect(flagged).toMatch(
      /SEARCH scans USING INDEX scans_flagged_org_time_idx \(organization_id=\? AND verdict=\?/,
    );
    const forged = await plan({ verdict: "invalid" });
    expect(forged).toMatch(
      /SEARCH scans USING INDEX scans_invalid_region_time_idx \(region_code=\?/,
    );
    expect(forged).not.toMatch(/organization_id=/);
    const any = await plan({});
    expect(any).toMatch(/SEARCH scans USING INDEX scans_region_time_idx \(region_code=\?\)/);
    expect(any).toMatch(/SEARCH scans USING INDEX scans_org_time_idx \(organization_id=\?\)/);
    for (const p of [flagged, forged, any]) expect(p).not.toMatch(/SCAN scans\b/);
  });
});
