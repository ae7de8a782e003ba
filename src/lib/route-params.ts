import { z } from "@hono/zod-openapi";

/** The `{id}` path parameter of every object route. */
export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "bat_3kq9x0m2b7d1c5fz" }),
});

/** The `{code}` path parameter of a label's routes. */
export const CodeParam = z.object({
  code: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "code", in: "path" }, example: "1ABCDEFGHJKMNPQRSTVWX" }),
});

/** The `{eventID}` path parameter of the EPCIS 2.0 REST binding's events resource. */
export const EventIdParam = z.object({ eventID: z.string().min(1).max(200) });

/** The schema of each path parameter, by its name in a path template. */
const pathParams = { id: IdParam, code: CodeParam, eventID: EventIdParam } as const;

/** The params schema of a path template: its one parameter's, or undefined for a plain path. */
export type PathParamsOf<P extends string> = P extends `${string}{id}${string}`
  ? typeof IdParam
  : P extends `${string}{code}${string}`
    ? typeof CodeParam
    : P extends `${string}{eventID}${string}`
      ? typeof EventIdParam
      : undefined;

/** The params schema that `path` names, so that a spec does not say again what its path says. */
export function pathParamsOf<P extends string>(path: P): PathParamsOf<P> {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
  if (names.length === 0) return undefined as PathParamsOf<P>;
  const [name] = names;
  if (names.length > 1 || !name || !Object.hasOwn(pathParams, name)) {
    throw new Error(`pathParamsOf: no schema for the parameters of ${path}`);
  }
  return pathParams[name as keyof typeof pathParams] as PathParamsOf<P>;
}
