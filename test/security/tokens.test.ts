// Access tokens this server never issues are refused (RFC 8725): an iat in the future, a lifetime
// over 15 minutes; and a disabled account's token is refused on the one route that reads the
// token without requiring it (POST /v1/scans).
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../src/db/schema";
import { createUser, db } from "../helpers/fixtures";
import { call, expectProblem } from "../helpers/http";
import { releasedLabels } from "../helpers/scans";
import { signWith } from "../helpers/tokens";

const now = () => Math.floor(Date.now() / 1000);

describe("access tokens", () => {
  it("refuses a token issued in the future", async () => {
    const admin = await createUser("admin");
    const token = await signWith({ sub: admin.id, iat: now() + 3600, exp: now() + 3900 });
    await expectProblem(await call("/v1/me", { token }), 401, "unauthorized");
  });

  it("refuses a token that lives longer than 15 minutes", async () => {
    const admin = await createUser("admin");
    const token = await signWith({ sub: admin.id, iat: now(), exp: now() + 24 * 3600 });
    await expectProblem(await call("/v1/me", { token }), 401, "unauthorized");
    const ok = await signWith({ sub: admin.id, iat: now(), exp: now() + 15 * 60 });
    expect((await call("/v1/me", { token: ok })).status).toBe(200);
  });

  it("refuses a disabled account's token on POST /v1/scans", async () => {
    const { codes } = await releasedLabels(1);
    const consumer = await createUser("consumer");
    expect(
      (await call("/v1/scans", { token: consumer.token, body: { code: codes[0] } })).status,
    ).toBe(200);
    await db()
      .update(users)
      .set({ disabledAt: new Date().toISOString() })
      .where(eq(users.id, consumer.id));
    const refused = await call("/v1/scans", { token: consumer.token, body: { code: codes[0] } });
    expect(refused.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    await expectProblem(refused, 401, "unauthorized");
  });
});
