import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { AppEnv, AppRouteHandler } from "../types";
import { ApiError, type FieldError } from "./errors";
import { declarationOrder } from "./route-specs";

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

type RouteName<R> = { [K in keyof R]: R[K] extends RouteConfig ? K : never }[keyof R];

/** For each createRoute spec of a routes module, the handler of the same name. */
export type HandlersOf<R> = {
  [K in RouteName<R>]: R[K] extends RouteConfig ? AppRouteHandler<R[K]> : never;
};

const isRoute = (value: unknown): value is RouteConfig =>
  typeof (value as { getRoutingPath?: unknown } | null)?.getRoutingPath === "function";

/**
 * A router of every createRoute spec in `routes` (a route file's exports; its other exports
 * are passed over), in the order they were declared, each served by the handler of the same
 * name in `handlers`.
 */
export function routerOf<R extends Record<string, unknown>>(routes: R, handlers: HandlersOf<R>) {
  const router = createRouter();
  const specs = Object.entries(routes).filter((entry): entry is [string, RouteConfig] =>
    isRoute(entry[1]),
  );
  specs.sort(([, a], [, b]) => declarationOrder(a) - declarationOrder(b));
  for (const [name, route] of specs) {
    const handler = (
      handlers as unknown as Record<string, AppRouteHandler<RouteConfig> | undefined>
    )[name];
    if (!handler) throw new Error(`routerOf: no handler for the route ${name}`);
    router.openapi(route, handler);
  }
  return router;
}
