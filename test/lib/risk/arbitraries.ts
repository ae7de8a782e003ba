import fc from "fast-check";
import {
  defaultRiskSettings,
  type RiskSettings,
  type RiskSettingsSection,
  riskSettingsLimits,
} from "../../../src/lib/risk/settings";
import type { LabelContext, ScanObservation } from "../../../src/lib/risk/types";

export interface Limit {
  min: number;
  max: number;
  integer: boolean;
}

export const sections = Object.keys(defaultRiskSettings) as RiskSettingsSection[];

export function limitOf(section: string, field: string): Limit | undefined {
  return (riskSettingsLimits as Record<string, Record<string, Limit>>)[section]?.[field];
}

/** Every bounded numeric setting as [section, field, limit]. */
export const numericFields: [RiskSettingsSection, string, Limit][] = sections.flatMap((section) =>
  Object.keys(defaultRiskSettings[section]).flatMap((field) => {
    const limit = limitOf(section, field);
    return limit ? [[section, field, limit] as [RiskSettingsSection, string, Limit]] : [];
  }),
);

export const inRange = (limit: Limit) =>
  limit.integer
    ? fc.integer({ min: limit.min, max: limit.max })
    : fc.double({ min: limit.min, max: limit.max, noNaN: true });

function sectionModel(section: RiskSettingsSection): Record<string, fc.Arbitrary<unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of Object.keys(defaultRiskSettings[section])) {
    const limit = limitOf(section, field);
    model[field] = limit ? inRange(limit) : fc.boolean();
  }
  return model;
}

/** Any valid settings. */
export const settingsArb: fc.Arbitrary<RiskSettings> = fc
  .record(
    Object.fromEntries(sections.map((section) => [section, fc.record(sectionModel(section))])),
  )
  .map((value) => value as RiskSettings);

/** Any valid partial update: any sections, any fields of them. */
export const patchArb: fc.Arbitrary<Partial<Record<string, Record<string, unknown>>>> = fc.record(
  Object.fromEntries(
    sections.map((section) => [section, fc.record(sectionModel(section), { requiredKeys: [] })]),
  ),
  { requiredKeys: [] },
);

const FROM = Date.parse("2020-01-01T00:00:00Z");
const UNTIL = Date.parse("2035-01-01T00:00:00Z");
export const instantArb = fc.integer({ min: FROM, max: UNTIL });
export const isoArb = instantArb.map((ms) => new Date(ms).toISOString());
export const dayArb = isoArb.map((iso) => iso.slice(0, 10));
export const clientKeyArb = fc.integer({ min: 0, max: 60 }).map((n) => `client-${n}`);
export const regionArb = fc.constantFrom(
  "330900",
  "330100",
  "110100",
  "440300",
  "650100",
  "310100",
);
export const latArb = fc.double({ min: -90, max: 90, noNaN: true });
export const lngArb = fc.double({ min: -180, max: 180, noNaN: true });

// Coordinates mostly within China so that distances and speeds land around the thresholds.
const chinaPointArb = fc.record({
  lat: fc.double({ min: 18, max: 50, noNaN: true }),
  lng: fc.double({ min: 75, max: 130, noNaN: true }),
});
const maybePointArb = fc.oneof(
  {
    weight: 3,
    arbitrary: chinaPointArb.map((p) => ({
      lat: p.lat as number | null,
      lng: p.lng as number | null,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      lat: fc.option(latArb, { nil: null }),
      lng: fc.option(lngArb, { nil: null }),
    }),
  },
);

export const scanArb: fc.Arbitrary<ScanObservation> = fc
  .record({
    at: isoArb,
    clientKey: clientKeyArb,
    point: maybePointArb,
    prefectureCode: fc.option(regionArb, { nil: null }),
  })
  .map(({ point, ...scan }) => ({ ...scan, ...point }));

export const contextArb: fc.Arbitrary<LabelContext> = fc.record({
  labelStatus: fc.constantFrom("active", "voided"),
  batchStatus: fc.constantFrom("draft", "released", "recalled"),
  authorization: fc.record({
    status: fc.constantFrom("active", "suspended", "revoked"),
    validFrom: dayArb,
    validUntil: dayArb,
  }),
  giProductStatus: fc.constantFrom("active", "suspended", "revoked"),
  producedAt: isoArb,
  shelfLifeDays: fc.option(fc.integer({ min: 0, max: 3650 }), { nil: null }),
  scanCount: fc.nat(1000),
  clientKeys: fc.uniqueArray(clientKeyArb, { maxLength: 32 }),
  scanRegions: fc.uniqueArray(regionArb, { maxLength: 6 }),
  lastScan: fc.option(
    fc.record({ at: isoArb, point: maybePointArb }).map(({ at, point }) => ({ at, ...point })),
    { nil: null },
  ),
});

/** A scan together with a label context whose last scan came shortly before it. */
export const recentPairArb = fc
  .tuple(contextArb, scanArb, fc.integer({ min: -600_000, max: 6 * 3_600_000 }), maybePointArb)
  .map(([ctx, scan, msBefore, point]) => {
    const at = new Date(Date.parse(scan.at) - msBefore).toISOString();
    return { ctx: { ...ctx, lastScan: { at, ...point } }, scan };
  });
