import { describe, expect, it } from "vitest";
import {
  combineVerdicts,
  evaluateLabelScan,
  nextScanHistory,
  verdictRank,
} from "../../../src/lib/risk/evaluate";
import { MAX_TRACKED_CLIENT_KEYS } from "../../../src/lib/risk/settings";
import { at, DAY_MS, labelContext, scanObservation, settingsWith, URUMQI } from "./fixtures";

describe("combining verdicts", () => {
  it("ranks counterfeit > recalled > suspicious > warning > genuine", () => {
    const ranks = (["counterfeit", "recalled", "suspicious", "warning", "genuine"] as const).map(
      verdictRank,
    );
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(new Set(ranks).size).toBe(5);
  });

  it("keeps the most severe and is genuine with nothing to combine", () => {
    expect(combineVerdicts([])).toBe("genuine");
    expect(combineVerdicts(["warning", "counterfeit", "suspicious"])).toBe("counterfeit");
    expect(combineVerdicts(["suspicious", "recalled", "warning"])).toBe("recalled");
    expect(combineVerdicts(["warning", "suspicious"])).toBe("suspicious");
  });
});

describe("evaluateLabelScan", () => {
  it("finds a fresh active label genuine", () => {
    const evaluation = evaluateLabelScan(labelContext(), scanObservation());
    expect(evaluation).toEqual({
      verdict: "genuine",
      hits: [],
      reasons: [],
      next: { clientKeys: ["c-now"], scanRegions: ["330900"] },
    });
  });

  it("lets counterfeit win over recalled, suspicious and warning", () => {
    const ctx = labelContext({
      labelStatus: "voided",
      batchStatus: "recalled",
      giProductStatus: "suspended",
      producedAt: at(-400 * DAY_MS),
    });
    const evaluation = evaluateLabelScan(ctx, scanObservation());
    expect(evaluation.verdict).toBe("counterfeit");
    expect(evaluation.reasons).toEqual([
      "voided_label",
      "recalled_batch",
      "authorization_lapsed",
      "past_shelf_life",
    ]);
    expect(evaluation.hits.map((hit) => hit.rule)).toEqual(evaluation.reasons);
  });

  it("lets recalled win over suspicious and warning", () => {
    const ctx = labelContext({
      batchStatus: "recalled",
      clientKeys: ["a", "b", "c"],
      producedAt: at(-400 * DAY_MS),
    });
    const evaluation = evaluateLabelScan(ctx, scanObservation());
    expect(evaluation.verdict).toBe("recalled");
    expect(evaluation.reasons).toEqual(["recalled_batch", "past_shelf_life", "many_clients"]);
  });

  it("lets suspicious win over warning", () => {
    const ctx = labelContext({
      scanRegions: ["110100", "440300"],
      producedAt: at(-400 * DAY_MS),
    });
    const evaluation = evaluateLabelScan(ctx, scanObservation());
    expect(evaluation.verdict).toBe("suspicious");
    expect(evaluation.reasons).toEqual(["past_shelf_life", "wide_spread"]);
  });

  it("gives a warning alone for a product past its shelf life, with no alert", () => {
    const evaluation = evaluateLabelScan(
      labelContext({ producedAt: at(-31 * DAY_MS) }),
      scanObservation(),
    );
    expect(evaluation.verdict).toBe("warning");
    expect(evaluation.hits.map((hit) => hit.alert)).toEqual([false]);
  });

  it("calls a copied code seen across the country counterfeit", () => {
    const ctx = labelContext({
      scanCount: 4,
      clientKeys: ["a", "b", "c"],
      scanRegions: ["650100", "110100"],
      lastScan: { at: at(-3_600_000), lat: URUMQI.lat, lng: URUMQI.lng },
    });
    const evaluation = evaluateLabelScan(ctx, scanObservation());
    expect(evaluation.verdict).toBe("counterfeit");
    expect(evaluation.reasons).toEqual(["many_clients", "impossible_travel", "wide_spread"]);
    expect(evaluation.hits.every((hit) => hit.alert && hit.subject === "label")).toBe(true);
  });

  it("applies the given settings", () => {
    const ctx = labelContext({ labelStatus: "voided", clientKeys: ["a", "b", "c"] });
    const settings = settingsWith({
      voided_label: { enabled: false },
      many_clients: { max_clients: 5 },
    });
    expect(evaluateLabelScan(ctx, scanObservation(), settings).verdict).toBe("genuine");
  });
});

describe("next scan history", () => {
  it("appends a new client and region once", () => {
    const ctx = labelContext({ clientKeys: ["a", "b"], scanRegions: ["110100"] });
    expect(nextScanHistory(ctx, scanObservation({ clientKey: "c" }))).toEqual({
      clientKeys: ["a", "b", "c"],
      scanRegions: ["110100", "330900"],
    });
    const again = nextScanHistory(
      labelContext({ clientKeys: ["a", "b", "c"], scanRegions: ["110100", "330900"] }),
      scanObservation({ clientKey: "b" }),
    );
    expect([...again.clientKeys].sort()).toEqual(["a", "b", "c"]);
    expect(again.scanRegions).toEqual(["110100", "330900"]);
  });

  it("adds no empty client key or missing region", () => {
    const next = nextScanHistory(
      labelContext({ clientKeys: ["a"], scanRegions: ["110100"] }),
      scanObservation({ clientKey: "", prefectureCode: null }),
    );
    expect(next).toEqual({ clientKeys: ["a"], scanRegions: ["110100"] });
  });

  it("keeps the most recently seen clients up to the cap, this one included", () => {
    const full = Array.from({ length: MAX_TRACKED_CLIENT_KEYS }, (_, i) => `k${i}`);
    const next = nextScanHistory(labelContext({ clientKeys: full }), scanObservation());
    expect(next.clientKeys).toHaveLength(MAX_TRACKED_CLIENT_KEYS);
    expect(next.clientKeys).not.toContain("k0");
    expect(next.clientKeys.at(-1)).toBe("c-now");
  });
});
