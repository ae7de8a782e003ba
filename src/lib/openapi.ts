import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { type ErrorCode, errorStatus } from "./errors";

const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://gi-trace.dev/problems/not-found" }),
    title: z.string().openapi({ example: "Not found" }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: "No GI product gi_7dk2… exists." }),
    code: z.enum(errorCodes).openapi({ example: "not_found" }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "One entry per invalid field (validation_failed only)." }),
    request_id: z.string(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details." });

export type ErrorStatus = (typeof errorStatus)[ErrorCode];

const meanings: Record<ErrorStatus, string> = {
  400: "Invalid input",
  401: "Missing or invalid credentials",
  403: "The caller may not do this",
  404: "No such object, or not visible to the caller",
  405: "Method not allowed",
  409: "Conflict with the current state, or an idempotency key reused with another body",
  413: "Request body too large",
  415: "Unsupported content type",
  422: "A domain rule refused the request",
  429: "Rate limited; see Retry-After",
  500: "Unexpected failure on our side",
  502: "An upstream service (e.g. WeChat) answered badly",
  503: "A dependency (database, upstream) is unavailable, or the server is misconfigured",
};

const codesOf = (status: ErrorStatus) =>
  errorCodes.filter((code) => errorStatus[code] === status).join(", ");

/**
 * The name of each status's problem answer in `components.responses`. Not 405: it answers a
 * method that no operation of the path has, so no operation documents it.
 */
const problemNames = {
  400: "InvalidInput",
  401: "Unauthenticated",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  413: "PayloadTooLarge",
  415: "UnsupportedMediaType",
  422: "RuleRefused",
  429: "RateLimited",
  500: "InternalError",
  502: "BadGateway",
  503: "Unavailable",
} as const satisfies Record<Exclude<ErrorStatus, 405>, string>;

/** A status an operation can document: every problem status but 405. */
export type DocumentedStatus = keyof typeof problemNames;

/**
 * `components.responses` of the document: one problem+json answer per status, to which every
 * operation refers, and the Problem schema they carry.
 */
export function registerProblemResponses(registry: OpenAPIHono["openAPIRegistry"]): void {
  registry.register("Problem", ProblemSchema);
  for (const [key, name] of Object.entries(problemNames)) {
    const status = Number(key) as DocumentedStatus;
    registry.registerComponent("responses", name, {
      description: `${meanings[status]} (${codesOf(status)})`,
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    });
  }
}

const problemRef = (status: DocumentedStatus) => ({
  $ref: `#/components/responses/${problemNames[status]}`,
});

// Any request may fail unexpectedly (500), and in production with a bad configuration every
// request answers 503 misconfigured (middleware/config-check.ts).
const EVERY_OPERATION = [500, 503] as const;

/**
 * The problem+json answers of one operation, as references to `components.responses`: the
 * statuses it can give, plus 500 and 503 that every operation can. Spread into a route's
 * `responses`.
 */
export function errorResponses<S extends DocumentedStatus>(...statuses: S[]) {
  const all = [...new Set<DocumentedStatus>([...statuses, ...EVERY_OPERATION])].sort(
    (a, b) => a - b,
  );
  return Object.fromEntries(all.map((status) => [status, problemRef(status)])) as Record<
    S | (typeof EVERY_OPERATION)[number],
    ReturnType<typeof problemRef>
  >;
}

/** A required JSON request body: zod-openapi skips validation of optional bodies. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    description,
    content: { "application/json": { schema } },
  } as const;
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}
