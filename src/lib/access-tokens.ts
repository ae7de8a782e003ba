// Access tokens: ES256 JWTs, 15 minutes, typ at+jwt (RFC 9068). TOKEN_SIGNING_KEYS holds private
// JWKs; the first signs, every key verifies, so a new key can be published before it signs.
import {
  type CryptoKey,
  createLocalJWKSet,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
  SignJWT,
} from "jose";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = "ES256";
const CLOCK_TOLERANCE_SECONDS = 30;

export type TokenConfig = {
  signingKeys: string;
  issuer: string;
  audience: string;
  /** Lifetime of new access tokens; ACCESS_TOKEN_TTL_SECONDS unless set (tests shorten it). */
  ttlSeconds?: number;
};

/**
 * The access-token lifetime from the optional ACCESS_TOKEN_TTL_SECONDS variable, honoured only
 * outside production and only to shorten it (browser tests of token renewal); 15 minutes else.
 */
export function accessTokenTtl(environment: string, configured: string | undefined): number {
  const seconds = Number(configured);
  if (environment === "production" || !Number.isInteger(seconds)) return ACCESS_TOKEN_TTL_SECONDS;
  return Math.min(Math.max(seconds, 1), ACCESS_TOKEN_TTL_SECONDS);
}

type SigningKeys = {
  current: { kid: string; key: CryptoKey };
  jwks: JSONWebKeySet;
  verify: ReturnType<typeof createLocalJWKSet>;
};

const cache = new Map<string, Promise<SigningKeys>>();

async function loadKeys(json: string): Promise<SigningKeys> {
  const parsed = JSON.parse(json) as JWK[];
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error("TOKEN_SIGNING_KEYS must be a non-empty JSON array of private JWKs");
  }
  const publicKeys = parsed.map(({ d: _private, ...publicPart }) => {
    if (!publicPart.kid) throw new Error("every key in TOKEN_SIGNING_KEYS needs a kid");
    return { ...publicPart, alg: ALGORITHM, use: "sig", key_ops: undefined, ext: undefined };
  });
  const first = parsed[0] as JWK;
  const key = (await importJWK({ ...first, alg: ALGORITHM }, ALGORITHM)) as CryptoKey;
  const jwks = { keys: publicKeys } as JSONWebKeySet;
  return { current: { kid: first.kid as string, key }, jwks, verify: createLocalJWKSet(jwks) };
}

/** Keys are parsed and imported once per isolate. */
function signingKeys(json: string): Promise<SigningKeys> {
  let keys = cache.get(json);
  if (!keys) {
    keys = loadKeys(json);
    keys.catch(() => cache.delete(json));
    cache.set(json, keys);
  }
  return keys;
}

export async function publicJwks(config: TokenConfig): Promise<JSONWebKeySet> {
  return (await signingKeys(config.signingKeys)).jwks;
}

export async function signAccessToken(
  config: TokenConfig,
  claims: { sub: string; role: string },
): Promise<string> {
  const { current } = await signingKeys(config.signingKeys);
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: ALGORITHM, kid: current.kid, typ: "at+jwt" })
    .setSubject(claims.sub)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setJti(crypto.randomUUID())
    .setExpirationTime(`${config.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(current.key);
}

export type AccessClaims = { sub: string; role: string };

/**
 * Verifies signature (ES256 only), iss, aud, typ and expiry, and refuses what this server never
 * issues (RFC 8725 section 3.10): an `iat` in the future or a lifetime over 15 minutes. Null when
 * anything is off.
 */
export async function verifyAccessToken(
  config: TokenConfig,
  token: string,
): Promise<AccessClaims | null> {
  const { verify } = await signingKeys(config.signingKeys);
  try {
    const { payload } = await jwtVerify(token, verify, {
      algorithms: [ALGORITHM],
      issuer: config.issuer,
      audience: config.audience,
      typ: "at+jwt",
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["sub", "exp", "iat"],
    });
    if (typeof payload.sub !== "string" || typeof payload.role !== "string") return null;
    const { iat, exp } = payload as { iat: number; exp: number };
    const now = Date.now() / 1000;
    if (iat > now + CLOCK_TOLERANCE_SECONDS) return null;
    if (exp - iat > ACCESS_TOKEN_TTL_SECONDS) return null;
    return { sub: payload.sub, role: payload.role };
  } catch {
    return null;
  }
}
