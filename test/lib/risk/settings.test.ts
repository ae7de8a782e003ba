import { z } from "@hono/zod-openapi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  defaultRiskSettings,
  mergeRiskSettings,
  openAlertsBySeverity,
  RiskSettingsPatchSchema,
  RiskSettingsSchema,
  ruleSeverity,
  severityOfRule,
} from "../../../src/lib/risk/settings";
import { ruleIds } from "../../../src/lib/risk/types";
import { type Limit, numericFields, patchArb, sections, settingsArb } from "./arbitraries";

describe("default risk settings", () => {
  it("are valid and follow DESIGN section 5", () => {
    expect(RiskSettingsSchema.parse(defaultRiskSettings)).toEqual(defaultRiskSettings);
    expect(defaultRiskSettings).toMatchObject({
      many_clients: { enabled: true, max_clients: 3 },
      impossible_travel: { enabled: true, max_speed_kmh: 900, min_distance_km: 50 },
      wide_spread: { enabled: true, min_regions: 3 },
      forged_code: { enabled: true, burst_count: 20, burst_window_minutes: 10 },
      batch_anomaly: { enabled: true, min_share: 0.1, min_labels: 20 },
      general: { alert_cooldown_minutes: 60 },
    });
  });

  it("enable every rule and cannot be changed in place", () => {
    for (const rule of ruleIds) expect(defaultRiskSettings[rule].enabled).toBe(true);
    expect(Object.isFrozen(defaultRiskSettings.many_clients)).toBe(true);
  });

  it("give every rule a severity", () => {
    expect(Object.keys(ruleSeverity).sort()).toEqual([...ruleIds].sort());
  });
});

describe("mergeRiskSettings", () => {
  it("gives a changeable copy of the defaults when nothing is stored", () => {
    for (const stored of [undefined, null, "", "not json", 42, [], {}]) {
      const merged = mergeRiskSettings(stored);
      expect(merged).toEqual(defaultRiskSettings);
      expect(Object.isFrozen(merged.many_clients)).toBe(false);
    }
  });

  it("reads stored settings as an object or as JSON text", () => {
    const stored = { many_clients: { max_clients: 5 }, wide_spread: { enabled: false } };
    for (const value of [stored, JSON.stringify(stored)]) {
      const merged = mergeRiskSettings(value);
      expect(merged.many_clients).toEqual({ enabled: true, max_clients: 5 });
      expect(merged.wide_spread).toEqual({ enabled: false, min_regions: 3 });
      expect(merged.impossible_travel).toEqual(defaultRiskSettings.impossible_travel);
    }
  });

  it("falls back to the default for a stored field that is no longer valid", () => {
    const merged = mergeRiskSettings({
      many_clients: { max_clients: 500, enabled: "yes" },
      impossible_travel: { max_speed_kmh: 800, retired_setting: 1 },
      retired_rule: { enabled: true },
    });
    expect(merged.many_clients).toEqual(defaultRiskSettings.many_clients);
    expect(merged.impossible_travel).toEqual({
      enabled: true,
      max_speed_kmh: 800,
      min_distance_km: 50,
    });
  });

  it("lays a patch over the stored settings", () => {
    const merged = mergeRiskSettings(
      { many_clients: { max_clients: 5 }, wide_spread: { min_regions: 4 } },
      { many_clients: { enabled: false }, wide_spread: { min_regions: 2 }, general: {} },
    );
    expect(merged.many_clients).toEqual({ enabled: false, max_clients: 5 });
    expect(merged.wide_spread).toEqual({ enabled: true, min_regions: 2 });
  });

  it.each([
    ["an unknown rule", { copied_code: { enabled: true } }],
    ["an unknown field", { many_clients: { max_client: 4 } }],
    ["a fraction where a count is due", { many_clients: { max_clients: 3.5 } }],
    ["a number as text", { wide_spread: { min_regions: "4" } }],
    ["a share above one", { batch_anomaly: { min_share: 1.5 } }],
    ["a zero cooldown", { general: { alert_cooldown_minutes: 0 } }],
    ["a null section", { wide_spread: null }],
    ["something not an object", "many_clients=4"],
  ])("refuses a patch with %s", (_, patch) => {
    expect(() => mergeRiskSettings(undefined, patch)).toThrow(z.ZodError);
    expect(RiskSettingsPatchSchema.safeParse(patch).success).toBe(false);
  });

  it("accepts any valid partial update and applies exactly it", () => {
    fc.assert(
      fc.property(settingsArb, patchArb, (stored, patch) => {
        expect(RiskSettingsPatchSchema.safeParse(patch).success).toBe(true);
        const merged = mergeRiskSettings(stored, patch);
        for (const section of sections) {
          expect(merged[section]).toEqual({ ...stored[section], ...patch[section] });
        }
      }),
    );
  });

  it("round-trips any valid settings through storage", () => {
    fc.assert(
      fc.property(settingsArb, (settings) => {
        expect(mergeRiskSettings(JSON.stringify(settings))).toEqual(settings);
      }),
    );
  });

  it("rejects any out-of-range value", () => {
    const outOfRange = (limit: Limit) =>
      fc.oneof(
        fc.double({ max: limit.min, maxExcluded: true }),
        fc.double({ min: limit.max, minExcluded: true }),
        ...(limit.integer
          ? [
              fc
                .double({ min: limit.min, max: limit.max, noNaN: true })
                .filter((n) => !Number.isInteger(n)),
            ]
          : []),
      );
    const invalidCase = fc
      .constantFrom(...numericFields)
      .chain(([section, field, limit]) =>
        outOfRange(limit).map((value) => ({ section, field, value })),
      );
    fc.assert(
      fc.property(settingsArb, invalidCase, (stored, { section, field, value }) => {
        const patch = { [section]: { [field]: value } };
        expect(RiskSettingsPatchSchema.safeParse(patch).success).toBe(false);
        expect(() => mergeRiskSettings(stored, patch)).toThrow(z.ZodError);
        const whole = { ...stored, [section]: { ...stored[section], [field]: value } };
        expect(RiskSettingsSchema.safeParse(whole).success).toBe(false);
      }),
    );
  });
});

describe("alert severity", () => {
  it("is the rule's for every rule, medium for a consumer's report, none for an unknown rule", () => {
    for (const rule of ruleIds) expect(severityOfRule(rule)).toBe(ruleSeverity[rule]);
    expect(severityOfRule("consumer_report")).toBe("medium");
    expect(severityOfRule("toString")).toBeNull();
    expect(severityOfRule("retired_rule")).toBeNull();
  });

  it("sums open alerts by rule into open alerts by severity", () => {
    expect(
      openAlertsBySeverity([
        { rule: "batch_anomaly", open: 2 },
        { rule: "many_clients", open: 3 },
        { rule: "consumer_report", open: 4 },
        { rule: "forged_code", open: 1 },
        { rule: "retired_rule", open: 9 },
      ]),
    ).toEqual({ low: 0, medium: 7, high: 1, critical: 2 });
  });
});
