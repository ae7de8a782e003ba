import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { decodeJwt, decodeProtectedHeader, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { users } from "../../../src/db/schema";
import { createOrganization, createUser, db, TEST_PASSWORD } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";
import { signWith } from "../../helpers/tokens";

type TokenPair = {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: { id: string; role: string; email: string };
};

const login = (email: string, password: string) =>
  call("/v1/auth/login", { body: { email, password } });

describe("POST /v1/auth/login", () => {
  it("answers a token pair with a short-lived ES256 access token", async () => {
    const admin = await createUser("admin");
    const { status, body } = await callJson<TokenPair>("/v1/auth/login", {
      body: { email: admin.email.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(status).toBe(200);
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBeLessThanOrEqual(900);
    expect(body.user).toMatchObject({ id: admin.id, role: "admin", email: admin.email });
    const header = decodeProtectedHeader(body.access_token);
    expect(header).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    expect(header.kid).toBeTruthy();
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      sub: admin.id,
      role: "admin",
      iss: env.TOKEN_ISSUER,
      aud: env.TOKEN_AUDIENCE,
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeLessThanOrEqual(900);
    expect(JSON.stringify(body)).not.toContain("password");
  });

  it("answers the same 401 for an unknown email and a wrong password", async () => {
    const admin = await createUser("admin");
    const unknown = await expectProblem(
      await login("nobody@test.local", TEST_PASSWORD),
      401,
      "unauthorized",
    );
    const wrong = await expectProblem(
      await login(admin.email, "wrong-password-1"),
      401,
      "unauthorized",
    );
    expect(unknown.detail).toBe(wrong.detail);
    expect(unknown.title).toBe(wrong.title);
  });

  it("locks one account with 429 and Retry-After after five failures, and only that one", async () => {
    const victim = await createUser("producer", {
      organizationId: (await createOrganization()).id,
    });
    const bystander = await createUser("admin");
    for (let i = 0; i < 5; i++)
      await expectProblem(await login(victim.email, `wrong-${i}-password`), 401, "unauthorized");
    const locked = await login(victim.email, TEST_PASSWORD);
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(800);
    await expectProblem(locked, 429, "rate_limited");
    expect((await login(bystander.email, TEST_PASSWORD)).status).toBe(200);
  });

  it("resets the failure count after a successful sign-in", async () => {
    const admin = await createUser("admin");
    for (let i = 0; i < 4; i++) await login(admin.email, "wrong-password-x");
    expect((await login(admin.email, TEST_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 5; i++) await login(admin.email, "wrong-password-x");
    expect((await login(admin.email, "wrong-password-x")).status).toBe(429);
  });

  it("refuses a disabled account with the same 401", async () => {
    const admin = await createUser("admin");
    await db()
      .update(users)
      .set({ disabledAt: new Date().toISOString() })
      .where(eq(users.id, admin.id));
    await expectProblem(await login(admin.email, TEST_PASSWORD), 401, "unauthorized");
  });

  it("validates the body", async () => {
    const problem = await expectProblem(
      await call("/v1/auth/login", { body: { email: "not-an-email" } }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(["body.email", "body.password"]);
  });
});

describe("access tokens", () => {
  it("open GET /v1/me and are required there", async () => {
    const admin = await createUser("admin");
    const { status, body } = await callJson("/v1/me", { token: admin.token });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: admin.id, role: "admin" });
    const missing = await call("/v1/me");
    expect(missing.headers.get("WWW-Authenticate")).toContain("Bearer");
    await expectProblem(missing, 401, "unauthorized");
  });

  it("are refused when tampered, expired, of another issuer, audience or type", async () => {
    const admin = await createUser("admin");
    const [head, payload, signature] = admin.token.split(".");
    const forgedPayload = btoa(
      JSON.stringify({ ...decodeJwt(admin.token), role: "admin", sub: "usr_other" }),
    )
      .replaceAll("=", "")
      .replaceAll("+", "-")
      .replaceAll("/", "_");
    const now = Math.floor(Date.now() / 1000);
    const bad = [
      `${head}.${forgedPayload}.${signature}`,
      `${head}.${payload}.${signature?.slice(0, -4)}AAAA`,
      await signWith({ sub: admin.id, exp: now - 120 }),
      await signWith({ sub: admin.id, iss: "https://evil.example" }),
      await signWith({ sub: admin.id, aud: "another-api" }),
      await signWith({ sub: admin.id }, { typ: "JWT" }),
      `${btoa(JSON.stringify({ alg: "none", typ: "at+jwt" }))}.${payload}.`,
    ];
    for (const [i, token] of bad.entries()) {
      expect((await call("/v1/me", { token })).status, `case ${i}`).toBe(401);
    }
  });

  it("tolerate 30 seconds of clock skew at expiry", async () => {
    const admin = await createUser("admin");
    const token = await signWith({ sub: admin.id, exp: Math.floor(Date.now() / 1000) - 10 });
    expect((await call("/v1/me", { token })).status).toBe(200);
  });

  it("stop working as soon as the account is disabled", async () => {
    const admin = await createUser("admin");
    expect((await call("/v1/me", { token: admin.token })).status).toBe(200);
    await db()
      .update(users)
      .set({ disabledAt: new Date().toISOString() })
      .where(eq(users.id, admin.id));
    await expectProblem(await call("/v1/me", { token: admin.token }), 401, "unauthorized");
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("publishes the public key of the signing key and never the private part", async () => {
    const admin = await createUser("admin");
    const { status, body } = await callJson<{ keys: JWK[] }>("/.well-known/jwks.json");
    expect(status).toBe(200);
    expect(body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of body.keys) {
      expect(key).not.toHaveProperty("d");
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    }
    expect(body.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(admin.token).kid);
  });
});

describe("POST /v1/auth/refresh", () => {
  it("rotates: the new refresh token works, the old one is spent", async () => {
    const admin = await createUser("admin");
    const first = await callJson<TokenPair>("/v1/auth/refresh", {
      body: { refresh_token: admin.refreshToken },
    });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(admin.refreshToken);
    expect((await call("/v1/me", { token: first.body.access_token })).status).toBe(200);
    const second = await callJson<TokenPair>("/v1/auth/refresh", {
      body: { refresh_token: first.body.refresh_token },
    });
    expect(second.status).toBe(200);
  });

  it("revokes the whole family when a rotated token is used again", async () => {
    const admin = await createUser("admin");
    const rotated = await callJson<TokenPair>("/v1/auth/refresh", {
      body: { refresh_token: admin.refreshToken },
    });
    await expectProblem(
      await call("/v1/auth/refresh", { body: { refresh_token: admin.refreshToken } }),
      401,
      "unauthorized",
    );
    // The legitimate holder's newer token died with the family.
    await expectProblem(
      await call("/v1/auth/refresh", { body: { refresh_token: rotated.body.refresh_token } }),
      401,
      "unauthorized",
    );
  });

  it("stores refresh tokens only as hashes", async () => {
    const admin = await createUser("admin");
    const rows = await env.DB.prepare("SELECT token_hash FROM refresh_tokens WHERE user_id = ?")
      .bind(admin.id)
      .all<{ token_hash: string }>();
    expect(rows.results.length).toBe(1);
    expect(rows.results[0]?.token_hash).not.toBe(admin.refreshToken);
    expect(JSON.stringify(rows.results)).not.toContain(admin.refreshToken);
  });

  it("refuses an unknown token", async () => {
    await expectProblem(
      await call("/v1/auth/refresh", { body: { refresh_token: "not-a-token" } }),
      401,
      "unauthorized",
    );
  });
});

describe("POST /v1/auth/logout", () => {
  it("spends the refresh token", async () => {
    const admin = await createUser("admin");
    const response = await call("/v1/auth/logout", {
      token: admin.token,
      body: { refresh_token: admin.refreshToken },
    });
    expect(response.status).toBe(204);
    await expectProblem(
      await call("/v1/auth/refresh", { body: { refresh_token: admin.refreshToken } }),
      401,
      "unauthorized",
    );
  });

  it("needs a signed-in caller", async () => {
    await expectProblem(
      await call("/v1/auth/logout", { body: { refresh_token: "x" } }),
      401,
      "unauthorized",
    );
  });
});
