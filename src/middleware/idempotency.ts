// Idempotency-Key for creating endpoints a client may retry (DESIGN section 3). The first
// request with a key claims it under a short lease; its answer is stored and replayed for later
// requests with the same key and the same request (content type and body); another request under
// the same key answers 409. Answers given before anything ran (400, 401, 403, 413, 415, 429, 5xx)
// are not stored: the key is released and a corrected retry runs. Keys are scoped to the caller
// (the user, or an anonymous caller's source) and the operation, and expire after 24 hours.
//
// A claim whose request died before answering expires with its lease, and a retry takes it over.
// That never issues twice: handlers run their writes through runFenced, which commits only while
// the request still holds the lease and marks the key committed in the same transaction, and a
// committed key is never taken over.
import { z } from "@hono/zod-openapi";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { getDb } from "../db/client";
import { idempotencyKeys } from "../db/schema";
import { bare, prepareSql } from "../db/sql";
import { runInBackground } from "../lib/background";
import { sourceKeyOf } from "../lib/client-context";
import { ApiError, fieldError } from "../lib/errors";
import { sha256Base64Url } from "../lib/keyed-hash";
import type { AppEnv } from "../types";
import { optionalClaims } from "./auth";

/** The documented request header of an idempotent operation, described for that operation. */
export const idempotencyHeader = (
  description = "Retries with the same key and body return the first answer",
) => z.object({ "idempotency-key": z.string().optional().openapi({ description }) });

export const IdempotencyHeader = idempotencyHeader();

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const TTL_MS = 24 * 3600_000;
/** Longer than the slowest request (issuing 10,000 labels takes well under 10 s). */
export const LEASE_MS = 60_000;
const NOT_STORED = new Set([400, 401, 403, 413, 415, 429]);
const LEASE_LOST = "idempotency lease lost";

type Claim = { scope: string; key: string; token: string };
const claims = new WeakMap<Request, Claim>();

/** The scope of a caller's keys: the signed-in user, else the anonymous caller's source. */
async function scopeOf(c: Context<AppEnv>, operation: string): Promise<string> {
  const userId = c.get("user")?.id ?? (await optionalClaims(c))?.sub;
  const caller = userId
    ? userId
    : `anonymous:${await sourceKeyOf(c.env.CLIENT_ID_PEPPER, { ip: c.req.header("CF-Connecting-IP") })}`;
  return `${caller}:${operation}:${c.req.path}`;
}

/** What makes two requests the same: the media type and the body. */
async function fingerprint(c: Context<AppEnv>): Promise<string> {
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
  return sha256Base64Url(`${mediaType}\n${await c.req.text()}`);
}

export function idempotent(operation: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("Idempotency-Key");
    if (key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw fieldError(
        "header.idempotency-key",
        "1 to 255 visible ASCII characters",
        "Idempotency-Key must be 1 to 255 visible ASCII characters.",
      );
    }
    const db = getDb(c.env.DB);
    const scope = await scopeOf(c, operation);
    const requestHash = await fingerprint(c);
    const now = new Date();
    const token = crypto.randomUUID();
    const lease = new Date(now.getTime() + LEASE_MS).toISOString();
    // A new key is claimed; an abandoned claim (same request, lease over, nothing committed, no
    // answer) is taken over. Either way this request now holds the lease under `token`.
    const claimed = await db
      .insert(idempotencyKeys)
      .values({
        scope,
        key,
        requestHash,
        leaseToken: token,
        leaseExpiresAt: lease,
        expiresAt: new Date(now.getTime() + TTL_MS).toISOString(),
      })
      .onConflictDoUpdate({
        target: [idempotencyKeys.scope, idempotencyKeys.key],
        set: { leaseToken: token, leaseExpiresAt: lease },
        setWhere: sql`${idempotencyKeys.statusCode} IS NULL AND ${idempotencyKeys.committedAt} IS NULL AND ${idempotencyKeys.requestHash} = ${requestHash} AND ${idempotencyKeys.leaseExpiresAt} < ${now.toISOString()}`,
      })
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) return replay(c, scope, key, requestHash);

    claims.set(c.req.raw, { scope, key, token });
    try {
      await next();
    } catch (error) {
      await releaseKey(c.env.DB, scope, key, token);
      throw error;
    }
    if (c.res.status >= 500 || NOT_STORED.has(c.res.status)) {
      await releaseKey(c.env.DB, scope, key, token);
      return;
    }
    const body = await c.res.clone().text();
    await db
      .update(idempotencyKeys)
      .set({ statusCode: c.res.status, responseBody: body, leaseToken: null })
      .where(
        and(
          eq(idempotencyKeys.scope, scope),
          eq(idempotencyKeys.key, key),
          eq(idempotencyKeys.leaseToken, token),
        ),
      );
    // Opportunistic cleanup of expired keys, off the response path.
    await runInBackground(
      c,
      db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now.toISOString())),
    );
  };
}

async function replay(c: Context<AppEnv>, scope: string, key: string, requestHash: string) {
  const first = await getDb(c.env.DB).query.idempotencyKeys.findFirst({
    where: and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)),
  });
  if (first && first.requestHash !== requestHash) {
    throw new ApiError(
      "conflict",
      "This Idempotency-Key was used with a different request (body or content type).",
    );
  }
  if (first && first.statusCode !== null && first.responseBody !== null) {
    c.header("Idempotent-Replayed", "true");
    c.header(
      "Content-Type",
      first.statusCode >= 400 ? "application/problem+json" : "application/json",
    );
    return c.body(first.responseBody, first.statusCode as 200);
  }
  if (first?.committedAt) {
    throw new ApiError(
      "conflict",
      "The request with this Idempotency-Key was carried out but its answer was lost; read the created objects instead of retrying.",
    );
  }
  throw new ApiError(
    "conflict",
    "A request with this Idempotency-Key is still in progress; retry shortly.",
    { headers: { "Retry-After": String(Math.ceil(LEASE_MS / 1000)) } },
  );
}

function releaseKey(d1: D1Database, scope: string, key: string, token: string) {
  return getDb(d1)
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.scope, scope),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.leaseToken, token),
        sql`${idempotencyKeys.committedAt} IS NULL`,
      ),
    );
}

/**
 * Runs a handler's writes as one transaction that, when the request holds an idempotency claim,
 * commits only while the claim is still its own and marks the key committed with them: a request
 * whose lease was taken over by a retry writes nothing (409).
 */
export async function runFenced(
  c: Context<AppEnv>,
  statements: D1PreparedStatement[],
): Promise<D1Result[]> {
  const claim = claims.get(c.req.raw);
  const d1 = c.env.DB;
  if (!claim) return d1.batch(statements);
  const keys = idempotencyKeys;
  const fence = [
    prepareSql(
      d1,
      sql`UPDATE ${keys} SET ${bare(keys.committedAt)} = ${new Date().toISOString()} WHERE ${keys.scope} = ${claim.scope} AND ${keys.key} = ${claim.key} AND ${keys.leaseToken} = ${claim.token} AND ${keys.committedAt} IS NULL`,
    ),
    // json() of a text that is no JSON raises: the transaction aborts unless the update applied.
    d1.prepare(`SELECT json(CASE WHEN changes() = 1 THEN '1' ELSE '${LEASE_LOST}' END)`),
  ];
  try {
    return (await d1.batch([...fence, ...statements])).slice(fence.length);
  } catch (error) {
    if (/malformed JSON/i.test(String((error as Error)?.message ?? error))) {
      throw new ApiError(
        "conflict",
        "A retry with this Idempotency-Key took over this request; it changed nothing.",
      );
    }
    throw error;
  }
}
