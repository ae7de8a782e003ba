import type { z } from "@hono/zod-openapi";

/** `status_reason` → `statusReason`: the key drizzle gives the column behind an API field. */
type ColumnKey<K extends string> = K extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<ColumnKey<Tail>>}`
  : K;

/** The columns a row needs for the fields of T that `derived` does not give, typed as the API. */
type ColumnsFor<T, D> = { [K in Exclude<keyof T, keyof D> & string as ColumnKey<K>]: T[K] };

const columnKey = (field: string) =>
  field.replace(/_([a-z0-9])/g, (_, next: string) => next.toUpperCase());

const fieldsOf = new WeakMap<z.ZodObject, [field: string, column: string][]>();

/**
 * The API object of `schema` from a row: each field is the row's column of the same name in
 * camelCase (`status_reason` from `statusReason`), unless `derived` gives it. Only the schema's
 * fields are read, so a column the API does not show (a password hash) never leaves, and a
 * field whose column is missing or of another type does not compile.
 */
export function apiObject<
  S extends z.ZodObject,
  D extends Partial<z.infer<S>> = Record<never, never>,
>(schema: S, row: ColumnsFor<z.infer<S>, D>, derived?: D): z.infer<S> {
  let fields = fieldsOf.get(schema);
  if (!fields) {
    fields = Object.keys(schema.shape).map((field) => [field, columnKey(field)]);
    fieldsOf.set(schema, fields);
  }
  const columns = row as Record<string, unknown>;
  const given = (derived ?? {}) as Record<string, unknown>;
  const object: Record<string, unknown> = {};
  for (const [field, column] of fields) {
    object[field] = Object.hasOwn(given, field) ? given[field] : columns[column];
  }
  return object as z.infer<S>;
}
