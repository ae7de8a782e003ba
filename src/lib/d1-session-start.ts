// Where a request's D1 session starts. A read may be answered by any replica
// ("first-unconstrained"); a write starts on the primary ("first-primary"). A client that sends
// the bookmark of its previous answer starts from it instead, and so reads its own writes on
// whichever replica serves it.

export const BOOKMARK_HEADER = "X-D1-Bookmark";

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

// Writes whose first query is a read that a slightly stale replica answers well enough: a scan
// reads the label's context and its verdict rules, then writes (the session sends the write to
// the primary). A label voided a moment ago may scan as before until the replica catches up.
const READ_FIRST_WRITES = [{ method: "POST", path: /^\/v1\/scans\/?$/ }];

// D1 bookmarks are hyphen-separated hexadecimal groups, e.g. 00000001-00000002-00004e6e-<hash>.
const BOOKMARK = /^[0-9a-f]{8}(-[0-9a-f]{1,64}){1,6}$/i;

/** A bookmark the client sent, when it has D1's shape; anything else is ignored. */
export function validBookmark(value: string | undefined | null): string | null {
  const trimmed = value?.trim() ?? "";
  return trimmed.length <= 200 && BOOKMARK.test(trimmed) ? trimmed : null;
}

export function sessionStart(method: string, path: string, bookmark: string | null): string {
  if (bookmark) return bookmark;
  const upper = method.toUpperCase();
  if (READ_METHODS.has(upper)) return "first-unconstrained";
  return READ_FIRST_WRITES.some((w) => w.method === upper && w.path.test(path))
    ? "first-unconstrained"
    : "first-primary";
}

/** The Server-Timing value of a request's D1 usage. */
export function d1ServerTiming(usage: { roundTrips: number; rowsRead: number }): string {
  return `d1-round-trips;desc="${usage.roundTrips}", d1-rows-read;desc="${usage.rowsRead}"`;
}

/** The injected delay per D1 round trip: bench only, never in production. */
export function benchDelayMs(environment: string | undefined, value: string | undefined): number {
  if (environment === "production") return 0;
  const ms = Number(value ?? 0);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 5_000) : 0;
}
