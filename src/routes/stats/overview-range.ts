// The period of the overview: Beijing calendar days, turned into the UTC instants that bound
// scanned_at.
import { BEIJING_OFFSET_MS } from "../../lib/beijing-time";

const DAY_MS = 86_400_000;

export const DEFAULT_DAYS = 30;
export const MAX_DAYS = 366;

export type OverviewRange = {
  from: string;
  to: string;
  /** Every day of the period, oldest first. */
  days: string[];
  /** Inclusive start and exclusive end of the period as ISO instants. */
  startAt: string;
  endAt: string;
};

export type RangeResult =
  | { ok: true; range: OverviewRange }
  | { ok: false; path: string; message: string };

/** Midnight UTC of a YYYY-MM-DD day, or null when it is no calendar day (2026-02-30). */
function dayMs(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day ? ms : null;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The period asked for: `to` defaults to today (Beijing), `from` to DEFAULT_DAYS days ending at
 * `to`; both inclusive, at most MAX_DAYS days.
 */
export function overviewRange(
  from: string | undefined,
  to: string | undefined,
  today: string,
): RangeResult {
  const toMs = dayMs(to ?? today);
  if (toMs === null) return { ok: false, path: "query.to", message: "a calendar day YYYY-MM-DD" };
  const fromMs = from === undefined ? toMs - (DEFAULT_DAYS - 1) * DAY_MS : dayMs(from);
  if (fromMs === null)
    return { ok: false, path: "query.from", message: "a calendar day YYYY-MM-DD" };
  if (fromMs > toMs) return { ok: false, path: "query.from", message: "from must not be after to" };
  const count = (toMs - fromMs) / DAY_MS + 1;
  if (count > MAX_DAYS) {
    return { ok: false, path: "query.from", message: `at most ${MAX_DAYS} days from from to to` };
  }
  return {
    ok: true,
    range: {
      from: dayOf(fromMs),
      to: dayOf(toMs),
      days: Array.from({ length: count }, (_, i) => dayOf(fromMs + i * DAY_MS)),
      startAt: new Date(fromMs - BEIJING_OFFSET_MS).toISOString(),
      endAt: new Date(toMs + DAY_MS - BEIJING_OFFSET_MS).toISOString(),
    },
  };
}
