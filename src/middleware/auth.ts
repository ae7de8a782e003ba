import { eq } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { getDb } from "../db/client";
import { type Role, users } from "../db/schema";
import { type AccessClaims, accessTokenTtl, verifyAccessToken } from "../lib/access-tokens";
import { ApiError } from "../lib/errors";
import type { AppEnv, AuthUser } from "../types";

export const tokenConfig = (env: AppEnv["Bindings"]) => ({
  signingKeys: env.TOKEN_SIGNING_KEYS,
  issuer: env.TOKEN_ISSUER,
  audience: env.TOKEN_AUDIENCE,
  ttlSeconds: accessTokenTtl(env.ENVIRONMENT, env.ACCESS_TOKEN_TTL_SECONDS),
});

function bearerToken(c: Context<AppEnv>): string | null {
  const header = c.req.header("Authorization");
  if (!header) return null;
  const match = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

const unauthorized = (detail: string) =>
  new ApiError("unauthorized", detail, {
    headers: { "WWW-Authenticate": 'Bearer realm="gi-trace"' },
  });

/**
 * Claims of a valid bearer token without a database read, for endpoints where a token is
 * optional and the hot path must not pay for a user lookup (POST /v1/scans). Null if absent
 * or invalid.
 */
export async function optionalClaims(c: Context<AppEnv>): Promise<AccessClaims | null> {
  const token = bearerToken(c);
  return token ? verifyAccessToken(tokenConfig(c.env), token) : null;
}

export async function loadActiveUser(c: Context<AppEnv>, userId: string): Promise<AuthUser | null> {
  const row = await getDb(c.env.DB).query.users.findFirst({ where: eq(users.id, userId) });
  if (!row || row.disabledAt) return null;
  return {
    id: row.id,
    role: row.role,
    email: row.email,
    displayName: row.displayName,
    organizationId: row.organizationId,
    regionCodes: row.regionCodes,
  };
}

/**
 * Requires a valid access token of an enabled user with one of `roles` (any role when empty).
 * The user is reloaded from D1 so that disabling an account takes effect at once.
 */
export function requireAuth(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c);
    if (!token)
      throw unauthorized("Sign in: send an access token as `Authorization: Bearer <token>`.");
    const claims = await verifyAccessToken(tokenConfig(c.env), token);
    if (!claims) throw unauthorized("The access token is invalid or expired.");
    const user = await loadActiveUser(c, claims.sub);
    if (!user) throw unauthorized("The account of this token no longer exists or is disabled.");
    if (roles.length > 0 && !roles.includes(user.role)) {
      throw new ApiError("forbidden", `This needs one of the roles: ${roles.join(", ")}.`);
    }
    c.set("user", user);
    await next();
  };
}

/** OpenAPI route fragment: bearer security and the role check, spread into createRoute. */
export function authenticated(...roles: Role[]) {
  return { security: [{ bearer: [] }], middleware: [requireAuth(...roles)] };
}
