import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countRows, createOrganization, createUser, TEST_PASSWORD } from "../helpers/fixtures";
import { call, callJson, expectProblem } from "../helpers/http";

type User = {
  id: string;
  email: string;
  role: string;
  organization_id: string | null;
  region_codes: string[];
  disabled: boolean;
};

describe("/v1/users", () => {
  it("lets an admin create a producer bound to an organization", async () => {
    const admin = await createUser("admin");
    const org = await createOrganization();
    const { status, body, headers } = await callJson<User>("/v1/users", {
      token: admin.token,
      body: {
        email: "New.Producer@Test.local",
        password: "long-enough-pw",
        role: "producer",
        display_name: "合作社",
        organization_id: org.id,
      },
    });
    expect(status).toBe(201);
    expect(headers.get("Location")).toBe(`/v1/users/${body.id}`);
    expect(body).toMatchObject({
      email: "new.producer@test.local",
      role: "producer",
      organization_id: org.id,
      disabled: false,
    });
    expect(body.id).toMatch(/^usr_[0-9a-z]{16}$/);
    expect(JSON.stringify(body)).not.toContain("password");
    const signIn = await call("/v1/auth/login", {
      body: { email: "new.producer@test.local", password: "long-enough-pw" },
    });
    expect(signIn.status).toBe(200);
  });

  it("writes an audit record without the password hash", async () => {
    const admin = await createUser("admin");
    const { body } = await callJson<User>("/v1/users", {
      token: admin.token,
      body: {
        email: "reg@test.local",
        password: "long-enough-pw",
        role: "regulator",
        display_name: "局",
        region_codes: ["330900"],
      },
    });
    const audit = await env.DB.prepare("SELECT * FROM audit_log WHERE target_id = ?")
      .bind(body.id)
      .first<Record<string, string>>();
    expect(audit).toMatchObject({
      action: "user.create",
      actor_user_id: admin.id,
      actor_role: "admin",
    });
    expect(audit?.after).not.toContain("pbkdf2");
    expect(audit?.request_id).toBeTruthy();
  });

  it("refuses bad input and changes nothing", async () => {
    const admin = await createUser("admin");
    const before = await countRows("users");
    const cases: [unknown, string][] = [
      [
        { email: "a@test.local", password: "short", role: "admin", display_name: "x" },
        "body.password",
      ],
      [
        { email: "a@test.local", password: "long-enough-pw", role: "consumer", display_name: "x" },
        "body.role",
      ],
      [
        { email: "a@test.local", password: "long-enough-pw", role: "producer", display_name: "x" },
        "body.organization_id",
      ],
      [
        {
          email: "a@test.local",
          password: "long-enough-pw",
          role: "producer",
          display_name: "x",
          organization_id: "org_missing",
        },
        "body.organization_id",
      ],
      [
        { email: "a@test.local", password: "long-enough-pw", role: "regulator", display_name: "x" },
        "body.region_codes",
      ],
      [
        {
          email: "a@test.local",
          password: "long-enough-pw",
          role: "regulator",
          display_name: "x",
          region_codes: ["999999"],
        },
        "body.region_codes.0",
      ],
    ];
    for (const [body, path] of cases) {
      const problem = await expectProblem(
        await call("/v1/users", { token: admin.token, body }),
        400,
        "validation_failed",
      );
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    expect(await countRows("users")).toBe(before);
  });

  it("answers 409 for an email already in use", async () => {
    const admin = await createUser("admin");
    await expectProblem(
      await call("/v1/users", {
        token: admin.token,
        body: {
          email: admin.email,
          password: "long-enough-pw",
          role: "admin",
          display_name: "dup",
        },
      }),
      409,
      "conflict",
    );
  });

  it("is for admins only", async () => {
    const regulator = await createUser("regulator", { regionCodes: ["330900"] });
    await expectProblem(await call("/v1/users", { token: regulator.token }), 403, "forbidden");
    await expectProblem(await call("/v1/users"), 401, "unauthorized");
  });

  it("lists accounts newest first with a cursor", async () => {
    const admin = await createUser("admin");
    const org = await createOrganization();
    for (let i = 0; i < 3; i++) await createUser("producer", { organizationId: org.id });
    const first = await callJson<{ items: User[]; next_cursor: string | null }>(
      `/v1/users?organization_id=${org.id}&limit=2`,
      { token: admin.token },
    );
    expect(first.body.items).toHaveLength(2);
    expect(first.body.next_cursor).toBeTruthy();
    const second = await callJson<{ items: User[]; next_cursor: string | null }>(
      `/v1/users?organization_id=${org.id}&limit=2&cursor=${first.body.next_cursor}`,
      { token: admin.token },
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((u) => u.id);
    expect(new Set(ids).size).toBe(3);
    await expectProblem(
      await call("/v1/users?cursor=garbage!", { token: admin.token }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await call("/v1/users?limit=201", { token: admin.token }),
      400,
      "validation_failed",
    );
  });

  it("disables an account: its tokens and refresh tokens stop working", async () => {
    const admin = await createUser("admin");
    const target = await createUser("regulator", { regionCodes: ["330900"] });
    const { status, body } = await callJson<User>(`/v1/users/${target.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { disabled: true },
    });
    expect(status).toBe(200);
    expect(body.disabled).toBe(true);
    await expectProblem(await call("/v1/me", { token: target.token }), 401, "unauthorized");
    await expectProblem(
      await call("/v1/auth/refresh", { body: { refresh_token: target.refreshToken } }),
      401,
      "unauthorized",
    );
    await expectProblem(
      await call("/v1/auth/login", { body: { email: target.email, password: TEST_PASSWORD } }),
      401,
      "unauthorized",
    );
  });

  it("updates region codes of a regulator and answers 404 for an unknown id", async () => {
    const admin = await createUser("admin");
    const target = await createUser("regulator", { regionCodes: ["330900"] });
    const { body } = await callJson<User>(`/v1/users/${target.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { region_codes: ["370100", "370100"] },
    });
    expect(body.region_codes).toEqual(["370100"]);
    await expectProblem(
      await call("/v1/users/usr_doesnotexist0000", { token: admin.token }),
      404,
      "not_found",
    );
  });
});
