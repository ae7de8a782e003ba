// Beijing time, the one time zone of China: UTC+8 with no daylight saving (none since 1991), so a
// fixed offset is exact and needs no Intl time zone data (which workerd and small ICU builds may
// lack). Pure: the console and the verify page use it too.
export const BEIJING_OFFSET_MS = 8 * 3_600_000;
export const BEIJING_OFFSET = "+08:00";

/**
 * The Beijing wall-clock time of an instant, `2026-11-20T12:30:00.000` for
 * `2026-11-20T04:30:00Z`; null when `iso` is no timestamp of the years 0000 to 9999.
 */
export function beijingWallClock(iso: string): string | null {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  const shifted = new Date(ms + BEIJING_OFFSET_MS);
  if (Number.isNaN(shifted.getTime())) return null;
  const text = shifted.toISOString();
  // Years outside 0000..9999 come out as ±YYYYYY and are no real scan or production time.
  return /^\d{4}-/.test(text) ? text.slice(0, -1) : null;
}

/**
 * The instant a Beijing wall-clock time names, `2026-11-20T04:30:00.000Z` for
 * `2026-11-20T12:30` (what a datetime-local input holds; seconds optional); null for anything else.
 */
export function instantOfBeijingWallClock(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(\.\d{1,3})?)?$/.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[2] ?? ":00"}${BEIJING_OFFSET}`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * The calendar day (YYYY-MM-DD) in China now, at `at`, or at the instant `at` names (null when
 * that text is no timestamp).
 */
export function chinaDate(at?: Date): string;
export function chinaDate(at: string): string | null;
export function chinaDate(at: Date | string = new Date()): string | null {
  return beijingWallClock(typeof at === "string" ? at : at.toISOString())?.slice(0, 10) ?? null;
}

/** "YYYY-MM-DD HH:mm" in Beijing time. */
export function formatBeijingTime(iso: string): string | null {
  const wall = beijingWallClock(iso);
  return wall === null ? null : `${wall.slice(0, 10)} ${wall.slice(11, 16)}`;
}
