import { distanceKm, type LatLng } from "../../geo";
import { type RiskSettings, ruleSeverity } from "../settings";
import { parseInstant } from "../time";
import type { LabelContext, RuleHit, ScanObservation } from "../types";

type Point = LatLng;

function point(lat: number | null, lng: number | null): Point | null {
  if (lat === null || lng === null) return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  return { lat, lng };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The previous scan of this code and this one are more than min_distance_km apart and would
 * need a speed above max_speed_kmh: two items carry the same code. Needs coordinates on both
 * scans. The minimum distance keeps coarse locations (GPS rounded to ~1 km, IP geolocation of
 * one city) from turning two close scans a minute apart into a "flight".
 */
export function impossibleTravel(
  ctx: LabelContext,
  scan: ScanObservation,
  params: RiskSettings["impossible_travel"],
): RuleHit | null {
  if (!params.enabled || ctx.lastScan === null) return null;
  const from = point(ctx.lastScan.lat, ctx.lastScan.lng);
  const to = point(scan.lat, scan.lng);
  if (from === null || to === null) return null;
  const distance = distanceKm(from, to);
  if (!(distance > params.min_distance_km)) return null;
  const previousAt = parseInstant(ctx.lastScan.at);
  const scannedAt = parseInstant(scan.at);
  if (previousAt === null || scannedAt === null) return null;
  // Scans may be recorded out of order; the elapsed time is what matters, not its sign.
  const hours = Math.abs(scannedAt - previousAt) / 3_600_000;
  const speed = hours === 0 ? Number.POSITIVE_INFINITY : distance / hours;
  if (!(speed > params.max_speed_kmh)) return null;
  return {
    rule: "impossible_travel",
    verdict: "counterfeit",
    severity: ruleSeverity.impossible_travel,
    alert: true,
    subject: "label",
    detail: {
      distance_km: round(distance, 1),
      hours: round(hours, 3),
      // JSON has no Infinity: two scans at the same instant have no finite speed.
      speed_kmh: Number.isFinite(speed) ? Math.round(speed) : null,
      max_speed_kmh: params.max_speed_kmh,
      min_distance_km: params.min_distance_km,
      previous_scan_at: ctx.lastScan.at,
    },
  };
}
