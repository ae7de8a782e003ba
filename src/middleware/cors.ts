import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../types";

/** One documented operation: method and OpenAPI path template, with its security. */
export type OperationSpec = { method: string; path: string; security?: unknown[] };

type PublicOperation = { method: string; pattern: RegExp };

// The GS1 resolver answers its own CORS (any origin; GET, HEAD, OPTIONS; Link exposed), and its
// OPTIONS is an answer in its own right, not only a preflight.
const RESOLVER_PATH = /^\/01\//;

// Pages and redirects that are not API operations and need no token.
const PUBLIC_PAGES: PublicOperation[] = [
  { method: "GET", pattern: /^\/v\/[^/]+\/?$/ },
  { method: "GET", pattern: /^\/\.well-known\/linkset-context\.jsonld$/ },
  { method: "GET", pattern: /^\/docs\/?$/ },
];

const templatePattern = (path: string) =>
  new RegExp(
    `^${path
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]+")}/?$`,
  );

/** The operations callable without a token: those whose OpenAPI `security` is empty. */
export function publicOperations(operations: readonly OperationSpec[]): PublicOperation[] {
  return [
    ...operations
      .filter((operation) => !operation.security || operation.security.length === 0)
      .map((operation) => ({
        method: operation.method.toUpperCase(),
        pattern: templatePattern(operation.path),
      })),
    ...PUBLIC_PAGES,
  ];
}

/**
 * CORS by operation. Any web page may call the public operations (the mini-program's web-view,
 * other departments' sites): no cookies are used anywhere, so a wildcard leaks nothing there.
 * Operations that need a token answer only the origins in CORS_ORIGINS (comma-separated), so a
 * token stolen into another site's script cannot be used from that site. A preflight is judged
 * by the method it asks for (Access-Control-Request-Method).
 */
export function corsPolicy(operations: () => readonly OperationSpec[]): MiddlewareHandler<AppEnv> {
  let publicOps: PublicOperation[] | undefined;
  const isPublic = (method: string, path: string) => {
    publicOps ??= publicOperations(operations());
    const asked = method === "HEAD" ? "GET" : method;
    return publicOps.some((op) => op.method === asked && op.pattern.test(path));
  };
  const handler = cors({
    origin: (origin, c) => {
      const method =
        c.req.method === "OPTIONS"
          ? (c.req.header("Access-Control-Request-Method") ?? "OPTIONS").trim().toUpperCase()
          : c.req.method;
      if (isPublic(method, c.req.path)) return "*";
      const allowed = (c.env.CORS_ORIGINS ?? "").split(",").map((o: string) => o.trim());
      return origin && allowed.includes(origin) ? origin : null;
    },
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: [
      "Authorization",
      "Content-Type",
      "Idempotency-Key",
      "X-Request-Id",
      "X-D1-Bookmark",
    ],
    exposeHeaders: ["X-Request-Id", "Retry-After", "Location", "X-D1-Bookmark"],
    maxAge: 600,
  });
  return (c, next) => (RESOLVER_PATH.test(c.req.path) ? next() : handler(c, next));
}
