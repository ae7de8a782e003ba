import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { clearLoginAttempts, countLoginAttempt } from "../../db/queries/login-attempts";
import { users } from "../../db/schema";
import { publicJwks } from "../../lib/access-tokens";
import { sourceKeyOf } from "../../lib/client-context";
import { ApiError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { keyedHash } from "../../lib/keyed-hash";
import { lockedForSeconds, windowCutoff } from "../../lib/login-throttle";
import { decoyPasswordHash, hashPassword, verifyPassword } from "../../lib/password";
import { toUserDto } from "../../lib/schemas/user";
import { exchangeWechatCode } from "../../lib/wechat";
import { tokenConfig } from "../../middleware/auth";
import { enforceRateLimit } from "../../middleware/rate-limit";
import type { AppRouteHandler } from "../../types";
import type * as routes from "./auth.routes";
import { issueTokenPair, rotateRefreshToken, spendRefreshToken } from "./sessions";

const badCredentials = () => new ApiError("unauthorized", "Email or password is wrong.");

export const login: AppRouteHandler<typeof routes.login> = async (c) => {
  const { email, password } = c.req.valid("json");
  const db = getDb(c.env.DB);
  const now = new Date();
  const cutoff = windowCutoff(now);
  const source = await sourceKeyOf(c.env.CLIENT_ID_PEPPER, {
    ip: c.req.header("CF-Connecting-IP"),
  });
  await enforceRateLimit(
    c.env.LOGIN_RATE_LIMITER,
    [source ? `source:${source}` : ""],
    "Too many sign-in attempts from this address; try again in a minute.",
  );
  // Known and unknown accounts are counted alike, per source: the answers cannot tell them
  // apart, and failures from another address never lock the owner out.
  const attemptKey = await keyedHash(c.env.CLIENT_ID_PEPPER, "login", `${email}\u0000${source}`);
  const [attempt, user] = await Promise.all([
    countLoginAttempt(c.env.DB, attemptKey, now, cutoff),
    db.query.users.findFirst({ where: eq(users.email, email) }),
  ]);
  const wait = lockedForSeconds(attempt, now);
  if (wait > 0) {
    throw new ApiError(
      "rate_limited",
      "Too many failed sign-ins for this account from this address; try again later.",
      { headers: { "Retry-After": String(wait) }, extra: { retry_after_seconds: wait } },
    );
  }
  // An unknown account is checked against a decoy hash so both failures take the same time.
  const check = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user?.passwordHash || user.disabledAt || !check.ok) throw badCredentials();
  const changes: Partial<typeof users.$inferInsert> = { lastLoginAt: now.toISOString() };
  if (check.needsRehash) changes.passwordHash = await hashPassword(password);
  const [[signedIn]] = await Promise.all([
    db.update(users).set(changes).where(eq(users.id, user.id)).returning(),
    clearLoginAttempts(c.env.DB, attemptKey, cutoff),
  ]);
  return c.json(await issueTokenPair(c, signedIn ?? user), 200);
};

export const refresh: AppRouteHandler<typeof routes.refresh> = async (c) => {
  const { refresh_token } = c.req.valid("json");
  return c.json(await rotateRefreshToken(c, refresh_token), 200);
};

export const logout: AppRouteHandler<typeof routes.logout> = async (c) => {
  await spendRefreshToken(c, c.get("user").id, c.req.valid("json").refresh_token);
  return c.body(null, 204);
};

export const wechat: AppRouteHandler<typeof routes.wechat> = async (c) => {
  const openid = await exchangeWechatCode(
    {
      mode: c.env.WECHAT_MODE,
      apiBase: c.env.WECHAT_API_BASE,
      appId: c.env.WECHAT_APP_ID,
      appSecret: c.env.WECHAT_APP_SECRET,
    },
    c.req.valid("json").code,
  );
  const openidHash = await keyedHash(c.env.CLIENT_ID_PEPPER, "wechat-openid", openid);
  const db = getDb(c.env.DB);
  const now = new Date().toISOString();
  await db
    .insert(users)
    .values({
      id: newId("usr"),
      role: "consumer",
      displayName: "微信用户",
      wechatOpenidHash: openidHash,
    })
    .onConflictDoNothing({ target: users.wechatOpenidHash });
  const [user] = await db
    .update(users)
    .set({ lastLoginAt: now })
    .where(eq(users.wechatOpenidHash, openidHash))
    .returning();
  if (!user || user.disabledAt) throw new ApiError("forbidden", "This account is disabled.");
  return c.json(await issueTokenPair(c, user), 200);
};

export const me: AppRouteHandler<typeof routes.me> = async (c) => {
  const row = await getDb(c.env.DB).query.users.findFirst({
    where: eq(users.id, c.get("user").id),
  });
  if (!row) throw new ApiError("not_found", "The account no longer exists.");
  return c.json(toUserDto(row), 200);
};

export const jwks: AppRouteHandler<typeof routes.jwks> = async (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(await publicJwks(tokenConfig(c.env)), 200);
};
