// Sign-in sessions: an access token plus a rotating refresh token stored only as a hash.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { refreshTokens, users } from "../../db/schema";
import { bare, prepareSql } from "../../db/sql";
import { signAccessToken } from "../../lib/access-tokens";
import { ApiError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { randomToken, sha256Base64Url } from "../../lib/keyed-hash";
import { toUserDto } from "../../lib/schemas/user";
import { tokenConfig } from "../../middleware/auth";
import type { AppEnv } from "../../types";

export const REFRESH_TOKEN_TTL_DAYS = 30;

type UserRow = typeof users.$inferSelect;

const invalidRefresh = () =>
  new ApiError(
    "unauthorized",
    "The refresh token is invalid, expired or already used; sign in again.",
  );

/** Issues an access token and a new refresh token in `familyId` (a new family on sign-in). */
export async function issueTokenPair(c: Context<AppEnv>, user: UserRow, familyId = newId("rt")) {
  const refreshToken = randomToken();
  await getDb(c.env.DB)
    .insert(refreshTokens)
    .values({
      id: newId("rt"),
      userId: user.id,
      familyId,
      tokenHash: await sha256Base64Url(refreshToken),
      expiresAt: refreshExpiry(),
    });
  return tokenPair(c, user, refreshToken);
}

const refreshExpiry = () =>
  new Date(Date.now() + REFRESH_TOKEN_TTL_DAYS * 86_400_000).toISOString();

async function tokenPair(c: Context<AppEnv>, user: UserRow, refreshToken: string) {
  const config = tokenConfig(c.env);
  return {
    access_token: await signAccessToken(config, { sub: user.id, role: user.role }),
    refresh_token: refreshToken,
    token_type: "Bearer" as const,
    expires_in: config.ttlSeconds,
    user: toUserDto(user),
  };
}

/**
 * Spends a refresh token and issues the next one of its family. A token that was already spent
 * means it was stolen or replayed: the whole family is revoked, the thief's and the owner's.
 * Spending and issuing the successor are one transaction, so a reuse that revokes the family at
 * any moment also revokes the successor: it either exists already or can no longer be issued.
 */
export async function rotateRefreshToken(c: Context<AppEnv>, presented: string) {
  const db = getDb(c.env.DB);
  const tokenHash = await sha256Base64Url(presented);
  const row = await db.query.refreshTokens.findFirst({
    where: eq(refreshTokens.tokenHash, tokenHash),
  });
  if (!row) throw invalidRefresh();
  const now = new Date().toISOString();
  if (row.revokedAt || row.expiresAt <= now) throw invalidRefresh();
  const user = await db.query.users.findFirst({ where: eq(users.id, row.userId) });
  if (!user || user.disabledAt) {
    await revokeFamily(c, row.familyId);
    throw invalidRefresh();
  }
  const next = randomToken();
  const d1 = c.env.DB;
  const rt = refreshTokens;
  const [spent] = await d1.batch([
    prepareSql(
      d1,
      sql`UPDATE ${rt} SET ${bare(rt.spentAt)} = ${now} WHERE ${rt.id} = ${row.id} AND ${rt.spentAt} IS NULL AND ${rt.revokedAt} IS NULL`,
    ),
    prepareSql(
      d1,
      sql`INSERT INTO ${rt} (${bare(rt.id)}, ${bare(rt.userId)}, ${bare(rt.familyId)}, ${bare(rt.tokenHash)}, ${bare(rt.expiresAt)}, ${bare(rt.createdAt)})
         SELECT ${newId("rt")}, ${user.id}, ${row.familyId}, ${await sha256Base64Url(next)}, ${refreshExpiry()}, ${now} WHERE changes() = 1`,
    ),
  ]);
  if ((spent?.meta.changes ?? 0) !== 1) {
    await revokeFamily(c, row.familyId);
    throw invalidRefresh();
  }
  return tokenPair(c, user, next);
}

export async function revokeFamily(c: Context<AppEnv>, familyId: string) {
  await getDb(c.env.DB)
    .update(refreshTokens)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Spends the token if it belongs to `userId`; unknown or foreign tokens change nothing. */
export async function spendRefreshToken(c: Context<AppEnv>, userId: string, presented: string) {
  await getDb(c.env.DB)
    .update(refreshTokens)
    .set({ spentAt: new Date().toISOString(), revokedAt: new Date().toISOString() })
    .where(
      and(
        eq(refreshTokens.tokenHash, await sha256Base64Url(presented)),
        eq(refreshTokens.userId, userId),
        isNull(refreshTokens.revokedAt),
      ),
    );
}
