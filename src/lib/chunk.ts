import { getTableColumns, type Table } from "drizzle-orm";

/** D1 allows 100 bound parameters per statement. */
export const D1_MAX_PARAMS = 100;

/**
 * Rows per multi-row insert into `table`: drizzle may bind a parameter for every column
 * (defaults and nulls included), so the column count is the safe divisor.
 */
export function rowsPerInsert(table: Table): number {
  return Math.max(1, Math.floor(D1_MAX_PARAMS / Object.keys(getTableColumns(table)).length));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
