// Idempotency-Key for creating endpoints a client may retry (DESIGN section 3). The first
// request with a key claims it; its answer (anything but a 5xx) is stored and replayed for
// later requests with the same key and body; the same key with another body answers 409.
// Keys are scoped to the caller and the operation and expire after 24 hours.
import { and, eq, lt } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { getDb } from "../db/client";
import { idempotencyKeys } from "../db/schema";
import { runInBackground } from "../lib/background";
import { ApiError } from "../lib/errors";
import { sha256Base64Url } from "../lib/keyed-hash";
import type { AppEnv } from "../types";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const TTL_MS = 24 * 3600_000;

export function idempotent(operation: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("Idempotency-Key");
    if (key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new ApiError(
        "validation_failed",
        "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        {
          errors: [
            { path: "header.idempotency-key", message: "1 to 255 visible ASCII characters" },
          ],
        },
      );
    }
    const db = getDb(c.env.DB);
    const scope = `${c.get("user")?.id ?? "anonymous"}:${operation}:${c.req.path}`;
    const requestHash = await sha256Base64Url(await c.req.text());
    const now = new Date();
    const claimed = await db
      .insert(idempotencyKeys)
      .values({
        scope,
        key,
        requestHash,
        expiresAt: new Date(now.getTime() + TTL_MS).toISOString(),
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const first = await db.query.idempotencyKeys.findFirst({
        where: and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)),
      });
      if (first && first.requestHash !== requestHash) {
        throw new ApiError(
          "conflict",
          "This Idempotency-Key was used with a different request body.",
        );
      }
      if (!first || first.statusCode === null || first.responseBody === null) {
        throw new ApiError(
          "conflict",
          "A request with this Idempotency-Key is still in progress; retry shortly.",
          {
            headers: { "Retry-After": "1" },
          },
        );
      }
      c.header("Idempotent-Replayed", "true");
      c.header(
        "Content-Type",
        first.statusCode >= 400 ? "application/problem+json" : "application/json",
      );
      return c.body(first.responseBody, first.statusCode as 200);
    }

    try {
      await next();
    } catch (error) {
      await releaseKey(c.env.DB, scope, key);
      throw error;
    }
    if (c.res.status >= 500) {
      await releaseKey(c.env.DB, scope, key);
      return;
    }
    const body = await c.res.clone().text();
    await db
      .update(idempotencyKeys)
      .set({ statusCode: c.res.status, responseBody: body })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    // Opportunistic cleanup of expired keys, off the response path.
    await runInBackground(
      c,
      db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now.toISOString())),
    );
  };
}

function releaseKey(d1: D1Database, scope: string, key: string) {
  return getDb(d1)
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
}
