import { z } from "@hono/zod-openapi";
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

const problem = (status: ErrorStatus) => ({
  description: `${meanings[status]} (${codesOf(status)})`,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

// Any request may fail unexpectedly (500), and in production with a bad configuration every
// request answers 503 misconfigured (middleware/config-check.ts).
const EVERY_OPERATION = [500, 503] as const;

/**
 * The problem+json answers of one operation: the statuses it can give, plus 500 and 503 that
 * every operation can. Spread into a route's `responses`.
 */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  const all = [...new Set<ErrorStatus>([...statuses, ...EVERY_OPERATION])].sort((a, b) => a - b);
  return Object.fromEntries(all.map((status) => [status, problem(status)])) as Record<
    S | (typeof EVERY_OPERATION)[number],
    ReturnType<typeof problem>
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
