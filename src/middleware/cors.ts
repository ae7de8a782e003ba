import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../types";

// Endpoints any web page may call (the mini-program's web-view, other departments' sites):
// no cookies are used anywhere, so a wildcard origin leaks nothing.
const PUBLIC_PREFIXES = [
  "/v1/public/",
  "/v1/scans",
  "/v1/reports",
  "/v1/gi-products",
  "/.well-known/",
  "/openapi.json",
];

export function isPublicPath(path: string): boolean {
  return PUBLIC_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix));
}

/** CORS: wildcard for public endpoints, CORS_ORIGINS (comma-separated) for the rest. */
export function corsPolicy(): MiddlewareHandler<AppEnv> {
  const handler = cors({
    origin: (origin, c) => {
      if (isPublicPath(c.req.path)) return "*";
      const allowed = (c.env.CORS_ORIGINS ?? "").split(",").map((o: string) => o.trim());
      return allowed.includes(origin) ? origin : null;
    },
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
    exposeHeaders: ["X-Request-Id", "Retry-After", "Location"],
    maxAge: 600,
  });
  return handler as MiddlewareHandler<AppEnv>;
}
