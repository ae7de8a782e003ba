import { describe, expect, it } from "vitest";
import { authorizationLapsed } from "../../../src/lib/risk/rules/authorization-lapsed";
import { batchAnomaly } from "../../../src/lib/risk/rules/batch-anomaly";
import { forgedCodeBurst, forgedCodeWindowStart } from "../../../src/lib/risk/rules/forged-code";
import { impossibleTravel } from "../../../src/lib/risk/rules/impossible-travel";
import { manyClients } from "../../../src/lib/risk/rules/many-clients";
import { pastShelfLife } from "../../../src/lib/risk/rules/past-shelf-life";
import { recalledBatch } from "../../../src/lib/risk/rules/recalled-batch";
import { unreleasedBatch } from "../../../src/lib/risk/rules/unreleased-batch";
import { voidedLabel } from "../../../src/lib/risk/rules/voided-label";
import { wideSpread } from "../../../src/lib/risk/rules/wide-spread";
import { defaultRiskSettings as defaults, ruleSeverity } from "../../../src/lib/risk/settings";
import type { RuleHit } from "../../../src/lib/risk/types";
import {
  at,
  BEIJING,
  DAY_MS,
  HANGZHOU,
  labelContext,
  northOf,
  SCAN_AT,
  scanObservation,
  URUMQI,
  ZHOUSHAN,
} from "./fixtures";

const on = { enabled: true };
const off = { enabled: false };

function expectHit(hit: RuleHit | null, expected: Partial<RuleHit>): RuleHit {
  expect(hit).not.toBeNull();
  const actual = hit as RuleHit;
  expect(actual).toMatchObject(expected);
  if (expected.rule) expect(actual.severity).toBe(ruleSeverity[expected.rule]);
  return actual;
}

describe("voided_label", () => {
  it("calls a voided label counterfeit and alerts on the label", () => {
    expectHit(voidedLabel(labelContext({ labelStatus: "voided" }), scanObservation(), on), {
      rule: "voided_label",
      verdict: "counterfeit",
      alert: true,
      subject: "label",
    });
  });

  it("leaves an active label alone", () => {
    expect(voidedLabel(labelContext(), scanObservation(), on)).toBeNull();
  });

  it("never fires when disabled", () => {
    expect(voidedLabel(labelContext({ labelStatus: "voided" }), scanObservation(), off)).toBeNull();
  });
});

describe("recalled_batch", () => {
  it("calls a label of a recalled batch recalled and alerts on the batch", () => {
    expectHit(recalledBatch(labelContext({ batchStatus: "recalled" }), scanObservation(), on), {
      rule: "recalled_batch",
      verdict: "recalled",
      alert: true,
      subject: "batch",
    });
  });

  it.each(["draft", "released"] as const)("leaves a %s batch alone", (batchStatus) => {
    expect(recalledBatch(labelContext({ batchStatus }), scanObservation(), on)).toBeNull();
  });

  it("never fires when disabled", () => {
    const ctx = labelContext({ batchStatus: "recalled" });
    expect(recalledBatch(ctx, scanObservation(), off)).toBeNull();
  });
});

describe("unreleased_batch", () => {
  it("calls a label of a draft batch suspicious and alerts on the batch", () => {
    expectHit(unreleasedBatch(labelContext({ batchStatus: "draft" }), scanObservation(), on), {
      rule: "unreleased_batch",
      verdict: "suspicious",
      alert: true,
      subject: "batch",
    });
  });

  it.each(["released", "recalled"] as const)("leaves a %s batch alone", (batchStatus) => {
    expect(unreleasedBatch(labelContext({ batchStatus }), scanObservation(), on)).toBeNull();
  });

  it("never fires when disabled", () => {
    const ctx = labelContext({ batchStatus: "draft" });
    expect(unreleasedBatch(ctx, scanObservation(), off)).toBeNull();
  });
});

describe("authorization_lapsed", () => {
  const authorization = (
    overrides: Partial<ReturnType<typeof labelContext>["authorization"]> = {},
  ) => ({
    status: "active" as const,
    validFrom: "2026-01-01",
    validUntil: "2026-12-31",
    ...overrides,
  });

  it("leaves an active authorization within its dates alone", () => {
    const ctx = labelContext({ authorization: authorization() });
    expect(authorizationLapsed(ctx, scanObservation(), on)).toBeNull();
  });

  it.each(["suspended", "revoked"] as const)("fires for a %s authorization", (status) => {
    const ctx = labelContext({ authorization: authorization({ status }) });
    const hit = expectHit(authorizationLapsed(ctx, scanObservation(), on), {
      rule: "authorization_lapsed",
      verdict: "suspicious",
      alert: true,
      subject: "authorization",
    });
    expect(hit.detail.lapses).toEqual([`authorization_${status}`]);
  });

  it("counts valid_until as a whole day in Beijing time", () => {
    const ctx = labelContext({ authorization: authorization({ validUntil: "2026-12-31" }) });
    // 15:59:59Z is 23:59:59 on Dec 31 in Beijing; 16:00Z is already Jan 1.
    const lastSecond = scanObservation({ at: "2026-12-31T15:59:59.000Z" });
    expect(authorizationLapsed(ctx, lastSecond, on)).toBeNull();
    const nextDay = scanObservation({ at: "2026-12-31T16:00:00.000Z" });
    const hit = expectHit(authorizationLapsed(ctx, nextDay, on), { rule: "authorization_lapsed" });
    expect(hit.detail).toMatchObject({
      lapses: ["authorization_expired"],
      scan_date: "2027-01-01",
    });
  });

  it("counts valid_from as a whole day in Beijing time", () => {
    const ctx = labelContext({ authorization: authorization({ validFrom: "2026-11-24" }) });
    const dayBefore = scanObservation({ at: "2026-11-23T15:59:59.000Z" });
    const hit = expectHit(authorizationLapsed(ctx, dayBefore, on), {
      rule: "authorization_lapsed",
    });
    expect(hit.detail.lapses).toEqual(["authorization_not_yet_valid"]);
    const firstMinute = scanObservation({ at: "2026-11-23T16:00:00.000Z" });
    expect(authorizationLapsed(ctx, firstMinute, on)).toBeNull();
  });

  it.each(["suspended", "revoked"] as const)("fires when the GI product is %s", (status) => {
    const ctx = labelContext({ authorization: authorization(), giProductStatus: status });
    const hit = expectHit(authorizationLapsed(ctx, scanObservation(), on), {
      rule: "authorization_lapsed",
    });
    expect(hit.detail.lapses).toEqual([`gi_product_${status}`]);
  });

  it("lists every lapse at once", () => {
    const ctx = labelContext({
      authorization: authorization({ status: "revoked", validUntil: "2025-12-31" }),
      giProductStatus: "suspended",
    });
    const hit = expectHit(authorizationLapsed(ctx, scanObservation(), on), {
      rule: "authorization_lapsed",
    });
    expect(hit.detail.lapses).toEqual([
      "authorization_revoked",
      "authorization_expired",
      "gi_product_suspended",
    ]);
  });

  it("never fires when disabled", () => {
    const ctx = labelContext({
      authorization: authorization({ status: "revoked", validUntil: "2025-12-31" }),
      giProductStatus: "revoked",
    });
    expect(authorizationLapsed(ctx, scanObservation(), off)).toBeNull();
  });
});

describe("past_shelf_life", () => {
  const producedDaysAgo = (days: number, extraMs = 0) => at(-days * DAY_MS - extraMs);

  it("does not fire at the very end of the shelf life", () => {
    const ctx = labelContext({ producedAt: producedDaysAgo(30), shelfLifeDays: 30 });
    expect(pastShelfLife(ctx, scanObservation(), on)).toBeNull();
  });

  it("fires one millisecond after it, as a warning without alert", () => {
    const ctx = labelContext({ producedAt: producedDaysAgo(30, 1), shelfLifeDays: 30 });
    const hit = expectHit(pastShelfLife(ctx, scanObservation(), on), {
      rule: "past_shelf_life",
      verdict: "warning",
      alert: false,
      subject: "label",
    });
    expect(hit.detail).toMatchObject({ shelf_life_days: 30, days_past: 0 });
  });

  it("reports how many whole days have passed", () => {
    const ctx = labelContext({ producedAt: producedDaysAgo(40), shelfLifeDays: 30 });
    const hit = expectHit(pastShelfLife(ctx, scanObservation(), on), { rule: "past_shelf_life" });
    expect(hit.detail).toMatchObject({ expired_at: at(-10 * DAY_MS), days_past: 10 });
  });

  it("never fires without a shelf life", () => {
    const ctx = labelContext({ producedAt: producedDaysAgo(3650), shelfLifeDays: null });
    expect(pastShelfLife(ctx, scanObservation(), on)).toBeNull();
  });

  it("never fires when disabled", () => {
    const ctx = labelContext({ producedAt: producedDaysAgo(40), shelfLifeDays: 30 });
    expect(pastShelfLife(ctx, scanObservation(), off)).toBeNull();
  });
});

describe("many_clients", () => {
  const params = defaults.many_clients;
  const scanBy = (clientKey: string) => scanObservation({ clientKey });

  it("allows max_clients distinct clients including this one", () => {
    expect(manyClients(labelContext({ clientKeys: ["a", "b"] }), scanBy("c"), params)).toBeNull();
  });

  it("fires on the first client beyond max_clients and alerts on the label", () => {
    const hit = expectHit(
      manyClients(labelContext({ clientKeys: ["a", "b", "c"] }), scanBy("d"), params),
      {
        rule: "many_clients",
        verdict: "suspicious",
        alert: true,
        subject: "label",
      },
    );
    expect(hit.detail).toEqual({ distinct_clients: 4, max_clients: 3 });
  });

  it("does not count a client that scanned before twice", () => {
    expect(
      manyClients(labelContext({ clientKeys: ["a", "b", "c"] }), scanBy("a"), params),
    ).toBeNull();
  });

  it("keeps firing for a code already beyond the limit, whoever scans it", () => {
    const ctx = labelContext({ clientKeys: ["a", "b", "c", "d"] });
    expectHit(manyClients(ctx, scanBy("a"), params), { rule: "many_clients" });
  });

  it("does not count an unknown client", () => {
    expect(
      manyClients(labelContext({ clientKeys: ["a", "b", "c"] }), scanBy(""), params),
    ).toBeNull();
  });

  it("follows a lower threshold", () => {
    const strict = { enabled: true, max_clients: 1 };
    expect(manyClients(labelContext({ clientKeys: ["a"] }), scanBy("a"), strict)).toBeNull();
    expectHit(manyClients(labelContext({ clientKeys: ["a"] }), scanBy("b"), strict), {
      rule: "many_clients",
    });
  });

  it("never fires when disabled", () => {
    const ctx = labelContext({ clientKeys: ["a", "b", "c", "d", "e"] });
    expect(manyClients(ctx, scanBy("f"), { ...params, enabled: false })).toBeNull();
  });
});

describe("impossible_travel", () => {
  const params = defaults.impossible_travel;
  const previous = (point: { lat: number; lng: number } | null, msBefore: number) =>
    labelContext({
      scanCount: 1,
      lastScan: { at: at(-msBefore), lat: point?.lat ?? null, lng: point?.lng ?? null },
    });
  const here = (point: { lat: number; lng: number }) => scanObservation(point);

  it("fires for Urumqi then Zhoushan an hour apart, as counterfeit with an alert", () => {
    const hit = expectHit(impossibleTravel(previous(URUMQI, 3_600_000), here(ZHOUSHAN), params), {
      rule: "impossible_travel",
      verdict: "counterfeit",
      alert: true,
      subject: "label",
    });
    expect(hit.detail.distance_km).toBeGreaterThan(3000);
    expect(hit.detail.previous_scan_at).toBe(at(-3_600_000));
  });

  it("allows Beijing then Zhoushan after a flight of three hours", () => {
    expect(impossibleTravel(previous(BEIJING, 3 * 3_600_000), here(ZHOUSHAN), params)).toBeNull();
  });

  it("allows Hangzhou then Zhoushan twenty minutes apart only when below the speed", () => {
    // About 200 km: 900 km/h covers it in about 14 minutes.
    expect(impossibleTravel(previous(HANGZHOU, 20 * 60_000), here(ZHOUSHAN), params)).toBeNull();
    expectHit(impossibleTravel(previous(HANGZHOU, 10 * 60_000), here(ZHOUSHAN), params), {
      rule: "impossible_travel",
    });
  });

  it("fires just above max_speed_kmh and not at or just below it", () => {
    // 100 km at 900 km/h takes exactly 400 s.
    const far = northOf(ZHOUSHAN, 100);
    expectHit(impossibleTravel(previous(ZHOUSHAN, 399_000), here(far), params), {
      rule: "impossible_travel",
    });
    expect(impossibleTravel(previous(ZHOUSHAN, 401_000), here(far), params)).toBeNull();
  });

  it("needs more than min_distance_km, however fast", () => {
    expect(
      impossibleTravel(previous(ZHOUSHAN, 1000), here(northOf(ZHOUSHAN, 49.9)), params),
    ).toBeNull();
    expectHit(impossibleTravel(previous(ZHOUSHAN, 1000), here(northOf(ZHOUSHAN, 50.1)), params), {
      rule: "impossible_travel",
    });
  });

  it("fires for two distant scans at the same instant, with no finite speed", () => {
    const hit = expectHit(impossibleTravel(previous(BEIJING, 0), here(ZHOUSHAN), params), {
      rule: "impossible_travel",
    });
    expect(hit.detail.speed_kmh).toBeNull();
    expect(JSON.parse(JSON.stringify(hit.detail))).toEqual(hit.detail);
  });

  it("uses the elapsed time when scans arrive out of order", () => {
    expectHit(impossibleTravel(previous(URUMQI, -3_600_000), here(ZHOUSHAN), params), {
      rule: "impossible_travel",
    });
  });

  it("needs coordinates on both scans", () => {
    expect(impossibleTravel(previous(null, 1000), here(ZHOUSHAN), params)).toBeNull();
    const noFix = scanObservation({ lat: null, lng: null });
    expect(impossibleTravel(previous(URUMQI, 1000), noFix, params)).toBeNull();
    expect(impossibleTravel(labelContext(), here(ZHOUSHAN), params)).toBeNull();
  });

  it("follows other thresholds", () => {
    const rail = { enabled: true, max_speed_kmh: 350, min_distance_km: 100 };
    // Beijing to Zhoushan (about 1,230 km) in 3 hours is about 410 km/h.
    expectHit(impossibleTravel(previous(BEIJING, 3 * 3_600_000), here(ZHOUSHAN), rail), {
      rule: "impossible_travel",
    });
  });

  it("never fires when disabled", () => {
    const disabled = { ...params, enabled: false };
    expect(impossibleTravel(previous(URUMQI, 1000), here(ZHOUSHAN), disabled)).toBeNull();
  });
});

describe("wide_spread", () => {
  const params = defaults.wide_spread;
  const scanIn = (prefectureCode: string | null) => scanObservation({ prefectureCode });

  it("allows two prefectures", () => {
    const ctx = labelContext({ scanRegions: ["330900"] });
    expect(wideSpread(ctx, scanIn("330100"), params)).toBeNull();
  });

  it("fires at the third prefecture including this scan, with an alert on the label", () => {
    const ctx = labelContext({ scanRegions: ["330900", "330100"] });
    const hit = expectHit(wideSpread(ctx, scanIn("110100"), params), {
      rule: "wide_spread",
      verdict: "suspicious",
      alert: true,
      subject: "label",
    });
    expect(hit.detail).toEqual({
      distinct_regions: 3,
      min_regions: 3,
      region_codes: ["330900", "330100", "110100"],
    });
  });

  it("does not count a prefecture seen before twice", () => {
    const ctx = labelContext({ scanRegions: ["330900", "330100"] });
    expect(wideSpread(ctx, scanIn("330900"), params)).toBeNull();
  });

  it("keeps firing for a code already spread when this scan has no region", () => {
    expectHit(
      wideSpread(
        labelContext({ scanRegions: ["330900", "330100", "110100"] }),
        scanIn(null),
        params,
      ),
      {
        rule: "wide_spread",
      },
    );
    expect(
      wideSpread(labelContext({ scanRegions: ["330900", "330100"] }), scanIn(null), params),
    ).toBeNull();
  });

  it("follows another threshold", () => {
    const ctx = labelContext({ scanRegions: ["330900"] });
    expectHit(wideSpread(ctx, scanIn("330100"), { enabled: true, min_regions: 2 }), {
      rule: "wide_spread",
    });
  });

  it("never fires when disabled", () => {
    const ctx = labelContext({ scanRegions: ["330900", "330100", "110100", "440300"] });
    expect(wideSpread(ctx, scanIn("310100"), { ...params, enabled: false })).toBeNull();
  });
});

describe("forged_code burst", () => {
  const params = defaults.forged_code;

  it("does not alert below burst_count", () => {
    expect(forgedCodeBurst(19, params)).toBeNull();
    expect(forgedCodeBurst(0, params)).toBeNull();
  });

  it.each([20, 21, 500])("raises a forgery-probe alert at %i invalid scans", (count) => {
    const hit = expectHit(forgedCodeBurst(count, params), {
      rule: "forged_code",
      verdict: "invalid",
      alert: true,
      subject: "client",
    });
    expect(hit.detail).toEqual({ invalid_scans: count, burst_count: 20, window_minutes: 10 });
  });

  it("alerts on a region when asked to", () => {
    expectHit(forgedCodeBurst(20, params, "region"), { rule: "forged_code", subject: "region" });
  });

  it("follows another threshold", () => {
    const tight = { ...params, burst_count: 5 };
    expect(forgedCodeBurst(4, tight)).toBeNull();
    expectHit(forgedCodeBurst(5, tight), { rule: "forged_code" });
  });

  it("gives the start of the counting window", () => {
    expect(forgedCodeWindowStart(SCAN_AT, params)).toBe(at(-10 * 60_000));
  });

  it("never fires when disabled", () => {
    expect(forgedCodeBurst(10_000, { ...params, enabled: false })).toBeNull();
  });
});

describe("batch_anomaly", () => {
  const params = defaults.batch_anomaly;
  const stats = (labelsScanned: number, labelsFlagged: number) => ({
    labelsScanned,
    labelsFlagged,
  });

  it("waits for min_labels scanned labels, however many are flagged", () => {
    expect(batchAnomaly(stats(19, 19), params)).toBeNull();
  });

  it("alerts on the batch at exactly min_share of min_labels", () => {
    const hit = expectHit(batchAnomaly(stats(20, 2), params), {
      rule: "batch_anomaly",
      alert: true,
      subject: "batch",
    });
    expect(hit.detail).toMatchObject({ labels_scanned: 20, labels_flagged: 2, share: 0.1 });
  });

  it("does not alert just below min_share", () => {
    expect(batchAnomaly(stats(20, 1), params)).toBeNull();
    expect(batchAnomaly(stats(21, 2), params)).toBeNull();
    expectHit(batchAnomaly(stats(30, 3), params), { rule: "batch_anomaly" });
  });

  it("follows other thresholds", () => {
    const loose = { enabled: true, min_share: 0.5, min_labels: 4 };
    expect(batchAnomaly(stats(4, 1), loose)).toBeNull();
    expectHit(batchAnomaly(stats(4, 2), loose), { rule: "batch_anomaly" });
  });

  it("never fires when disabled", () => {
    expect(batchAnomaly(stats(1000, 1000), { ...params, enabled: false })).toBeNull();
  });
});
