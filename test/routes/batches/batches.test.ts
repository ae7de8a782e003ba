import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countRows, createBatch, createProducerSetup, createUser } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";

type Batch = {
  id: string;
  status: string;
  gtin: string | null;
  lot_code: string;
  label_count: number;
};

const batchBody = (
  setup: Awaited<ReturnType<typeof createProducerSetup>>,
  overrides: Record<string, unknown> = {},
) => ({
  authorization_id: setup.authorization.id,
  site_id: setup.site.id,
  lot_code: "ZSDY-20261120-01",
  quantity: 1200.5,
  unit: "kg",
  produced_at: "2026-11-20T04:30:00+08:00",
  ...overrides,
});

describe("POST /v1/batches", () => {
  it("creates a draft batch, stores the GTIN as GTIN-14, and audits it", async () => {
    const setup = await createProducerSetup();
    const { status, body } = await callJson<Batch>("/v1/batches", {
      token: setup.producer.token,
      body: batchBody(setup, { gtin: "4006381333931" }),
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      status: "draft",
      gtin: "04006381333931",
      lot_code: "ZSDY-20261120-01",
      label_count: 0,
    });
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ?")
      .bind(body.id)
      .first();
    expect(audit).toEqual({ action: "batch.create" });
  });

  it("refuses a site outside the GI's protected area with 422 outside_protected_area", async () => {
    const setup = await createProducerSetup();
    const before = await countRows("batches");
    await expectProblem(
      await call("/v1/batches", {
        token: setup.producer.token,
        body: batchBody(setup, { site_id: setup.outsideSite.id }),
      }),
      422,
      "outside_protected_area",
    );
    expect(await countRows("batches")).toBe(before);
  });

  it("refuses a wrong GTIN check digit, naming the expected digit", async () => {
    const setup = await createProducerSetup();
    const problem = await expectProblem(
      await call("/v1/batches", {
        token: setup.producer.token,
        body: batchBody(setup, { gtin: "4006381333932" }),
      }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.[0]?.path).toBe("body.gtin");
    expect(problem.errors?.[0]?.message).toContain("1");
  });

  it("keeps lot codes unique within the organization", async () => {
    const setup = await createProducerSetup();
    await createBatch(setup, { lot_code: "SAME-LOT" });
    await expectProblem(
      await call("/v1/batches", {
        token: setup.producer.token,
        body: batchBody(setup, { lot_code: "SAME-LOT" }),
      }),
      409,
      "conflict",
    );
    const other = await createProducerSetup();
    await createBatch(other, { lot_code: "SAME-LOT" });
  });

  it("answers another organization's authorization or site as missing", async () => {
    const mine = await createProducerSetup();
    const theirs = await createProducerSetup();
    const a = await expectProblem(
      await call("/v1/batches", {
        token: mine.producer.token,
        body: batchBody(mine, { authorization_id: theirs.authorization.id }),
      }),
      400,
      "validation_failed",
    );
    expect(a.errors?.[0]?.path).toBe("body.authorization_id");
    const s = await expectProblem(
      await call("/v1/batches", {
        token: mine.producer.token,
        body: batchBody(mine, { site_id: theirs.site.id }),
      }),
      400,
      "validation_failed",
    );
    expect(s.errors?.[0]?.path).toBe("body.site_id");
  });

  it("refuses a suspended authorization", async () => {
    const setup = await createProducerSetup();
    await env.DB.prepare("UPDATE authorizations SET status = 'suspended' WHERE id = ?")
      .bind(setup.authorization.id)
      .run();
    await expectProblem(
      await call("/v1/batches", { token: setup.producer.token, body: batchBody(setup) }),
      422,
      "unprocessable",
    );
  });

  it("replays a retried create with the same Idempotency-Key and refuses another body", async () => {
    const setup = await createProducerSetup();
    const headers = { "Idempotency-Key": "create-batch-0001" };
    const first = await callJson<Batch>("/v1/batches", {
      token: setup.producer.token,
      headers,
      body: batchBody(setup, { lot_code: "IDEM-1" }),
    });
    const again = await call("/v1/batches", {
      token: setup.producer.token,
      headers,
      body: batchBody(setup, { lot_code: "IDEM-1" }),
    });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(((await again.json()) as Batch).id).toBe(first.body.id);
    await expectProblem(
      await call("/v1/batches", {
        token: setup.producer.token,
        headers,
        body: batchBody(setup, { lot_code: "IDEM-2" }),
      }),
      409,
      "conflict",
    );
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM batches WHERE organization_id = ?")
      .bind(setup.org.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("creates one batch for concurrent replays of one Idempotency-Key", async () => {
    const setup = await createProducerSetup();
    const headers = { "Idempotency-Key": "create-batch-concurrent" };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        call("/v1/batches", {
          token: setup.producer.token,
          headers,
          body: batchBody(setup, { lot_code: "IDEM-C" }),
        }),
      ),
    );
    for (const r of results) expect([201, 409]).toContain(r.status);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM batches WHERE organization_id = ?")
      .bind(setup.org.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });
});

describe("batch lifecycle", () => {
  it("goes draft → released → recalled, each audited, and recall needs a reason", async () => {
    const setup = await createProducerSetup();
    const id = await createBatch(setup);
    const released = await callJson<Batch>(`/v1/batches/${id}/release`, {
      method: "POST",
      token: setup.producer.token,
    });
    expect(released.body.status).toBe("released");
    await expectProblem(
      await call(`/v1/batches/${id}/release`, { method: "POST", token: setup.producer.token }),
      409,
      "conflict",
    );
    await expectProblem(
      await call(`/v1/batches/${id}/recall`, { token: setup.producer.token, body: {} }),
      400,
      "validation_failed",
    );
    const recalled = await callJson<Batch>(`/v1/batches/${id}/recall`, {
      token: setup.producer.token,
      body: { reason: "抽检发现药残超标" },
    });
    expect(recalled.body.status).toBe("recalled");
    const actions = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE target_id = ? ORDER BY at, rowid",
    )
      .bind(id)
      .all<{ action: string }>();
    expect(actions.results.map((r) => r.action)).toEqual([
      "batch.create",
      "batch.release",
      "batch.recall",
    ]);
  });

  it("lets a regulator of the region recall, and hides the batch from other regions and producers", async () => {
    const setup = await createProducerSetup();
    const id = await createBatch(setup, {}, true);
    const elsewhere = await createUser("regulator", { regionCodes: ["370000"] });
    const otherProducer = (await createProducerSetup()).producer;
    await expectProblem(
      await call(`/v1/batches/${id}`, { token: elsewhere.token }),
      404,
      "not_found",
    );
    await expectProblem(
      await call(`/v1/batches/${id}`, { token: otherProducer.token }),
      404,
      "not_found",
    );
    await expectProblem(
      await call(`/v1/batches/${id}/recall`, { token: elsewhere.token, body: { reason: "越权" } }),
      404,
      "not_found",
    );
    const regulator = await createUser("regulator", { regionCodes: ["330900"] });
    const recalled = await callJson<Batch>(`/v1/batches/${id}/recall`, {
      token: regulator.token,
      body: { reason: "监管抽检不合格" },
    });
    expect(recalled.body.status).toBe("recalled");
  });
});

describe("trace events", () => {
  it("appends events with their CBV step, lists them oldest first, and refuses them once recalled", async () => {
    const setup = await createProducerSetup();
    const id = await createBatch(setup);
    const post = (body: Record<string, unknown>) =>
      callJson<{ type: string; cbv_business_step: string }>(`/v1/batches/${id}/events`, {
        token: setup.producer.token,
        body,
      });
    const landing = await post({
      type: "landing",
      occurred_at: "2026-11-20T06:00:00Z",
      lat: 29.94,
      lng: 122.3,
      place_name: "沈家门渔港",
      data: { vessel: "浙普渔 12345" },
    });
    expect(landing.status).toBe(201);
    expect(landing.body.cbv_business_step).toBe("arriving");
    await post({
      type: "catch",
      occurred_at: "2026-11-19T22:00:00Z",
      data: { fishing_area: "东海 第 2 渔区" },
    });
    const { body } = await callJson<{ items: { type: string }[] }>(`/v1/batches/${id}/events`, {
      token: setup.producer.token,
    });
    expect(body.items.map((e) => e.type)).toEqual(["catch", "landing"]);
    await expectProblem(
      await call(`/v1/batches/${id}/events`, {
        token: setup.producer.token,
        body: { type: "retail", occurred_at: "2026-11-21T00:00:00Z", lat: 30 },
      }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await call(`/v1/batches/${id}/events`, {
        token: setup.producer.token,
        body: {
          type: "retail",
          occurred_at: "2026-11-21T00:00:00Z",
          data: { blob: "x".repeat(5000) },
        },
      }),
      400,
      "validation_failed",
    );
    await callJson(`/v1/batches/${id}/recall`, {
      token: setup.producer.token,
      body: { reason: "召回" },
    });
    await expectProblem(
      await call(`/v1/batches/${id}/events`, {
        token: setup.producer.token,
        body: { type: "retail", occurred_at: "2026-11-21T00:00:00Z" },
      }),
      409,
      "conflict",
    );
  });
});
