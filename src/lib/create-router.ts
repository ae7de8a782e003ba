import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../types";
import { ApiError, type FieldError } from "./errors";

type ZodIssueLike = { path: PropertyKey[]; message: string };

const targetPrefix: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

export function fieldErrors(target: string, issues: readonly ZodIssueLike[]): FieldError[] {
  const prefix = targetPrefix[target] ?? target;
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

/** Every router of the app: one validation hook turns zod failures into validation_failed. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldErrors(result.target, result.error.issues);
        throw new ApiError(
          "validation_failed",
          `The request has ${errors.length} invalid field${errors.length === 1 ? "" : "s"}.`,
          { errors },
        );
      }
    },
  });
}

export type AppOpenAPI = ReturnType<typeof createRouter>;
