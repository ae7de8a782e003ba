import { mergeRiskSettings, type RiskSettings } from "../../../src/lib/risk/settings";
import type { LabelContext, ScanObservation } from "../../../src/lib/risk/types";

export const SCAN_AT = "2026-11-23T10:00:00.000Z";
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** An ISO timestamp `ms` after SCAN_AT (before it when negative). */
export const at = (ms: number) => new Date(Date.parse(SCAN_AT) + ms).toISOString();

/** A fresh, active, released label of an active authorization, never scanned. */
export function labelContext(overrides: Partial<LabelContext> = {}): LabelContext {
  return {
    labelStatus: "active",
    batchStatus: "released",
    authorization: { status: "active", validFrom: "2026-01-01", validUntil: "2028-12-31" },
    giProductStatus: "active",
    producedAt: at(-2 * DAY_MS),
    shelfLifeDays: 30,
    scanCount: 0,
    clientKeys: [],
    scanRegions: [],
    lastScan: null,
    ...overrides,
  };
}

/** A scan in Zhoushan (330900) at SCAN_AT by client "c-now". */
export function scanObservation(overrides: Partial<ScanObservation> = {}): ScanObservation {
  return {
    at: SCAN_AT,
    clientKey: "c-now",
    lat: 29.985,
    lng: 122.207,
    prefectureCode: "330900",
    ...overrides,
  };
}

export function settingsWith(patch: unknown = {}): RiskSettings {
  return mergeRiskSettings(undefined, patch);
}

// Reference points: Zhoushan 舟山, Hangzhou 杭州, Beijing 北京, Urumqi 乌鲁木齐.
export const ZHOUSHAN = { lat: 29.985, lng: 122.207 };
export const HANGZHOU = { lat: 30.274, lng: 120.155 };
export const BEIJING = { lat: 39.904, lng: 116.407 };
export const URUMQI = { lat: 43.825, lng: 87.617 };

/** A point `km` due north of `from` along its meridian (exact on a sphere). */
export function northOf(from: { lat: number; lng: number }, km: number) {
  return { lat: from.lat + ((km / 6371.0088) * 180) / Math.PI, lng: from.lng };
}
