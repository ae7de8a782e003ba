import { env } from "cloudflare:workers";
import { importJWK, type JWK, SignJWT } from "jose";

/** An access token signed with the server's real key; `claims` override the valid defaults. */
export async function signWith(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const [jwk] = JSON.parse(env.TOKEN_SIGNING_KEYS) as JWK[];
  const key = await importJWK(jwk as JWK, "ES256");
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    role: "admin",
    iat: now,
    exp: now + 600,
    iss: env.TOKEN_ISSUER,
    aud: env.TOKEN_AUDIENCE,
    ...claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "ES256", kid: jwk?.kid, typ: "at+jwt", ...header })
    .sign(key);
}
