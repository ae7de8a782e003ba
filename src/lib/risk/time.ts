export const DAY_MS = 24 * 60 * 60 * 1000;

/** Milliseconds since the epoch, or null when `iso` is not a timestamp. */
export function parseInstant(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/** The instant `minutes` before `iso`, as an ISO string: the start of a look-back window. */
export function minutesBefore(iso: string, minutes: number): string | null {
  const ms = parseInstant(iso);
  return ms === null ? null : new Date(ms - minutes * 60_000).toISOString();
}
