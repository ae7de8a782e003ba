// China has one time zone, UTC+8 with no daylight saving, so a fixed offset is exact and needs
// no Intl time zone data (which workerd and small ICU builds may lack).
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Milliseconds since the epoch, or null when `iso` is not a timestamp. */
export function parseInstant(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

function beijingIso(iso: string): string | null {
  const ms = parseInstant(iso);
  if (ms === null) return null;
  const shifted = new Date(ms + BEIJING_OFFSET_MS);
  if (Number.isNaN(shifted.getTime())) return null;
  const text = shifted.toISOString();
  // Years outside 0000..9999 come out as ±YYYYYY and are no real scan or production time.
  return /^\d{4}-/.test(text) ? text : null;
}

/**
 * The calendar day (YYYY-MM-DD) in China now, at `at`, or at the instant `at` names (null when
 * that text is no timestamp).
 */
export function chinaDate(at?: Date): string;
export function chinaDate(at: string): string | null;
export function chinaDate(at: Date | string = new Date()): string | null {
  return beijingIso(typeof at === "string" ? at : at.toISOString())?.slice(0, 10) ?? null;
}

/** "YYYY-MM-DD HH:mm" in Beijing time. */
export function formatBeijingTime(iso: string): string | null {
  const shifted = beijingIso(iso);
  return shifted === null ? null : `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** The instant `minutes` before `iso`, as an ISO string: the start of a look-back window. */
export function minutesBefore(iso: string, minutes: number): string | null {
  const ms = parseInstant(iso);
  return ms === null ? null : new Date(ms - minutes * 60_000).toISOString();
}
