// Sign-in sessions: an access token plus a rotating refresh token stored only as a hash.
import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { refreshTokens, users } from "../../db/schema";
import { signAccessToken } from "../../lib/access-tokens";
import { ApiError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { randomToken, sha256Base64Url } from "../../lib/keyed-hash";
import { tokenConfig } from "../../middleware/auth";
import type { AppEnv } from "../../types";
import { toUserDto } from "../users/users.schemas";

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
  const expiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_DAYS * 86_400_000).toISOString();
  await getDb(c.env.DB)
    .insert(refreshTokens)
    .values({
      id: newId("rt"),
      userId: user.id,
      familyId,
      tokenHash: await sha256Base64Url(refreshToken),
      expiresAt,
    });
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
  // Conditional update: of two concurrent uses of one token only one can spend it.
  const spent = await db
    .update(refreshTokens)
    .set({ spentAt: now })
    .where(
      and(
        eq(refreshTokens.id, row.id),
        isNull(refreshTokens.spentAt),
        isNull(refreshTokens.revokedAt),
      ),
    )
    .returning({ id: refreshTokens.id });
  if (spent.length === 0) {
    await revokeFamily(c, row.familyId);
    throw invalidRefresh();
  }
  const user = await db.query.users.findFirst({ where: eq(users.id, row.userId) });
  if (!user || user.disabledAt) {
    await revokeFamily(c, row.familyId);
    throw invalidRefresh();
  }
  return issueTokenPair(c, user, row.familyId);
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
