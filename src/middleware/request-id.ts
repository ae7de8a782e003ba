import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types";

/** A UUID, or a bounded token of letters, digits, '-' and '_' (8 to 64 characters). */
const WELL_FORMED =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9][\w-]{7,63})$/i;

/**
 * The request id stored with scans and audit records and echoed in X-Request-Id and problems:
 * the client's X-Request-Id when it is well formed, else a fresh UUID. Anything else the client
 * sent there is never stored or logged.
 */
export function requestIdentity(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const sent = c.req.header("X-Request-Id");
    const id = sent && WELL_FORMED.test(sent) ? sent : crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  };
}
