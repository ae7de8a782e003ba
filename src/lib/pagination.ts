import { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { fieldError } from "./errors";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export const ListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .openapi({ description: `Page size, 1..${MAX_LIMIT}`, example: DEFAULT_LIMIT }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ description: "The next_cursor of the previous page" }),
});

/** A free-text list filter, 1 to 100 characters once trimmed. */
export const searchFilter = (description: string) =>
  z.string().trim().min(1).max(100).optional().openapi({ description });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

type Cursor = { k: string; id: string };

const encode = (cursor: Cursor) =>
  btoa(JSON.stringify(cursor)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

function decode(text: string): Cursor {
  try {
    const json = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    const cursor = JSON.parse(json) as Cursor;
    if (typeof cursor.k === "string" && typeof cursor.id === "string") return cursor;
  } catch {
    // falls through to the error below
  }
  throw fieldError("query.cursor", "invalid cursor", "The cursor is not one this API issued.");
}

/** The keyset position a cursor stands for; a cursor this API did not issue is a 400. */
export const cursorKey = (cursor: string | undefined): Cursor | undefined =>
  cursor ? decode(cursor) : undefined;

/**
 * Keyset pagination over (sortColumn, idColumn), newest first unless `order` is "asc": stable
 * under inserts and cheap at any depth. Returns the WHERE condition for the page after `cursor`.
 */
export function afterCursor(
  cursor: string | undefined,
  sortColumn: SQLiteColumn,
  idColumn: SQLiteColumn,
  order: "asc" | "desc" = "desc",
): SQL | undefined {
  if (!cursor) return undefined;
  const { k, id } = decode(cursor);
  return order === "asc"
    ? sql`(${sortColumn}, ${idColumn}) > (${k}, ${id})`
    : sql`(${sortColumn}, ${idColumn}) < (${k}, ${id})`;
}

/** Query `limit + 1` rows; this trims the extra one and makes the next cursor from the last. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => { k: string; id: string },
  toItem: (row: Row) => Item,
): { items: Item[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toItem),
    next_cursor: rows.length > limit && last ? encode(keyOf(last)) : null,
  };
}

/**
 * The `Link` header of the page after this one: the request's own path and query (format,
 * filters, limit) with the cursor replaced, or null on the last page.
 */
export function nextPageLink(requestUrl: string, nextCursor: string | null): string | null {
  if (!nextCursor) return null;
  const url = new URL(requestUrl);
  url.searchParams.set("cursor", nextCursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
}
