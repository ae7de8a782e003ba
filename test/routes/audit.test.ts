import { describe, expect, it } from "vitest";
import { createProducerSetup, createUser } from "../helpers/fixtures";
import { call, callJson, expectProblem } from "../helpers/http";

type Page = {
  items: {
    id: string;
    action: string;
    target_id: string;
    actor_user_id: string | null;
    at: string;
  }[];
  next_cursor: string | null;
};

describe("GET /v1/audit", () => {
  it("lists the audit log for admins, filtered and paged newest first", async () => {
    const admin = await createUser("admin");
    const setup = await createProducerSetup();
    for (const status of ["suspended", "active", "suspended"]) {
      const changed = await call(`/v1/authorizations/${setup.authorization.id}/status`, {
        token: admin.token,
        body: { status, reason: "审计日志测试" },
      });
      expect(changed.status).toBe(200);
    }
    const byTarget = await callJson<Page>(`/v1/audit?target_id=${setup.authorization.id}&limit=2`, {
      token: admin.token,
    });
    expect(byTarget.status).toBe(200);
    expect(byTarget.body.items.map((r) => r.action)).toEqual([
      "authorization.status.suspended",
      "authorization.status.active",
    ]);
    expect(byTarget.body.next_cursor).toBeTruthy();
    const rest = await callJson<Page>(
      `/v1/audit?target_id=${setup.authorization.id}&limit=2&cursor=${byTarget.body.next_cursor}`,
      { token: admin.token },
    );
    expect(rest.body.items.map((r) => r.action)).toEqual(["authorization.status.suspended"]);
    expect(rest.body.next_cursor).toBeNull();

    const byActor = await callJson<Page>(
      `/v1/audit?actor_id=${admin.id}&action=authorization.status.active`,
      { token: admin.token },
    );
    expect(byActor.body.items).toHaveLength(1);
    expect(byActor.body.items[0]).toMatchObject({
      actor_user_id: admin.id,
      target_id: setup.authorization.id,
    });
    const future = await callJson<Page>("/v1/audit?since=2099-01-01T00:00:00Z", {
      token: admin.token,
    });
    expect(future.body.items).toEqual([]);

    await expectProblem(
      await call("/v1/audit?since=soon", { token: admin.token }),
      400,
      "validation_failed",
    );
    await expectProblem(await call("/v1/audit", { token: setup.producer.token }), 403, "forbidden");
  });
});
