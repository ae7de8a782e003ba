import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chinaDate } from "../../../src/lib/beijing-time";
import { combineVerdicts, evaluateLabelScan, verdictRank } from "../../../src/lib/risk/evaluate";
import { verdictMessage } from "../../../src/lib/risk/messages";
import { batchAnomaly } from "../../../src/lib/risk/rules/batch-anomaly";
import { forgedCodeBurst } from "../../../src/lib/risk/rules/forged-code";
import { impossibleTravel } from "../../../src/lib/risk/rules/impossible-travel";
import {
  MAX_TRACKED_CLIENT_KEYS,
  MAX_TRACKED_SCAN_REGIONS,
  type RiskSettings,
  ruleSeverity,
} from "../../../src/lib/risk/settings";
import { type LabelContext, type RuleId, ruleIds, verdicts } from "../../../src/lib/risk/types";
import {
  clientKeyArb,
  contextArb,
  instantArb,
  isoArb,
  latArb,
  lngArb,
  recentPairArb,
  regionArb,
  scanArb,
  settingsArb,
} from "./arbitraries";
import { DAY_MS, northOf } from "./fixtures";

// Every rule that evaluateLabelScan runs: forged_code and batch_anomaly are evaluated elsewhere.
const labelRules = ruleIds.filter(
  (rule): rule is Exclude<RuleId, "forged_code" | "batch_anomaly"> =>
    rule !== "forged_code" && rule !== "batch_anomaly",
);

/** Any label context, scan and settings, with the last scan often close in time. */
const anyCase = fc.record({
  pair: fc.oneof(fc.record({ ctx: contextArb, scan: scanArb }), recentPairArb),
  settings: settingsArb,
});

describe("risk engine properties", () => {
  it("finds a fresh active label with no scans genuine under any settings", () => {
    const freshCase = fc
      .record({
        scanMs: instantArb,
        shelfLifeDays: fc.option(fc.integer({ min: 0, max: 3650 }), { nil: null }),
        producedFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        daysValidBefore: fc.integer({ min: 0, max: 3650 }),
        daysValidAfter: fc.integer({ min: 0, max: 3650 }),
        scan: scanArb,
        settings: settingsArb,
      })
      .map(
        ({
          scanMs,
          shelfLifeDays,
          producedFraction,
          daysValidBefore,
          daysValidAfter,
          scan,
          settings,
        }) => {
          const at = new Date(scanMs).toISOString();
          const producedAgo = Math.floor(producedFraction * (shelfLifeDays ?? 3650) * DAY_MS);
          const ctx: LabelContext = {
            labelStatus: "active",
            batchStatus: "released",
            authorization: {
              status: "active",
              validFrom: chinaDate(new Date(scanMs - daysValidBefore * DAY_MS)),
              validUntil: chinaDate(new Date(scanMs + daysValidAfter * DAY_MS)),
            },
            giProductStatus: "active",
            producedAt: new Date(scanMs - producedAgo).toISOString(),
            shelfLifeDays,
            scanCount: 0,
            clientKeys: [],
            scanRegions: [],
            lastScan: null,
          };
          return { ctx, scan: { ...scan, at }, settings };
        },
      );
    fc.assert(
      fc.property(freshCase, ({ ctx, scan, settings }) => {
        const evaluation = evaluateLabelScan(ctx, scan, settings);
        expect(evaluation.verdict).toBe("genuine");
        expect(evaluation.hits).toEqual([]);
      }),
    );
  });

  it("never lowers the verdict when more distinct clients scanned the code", () => {
    fc.assert(
      fc.property(
        anyCase,
        fc.uniqueArray(
          fc.integer({ min: 0, max: 100 }).map((n) => `extra-${n}`),
          { minLength: 1 },
        ),
        ({ pair: { ctx, scan }, settings }, extra) => {
          const before = evaluateLabelScan(ctx, scan, settings);
          const more = { ...ctx, clientKeys: [...ctx.clientKeys, ...extra] };
          const after = evaluateLabelScan(more, scan, settings);
          expect(verdictRank(after.verdict)).toBeGreaterThanOrEqual(verdictRank(before.verdict));
        },
      ),
    );
  });

  it("never fires impossible_travel when either scan has no coordinates", () => {
    fc.assert(
      fc.property(
        recentPairArb,
        settingsArb,
        fc.constantFrom("last", "current", "both"),
        fc.constantFrom("lat", "lng"),
        ({ ctx, scan }, settings, missing, coordinate) => {
          const dropLast = missing !== "current";
          const dropCurrent = missing !== "last";
          const lastScan = ctx.lastScan && {
            ...ctx.lastScan,
            ...(dropLast ? { [coordinate]: null } : {}),
          };
          const current = dropCurrent ? { ...scan, [coordinate]: null } : scan;
          const params = settings.impossible_travel;
          expect(impossibleTravel({ ...ctx, lastScan }, current, params)).toBeNull();
          expect(impossibleTravel({ ...ctx, lastScan: null }, scan, params)).toBeNull();
        },
      ),
    );
  });

  it("never fires impossible_travel within min_distance_km, however short the time", () => {
    fc.assert(
      fc.property(
        recentPairArb,
        settingsArb,
        fc.double({ min: -80, max: 30, noNaN: true }),
        lngArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        ({ ctx, scan }, settings, lat, lng, fraction) => {
          const params = settings.impossible_travel;
          // A little below the limit so that rounding in the distance cannot cross it.
          const km = fraction * params.min_distance_km * (1 - 1e-9);
          const from = { lat, lng };
          const to = northOf(from, km);
          const last = { ...(ctx.lastScan ?? { at: scan.at }), ...from };
          expect(
            impossibleTravel({ ...ctx, lastScan: last }, { ...scan, ...to }, params),
          ).toBeNull();
        },
      ),
    );
  });

  it("never fires a disabled rule", () => {
    fc.assert(
      fc.property(
        anyCase,
        fc.constantFrom(...labelRules),
        ({ pair: { ctx, scan }, settings }, rule) => {
          const disabled: RiskSettings = {
            ...settings,
            [rule]: { ...settings[rule], enabled: false },
          };
          const evaluation = evaluateLabelScan(ctx, scan, disabled);
          expect(evaluation.reasons).not.toContain(rule);
        },
      ),
    );
    fc.assert(
      fc.property(
        settingsArb,
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (settings, invalidScans, labelsScanned, labelsFlagged) => {
          const forged = { ...settings.forged_code, enabled: false };
          expect(forgedCodeBurst(invalidScans, forged)).toBeNull();
          expect(forgedCodeBurst(invalidScans, forged, "region")).toBeNull();
          const batch = { ...settings.batch_anomaly, enabled: false };
          expect(batchAnomaly({ labelsScanned, labelsFlagged }, batch)).toBeNull();
        },
      ),
    );
  });

  it("keeps next.clientKeys and next.scanRegions distinct, capped and with this scan's", () => {
    fc.assert(
      fc.property(
        anyCase,
        fc.array(clientKeyArb, { maxLength: 50 }),
        fc.array(regionArb, { maxLength: 50 }),
        ({ pair: { ctx, scan }, settings }, keys, regions) => {
          // The stored lists may arrive with duplicates or beyond the cap: the output may not.
          const messy = { ...ctx, clientKeys: [...ctx.clientKeys, ...keys], scanRegions: regions };
          const { next } = evaluateLabelScan(messy, scan, settings);
          expect(new Set(next.clientKeys).size).toBe(next.clientKeys.length);
          expect(next.clientKeys).toContain(scan.clientKey);
          expect(next.clientKeys.length).toBeLessThanOrEqual(MAX_TRACKED_CLIENT_KEYS);
          expect(new Set(next.scanRegions).size).toBe(next.scanRegions.length);
          if (scan.prefectureCode) expect(next.scanRegions).toContain(scan.prefectureCode);
          expect(next.scanRegions.length).toBeLessThanOrEqual(MAX_TRACKED_SCAN_REGIONS);
        },
      ),
    );
  });

  it("gives the most severe verdict of the hits, with reasons in rule order", () => {
    fc.assert(
      fc.property(anyCase, ({ pair: { ctx, scan }, settings }) => {
        const evaluation = evaluateLabelScan(ctx, scan, settings);
        expect(evaluation.verdict).toBe(combineVerdicts(evaluation.hits.map((hit) => hit.verdict)));
        expect(evaluation.verdict === "genuine").toBe(evaluation.hits.length === 0);
        expect(evaluation.reasons).toEqual(evaluation.hits.map((hit) => hit.rule));
        const order = evaluation.reasons.map((rule) => ruleIds.indexOf(rule));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        for (const hit of evaluation.hits) {
          expect(hit.severity).toBe(ruleSeverity[hit.rule]);
          expect(JSON.parse(JSON.stringify(hit.detail))).toEqual(hit.detail);
        }
      }),
    );
  });

  it("is a pure function of its inputs", () => {
    fc.assert(
      fc.property(anyCase, ({ pair: { ctx, scan }, settings }) => {
        const frozen = structuredClone({ ctx, scan, settings });
        const first = evaluateLabelScan(ctx, scan, settings);
        expect({ ctx, scan, settings }).toEqual(frozen);
        expect(evaluateLabelScan(ctx, scan, settings)).toEqual(first);
      }),
    );
  });

  it("says nothing of earlier scans on a code's first scan", () => {
    for (const verdict of verdicts) {
      const text = verdictMessage(verdict, "zh", {
        count: 1,
        firstAt: "2026-11-20T04:30:00Z",
        firstRegionName: "舟山市",
      });
      expect(text).not.toContain("已被查询");
    }
  });

  it("tells the count and the first scan's Beijing time on any repeated code", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...verdicts.filter((v) => v !== "invalid")),
        // The count includes this scan: a code is "repeated" from its second scan on.
        fc.integer({ min: 2, max: 100_000 }),
        isoArb,
        (verdict, count, firstAt) => {
          const zh = verdictMessage(verdict, "zh", { count, firstAt, firstRegionName: "舟山市" });
          expect(zh).toContain(`该码已被查询 ${count} 次，首次查询时间 `);
          expect(zh).toMatch(
            /首次查询时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间），地点 舟山市，谨防假冒。$/,
          );
          const shifted = new Date(Date.parse(firstAt) + 8 * 3_600_000).toISOString();
          expect(zh).toContain(`${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`);
        },
      ),
    );
  });
});

describe("coordinates", () => {
  it("accepts any real coordinates without throwing", () => {
    fc.assert(
      fc.property(
        recentPairArb,
        settingsArb,
        latArb,
        lngArb,
        ({ ctx, scan }, settings, lat, lng) => {
          expect(() => evaluateLabelScan(ctx, { ...scan, lat, lng }, settings)).not.toThrow();
        },
      ),
    );
  });
});
