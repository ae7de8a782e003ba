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

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** The error answers any route may give; spread into every route's `responses`. */
export const errorResponses = {
  400: problem("Invalid input: validation_failed or malformed_json"),
  401: problem("Missing or invalid credentials"),
  403: problem("The caller's role may not do this"),
  404: problem("No such object, or not visible to the caller"),
  409: problem("Conflict with the current state, or an idempotency key reused with another body"),
  413: problem("Request body too large"),
  415: problem("Unsupported content type"),
  422: problem("A domain rule refused the request"),
  429: problem("Rate limited; see Retry-After"),
  500: problem("Unexpected failure on our side"),
  502: problem("An upstream service (e.g. WeChat) answered badly"),
  503: problem("A dependency (database, upstream) is unavailable"),
} as const;

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
