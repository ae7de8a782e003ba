import { z } from "@hono/zod-openapi";

// Instants in requests must be real and between 2000 and 2100 (DESIGN section 3): a year 9999
// with a negative offset would otherwise be stored as +010000-… and sort before 2026.
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2101, 0, 1);

/** Whether an ISO-8601 instant falls in 2000-01-01T00:00Z ..< 2101-01-01T00:00Z. */
export function isInstantInRange(text: string): boolean {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms < LATEST_MS;
}

/** Whether a YYYY-MM-DD calendar day lies in the years 2000 to 2100. */
export function isDayInRange(text: string): boolean {
  const year = Number(text.slice(0, 4));
  return year >= 2000 && year <= 2100;
}

/** An ISO-8601 instant with offset, of bounded length, between 2000 and 2100. */
export const InstantSchema = z.iso
  .datetime({ offset: true })
  // The ISO pattern allows any number of fraction digits: bound the length too.
  .max(40)
  .refine(isInstantInRange, "an instant between 2000 and 2100")
  .openapi({ example: "2026-11-20T04:30:00Z" });
