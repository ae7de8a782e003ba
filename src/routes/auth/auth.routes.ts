import { z } from "@hono/zod-openapi";
import { ACCESS_TOKEN_TTL_SECONDS } from "../../lib/access-tokens";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { operationsOf } from "../../lib/route-specs";
import { EmailSchema, UserSchema } from "../../lib/schemas/user";

const auth = operationsOf("auth");

const TokenPairSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ example: ACCESS_TOKEN_TTL_SECONDS }),
    user: UserSchema,
  })
  .openapi("TokenPair");

const RefreshBody = z.object({ refresh_token: z.string().min(1).max(256) }).strict();

export const login = auth.post("/v1/auth/login", "signIn", {
  access: "public",
  summary: "Sign in with email and password",
  description:
    "Unknown email and wrong password get the same 401 in about the same time. After 5 failed attempts for one account within 15 minutes, that account answers 429 with Retry-After.",
  request: {
    body: jsonBody(z.object({ email: EmailSchema, password: z.string().min(1).max(256) }).strict()),
  },
  responses: { 200: jsonContent(TokenPairSchema, "Signed in") },
  errors: [401, 429],
});

export const refresh = auth.post("/v1/auth/refresh", "refreshTokens", {
  access: "public",
  summary: "Exchange a refresh token for a new pair (the old one is spent)",
  description:
    "Refresh tokens rotate on every use. Presenting a token that was already rotated revokes its whole family (every token descended from the same sign-in).",
  request: { body: jsonBody(RefreshBody) },
  responses: { 200: jsonContent(TokenPairSchema, "New token pair") },
  errors: [401],
});

export const logout = auth.post("/v1/auth/logout", "signOut", {
  summary: "Spend a refresh token",
  access: "signed-in",
  request: { body: jsonBody(RefreshBody) },
  responses: { 204: { description: "Signed out" } },
});

export const wechat = auth.post("/v1/auth/wechat", "signInWithWechat", {
  access: "public",
  summary: "Sign in a consumer with a WeChat mini-program login code",
  description:
    "Exchanges the code from wx.login() at jscode2session. Only a keyed hash of the openid is stored; session_key is never stored or returned. WeChat errors map to 400 (40029 invalid code), 429 (45011 rate limit), 403 (40226 blocked user), 503 (-1 busy) and 502 (network failure or malformed answer).",
  request: { body: jsonBody(z.object({ code: z.string().min(1).max(128) }).strict()) },
  responses: { 200: jsonContent(TokenPairSchema, "Signed in as a consumer") },
  errors: [403, 429, 502],
});

export const me = auth.get("/v1/me", "getCurrentUser", {
  summary: "The signed-in user",
  access: "signed-in",
  responses: { 200: jsonContent(UserSchema, "The caller") },
  errors: [404],
});

const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi("JWKS");

export const jwks = auth.get("/.well-known/jwks.json", "getJwks", {
  access: "public",
  summary: "Public keys that verify access tokens",
  responses: { 200: jsonContent(JwksSchema, "JSON Web Key Set") },
});
