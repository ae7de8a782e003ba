import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Stable machine codes of every error the API answers, with their HTTP status. */
export const errorStatus = {
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  location_window_closed: 409,
  scan_pending: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  outside_protected_area: 422,
  quota_exceeded: 422,
  unprocessable: 422,
  unprintable_text: 422,
  rate_limited: 429,
  internal_error: 500,
  bad_gateway: 502,
  service_unavailable: 503,
  misconfigured: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

const titles: Record<ErrorCode, string> = {
  validation_failed: "Validation failed",
  malformed_json: "Malformed JSON body",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  location_window_closed: "Location window closed",
  scan_pending: "Scan not stored yet",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  outside_protected_area: "Site outside the protected area",
  quota_exceeded: "Label quota exceeded",
  unprocessable: "Unprocessable request",
  unprintable_text: "Text the label font cannot print",
  rate_limited: "Too many requests",
  internal_error: "Internal server error",
  bad_gateway: "Bad gateway",
  service_unavailable: "Service unavailable",
  misconfigured: "Service misconfigured",
};

export type FieldError = { path: string; message: string };

export type ApiErrorOptions = {
  errors?: FieldError[];
  /** Extra members of the problem document, e.g. `remaining` for quota_exceeded. */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
};

/** The one error type handlers throw; `renderProblem` turns it into problem+json. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, detail: string, options: ApiErrorOptions = {}) {
    super(detail);
    this.name = "ApiError";
    this.code = code;
    this.status = errorStatus[code];
    this.errors = options.errors;
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  request_id: string;
  [extra: string]: unknown;
};

export function problemOf(error: ApiError, requestId: string): Problem {
  return {
    ...error.extra,
    type: `https://gi-trace.dev/problems/${error.code.replaceAll("_", "-")}`,
    title: titles[error.code],
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
    request_id: requestId,
  };
}

/** A validation_failed about one field; the detail defaults to the field's message. */
export function fieldError(path: string, message: string, detail = message): ApiError {
  return new ApiError("validation_failed", detail, { errors: [{ path, message }] });
}

/** Renders an ApiError as problem+json on the context, so middleware headers still apply. */
export function renderProblem(c: Context, error: ApiError, requestId: string): Response {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  // RFC 9110: every 401 names its authentication scheme.
  if (error.status === 401 && !error.headers?.["WWW-Authenticate"])
    c.header("WWW-Authenticate", 'Bearer realm="gi-trace"');
  c.header("Content-Type", "application/problem+json");
  return c.body(JSON.stringify(problemOf(error, requestId)), error.status);
}
