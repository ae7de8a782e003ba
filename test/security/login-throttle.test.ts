// Login throttling per source and per account: a stranger's failures never lock the owner out
// from another address, and a real and an unknown account answer alike.
import { describe, expect, it } from "vitest";
import { createUser, TEST_PASSWORD } from "../helpers/fixtures";
import { call } from "../helpers/http";

const login = (email: string, password: string, ip: string) =>
  call("/v1/auth/login", { body: { email, password }, headers: { "CF-Connecting-IP": ip } });

async function shape(response: Response) {
  const body = (await response.json()) as { code: string; detail: string };
  return {
    status: response.status,
    code: body.code,
    detail: body.detail,
    authenticate: response.headers.get("WWW-Authenticate"),
    retry: response.headers.get("Retry-After") !== null,
  };
}

describe("login throttle", () => {
  it("does not lock the owner out from another address", async () => {
    const owner = await createUser("admin");
    for (let i = 0; i < 8; i++) await login(owner.email, `wrong-${i}-password`, "198.51.100.66");
    expect((await login(owner.email, TEST_PASSWORD, "198.51.100.66")).status).toBe(429);
    expect((await login(owner.email, TEST_PASSWORD, "203.0.113.9")).status).toBe(200);
  });

  it("answers a real and an unknown account identically, attempt by attempt", async () => {
    const real = await createUser("producer");
    const unknown = `nobody-${crypto.randomUUID().slice(0, 8)}@test.local`;
    for (let i = 0; i < 7; i++) {
      const a = await shape(await login(real.email, "wrong-password-1", "198.51.100.70"));
      const b = await shape(await login(unknown, "wrong-password-1", "198.51.100.71"));
      expect(b, `attempt ${i + 1}`).toEqual(a);
    }
  });

  it("sends WWW-Authenticate with every 401", async () => {
    const response = await login("nobody@test.local", "wrong-password-1", "198.51.100.72");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
  });
});
