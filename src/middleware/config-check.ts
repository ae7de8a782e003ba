import type { MiddlewareHandler } from "hono";
import { ApiError } from "../lib/errors";
import { cachedConfigProblems, configProblemsMessage } from "../lib/runtime-config";
import type { AppEnv } from "../types";

const logged = new Set<string>();

/** Logs a refused production configuration once per isolate (the message has no values). */
export function reportConfigProblems(problems: readonly string[]): string {
  const message = configProblemsMessage(problems);
  if (!logged.has(message)) {
    logged.add(message);
    console.error(message);
  }
  return message;
}

/**
 * In production with a missing, malformed or demo secret every request answers 503
 * misconfigured; which secret is wrong is only in the log, never in the answer.
 */
export function configCheck(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const problems = cachedConfigProblems(c.env ?? {});
    if (problems.length === 0) return next();
    reportConfigProblems(problems);
    throw new ApiError(
      "misconfigured",
      "This server is not configured correctly and refuses to serve; its operators have been told.",
      { headers: { "Retry-After": "300" } },
    );
  };
}
