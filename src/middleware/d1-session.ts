import type { MiddlewareHandler } from "hono";
import { type D1Usage, RequestD1 } from "../db/request-d1";
import { scanDatabaseBindings } from "../db/scan-databases";
import {
  BOOKMARK_HEADER,
  benchDelayMs,
  d1ServerTiming,
  sessionStart,
  validBookmark,
} from "../lib/d1-session-start";
import type { AppEnv, Bindings } from "../types";

/**
 * The one place that decides which D1 a request uses: for the rest of the request `c.env.DB`
 * is a D1 session of its own (see
 * src/lib/d1-session-start.ts for where it starts). The answer carries the registry session's
 * bookmark in X-D1-Bookmark; the console sends it back to read its own writes. Outside
 * production every answer also carries the request's D1 round trips and rows read in
 * Server-Timing.
 */
export function d1Session(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const base = c.env;
    if (!base?.DB) return next();
    const production = base.ENVIRONMENT === "production";
    const usage: D1Usage = { roundTrips: 0, rowsRead: 0 };
    const bookmark = validBookmark(c.req.header(BOOKMARK_HEADER));
    const options = (start: string) => ({
      start,
      usage,
      delayMs: benchDelayMs(base.ENVIRONMENT, base.BENCH_D1_DELAY_MS),
    });
    const registry = new RequestD1(
      base.DB,
      options(sessionStart(c.req.method, c.req.path, bookmark)),
    );
    // A province's scan database is read, never written, by requests (the queue consumer and
    // the location's second step write it): any replica will do.
    const provinces = Object.fromEntries(
      [...scanDatabaseBindings(base)].map(([name, d1]) => [
        name,
        new RequestD1(d1, options("first-unconstrained")),
      ]),
    );
    c.env = { ...base, ...provinces, DB: registry } satisfies Bindings;
    await next();
    const after = registry.bookmark();
    if (after) c.res.headers.set(BOOKMARK_HEADER, after);
    if (!production) c.res.headers.append("Server-Timing", d1ServerTiming(usage));
  };
}
