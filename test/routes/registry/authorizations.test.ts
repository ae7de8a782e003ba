import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createGiProduct, createOrganization, createUser } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";

type Authorization = {
  id: string;
  number: string;
  status: string;
  annual_label_quota: number | null;
};

async function grant(token: string, body: Record<string, unknown>) {
  return callJson<Authorization>("/v1/authorizations", { token, body });
}

describe("/v1/authorizations", () => {
  it("grants with a readable unique number, audited, and refuses an overlapping grant", async () => {
    const admin = await createUser("admin");
    const org = await createOrganization();
    const product = await createGiProduct();
    const base = {
      organization_id: org.id,
      gi_product_id: product.id,
      valid_from: "2026-01-01",
      valid_until: "2027-12-31",
      annual_label_quota: 5000,
    };
    const first = await grant(admin.token, base);
    expect(first.status).toBe(201);
    expect(first.body.number).toMatch(/^GIA-2026-[0-9A-Z]{6}$/);
    expect(first.body).toMatchObject({ status: "active", annual_label_quota: 5000 });
    const overlapping = await call("/v1/authorizations", {
      token: admin.token,
      body: { ...base, valid_from: "2027-06-01", valid_until: "2028-12-31" },
    });
    const problem = await expectProblem(overlapping, 409, "conflict");
    expect(problem.existing_id).toBe(first.body.id);
    const later = await grant(admin.token, {
      ...base,
      valid_from: "2028-01-01",
      valid_until: "2028-12-31",
    });
    expect(later.status).toBe(201);
    const audits = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'authorization.create' AND target_id IN (?, ?)",
    )
      .bind(first.body.id, later.body.id)
      .first<{ n: number }>();
    expect(audits?.n).toBe(2);
  });

  it("lets only one of two concurrent overlapping grants through", async () => {
    const admin = await createUser("admin");
    const org = await createOrganization();
    const product = await createGiProduct();
    const body = {
      organization_id: org.id,
      gi_product_id: product.id,
      valid_from: "2026-01-01",
      valid_until: "2026-12-31",
    };
    const results = await Promise.all([
      grant(admin.token, body),
      grant(admin.token, body),
      grant(admin.token, body),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM authorizations WHERE organization_id = ?",
    )
      .bind(org.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("validates dates and references", async () => {
    const admin = await createUser("admin");
    const org = await createOrganization();
    const bad = await expectProblem(
      await call("/v1/authorizations", {
        token: admin.token,
        body: {
          organization_id: org.id,
          gi_product_id: "gi_nope",
          valid_from: "2026-02-30",
          valid_until: "2025-01-01",
        },
      }),
      400,
      "validation_failed",
    );
    expect(bad.errors?.map((e) => e.path)).toContain("body.valid_from");
    const missing = await expectProblem(
      await call("/v1/authorizations", {
        token: admin.token,
        body: {
          organization_id: org.id,
          gi_product_id: "gi_nope",
          valid_from: "2026-01-01",
          valid_until: "2026-12-31",
        },
      }),
      400,
      "validation_failed",
    );
    expect(missing.errors?.map((e) => e.path)).toEqual(["body.gi_product_id"]);
  });

  it("reads expired by date, and lets a regulator in region suspend with a reason", async () => {
    const admin = await createUser("admin");
    const org = await createOrganization({ regionCode: "330903" });
    const product = await createGiProduct();
    const old = await grant(admin.token, {
      organization_id: org.id,
      gi_product_id: product.id,
      valid_from: "2020-01-01",
      valid_until: "2021-12-31",
    });
    expect(old.body.status).toBe("expired");
    const current = await grant(admin.token, {
      organization_id: org.id,
      gi_product_id: product.id,
      valid_from: "2026-01-01",
      valid_until: "2030-12-31",
    });
    const regulator = await createUser("regulator", { regionCodes: ["330900"] });
    const elsewhere = await createUser("regulator", { regionCodes: ["370000"] });
    const producer = await createUser("producer", { organizationId: org.id });
    const path = `/v1/authorizations/${current.body.id}/status`;
    await expectProblem(
      await call(path, { token: regulator.token, body: { status: "suspended" } }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await call(path, { token: elsewhere.token, body: { status: "suspended", reason: "抽检" } }),
      404,
      "not_found",
    );
    await expectProblem(
      await call(path, { token: producer.token, body: { status: "active", reason: "自行恢复" } }),
      403,
      "forbidden",
    );
    const suspended = await callJson<Authorization>(path, {
      token: regulator.token,
      body: { status: "suspended", reason: "抽检不合格" },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe("suspended");
    const reinstated = await callJson<Authorization>(path, {
      token: admin.token,
      body: { status: "active", reason: "整改完成" },
    });
    expect(reinstated.body.status).toBe("active");
    await callJson(path, { token: admin.token, body: { status: "revoked", reason: "严重违规" } });
    await expectProblem(
      await call(path, { token: admin.token, body: { status: "active", reason: "撤销后恢复" } }),
      409,
      "conflict",
    );
    const trail = await env.DB.prepare(
      "SELECT action, actor_user_id, before, after FROM audit_log WHERE target_id = ? ORDER BY at, rowid",
    )
      .bind(current.body.id)
      .all<{ action: string; actor_user_id: string; before: string }>();
    expect(trail.results.map((r) => r.action)).toEqual([
      "authorization.create",
      "authorization.status.suspended",
      "authorization.status.active",
      "authorization.status.revoked",
    ]);
    expect(trail.results[1]?.actor_user_id).toBe(regulator.id);
    expect(JSON.parse(trail.results[1]?.before ?? "{}")).toEqual({
      status: "active",
      status_reason: null,
    });
  });

  it("lists within the caller's reach", async () => {
    const admin = await createUser("admin");
    const mine = await createOrganization();
    const theirs = await createOrganization();
    const product = await createGiProduct();
    for (const org of [mine, theirs])
      await grant(admin.token, {
        organization_id: org.id,
        gi_product_id: product.id,
        valid_from: "2026-01-01",
        valid_until: "2026-12-31",
      });
    const producer = await createUser("producer", { organizationId: mine.id });
    const { body } = await callJson<{ items: { organization_id: string }[] }>(
      "/v1/authorizations",
      { token: producer.token },
    );
    expect(body.items.map((a) => a.organization_id)).toEqual([mine.id]);
  });
});

describe("GET /v1/public/authorizations", () => {
  it("answers by USCC or number without contacts or quotas", async () => {
    const admin = await createUser("admin");
    const org = await createOrganization({ contactPhone: "13800000000", contactName: "王先生" });
    const product = await createGiProduct();
    const granted = await grant(admin.token, {
      organization_id: org.id,
      gi_product_id: product.id,
      valid_from: "2026-01-01",
      valid_until: "2030-12-31",
      annual_label_quota: 777,
    });
    for (const query of [
      `uscc=${org.uscc.toLowerCase()}`,
      `number=${granted.body.number.toLowerCase()}`,
    ]) {
      const { status, body } = await callJson<Record<string, unknown>>(
        `/v1/public/authorizations?${query}`,
      );
      expect(status).toBe(200);
      expect(body).toMatchObject({
        organization: {
          name: org.name,
          uscc: org.uscc,
          region_code: "330903",
          region_name: "普陀区",
        },
        authorizations: [
          {
            number: granted.body.number,
            status: "active",
            gi_product: { id: product.id, name_zh: "舟山带鱼" },
          },
        ],
      });
      const text = JSON.stringify(body);
      expect(text).not.toContain("13800000000");
      expect(text).not.toContain("王先生");
      expect(text).not.toContain("777");
    }
  });

  it("needs exactly one of uscc and number, and answers 404 for an unknown one", async () => {
    await expectProblem(await call("/v1/public/authorizations"), 400, "validation_failed");
    await expectProblem(
      await call("/v1/public/authorizations?uscc=91350100M000100Y43&number=GIA-2026-AAAAAA"),
      400,
      "validation_failed",
    );
    await expectProblem(
      await call("/v1/public/authorizations?uscc=91350100M000100Y43"),
      404,
      "not_found",
    );
    await expectProblem(
      await call("/v1/public/authorizations?uscc=91350100M000100Y44"),
      400,
      "validation_failed",
    );
  });
});
