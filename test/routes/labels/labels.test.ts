import { env } from "cloudflare:workers";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { parseLabelKeys, verifyLabelCode } from "../../../src/lib/label-code";
import {
  askLabels,
  countRows,
  createBatch,
  createProducerSetup,
  createUser,
  issue,
} from "../../helpers/fixtures";
import { BASE, call, callJson, expectProblem } from "../../helpers/http";

describe("POST /v1/batches/{id}/labels", () => {
  it("issues verifiable codes with upper-case short URLs", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const labels = await issue(setup, batch, 25);
    expect(labels).toHaveLength(25);
    expect(new Set(labels.map((l) => l.code)).size).toBe(25);
    const keys = parseLabelKeys(env.LABEL_HMAC_KEYS);
    for (const label of labels) {
      // Outside production the server prints the origin it is served on (here the test's).
      expect(label.url).toBe(`${BASE.toUpperCase()}/V/${label.code}`);
      expect(label.url).toBe(label.url.toUpperCase());
      expect((await verifyLabelCode(label.code, keys)).ok).toBe(true);
    }
    const row = await env.DB.prepare("SELECT label_count FROM batches WHERE id = ?")
      .bind(batch)
      .first();
    expect(row).toEqual({ label_count: 25 });
  });

  it("uses GS1 Digital Link URLs for a batch with a GTIN", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup, { gtin: "4006381333931", lot_code: "L-DL-1" });
    const [label] = await issue(setup, batch, 1);
    expect(label?.url).toBe(`${BASE}/01/04006381333931/10/L-DL-1/21/${label?.code}`);
  });

  it("inserts 10,000 labels in one request", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const labels = await issue(setup, batch, 10_000);
    expect(labels).toHaveLength(10_000);
    const row = await env.DB.prepare("SELECT count(*) AS n FROM labels WHERE batch_id = ?")
      .bind(batch)
      .first<{ n: number }>();
    expect(row?.n).toBe(10_000);
  });

  it("refuses past the annual quota with the remaining count and issues nothing", async () => {
    const setup = await createProducerSetup({ quota: 100 });
    const batch = await createBatch(setup);
    await issue(setup, batch, 60);
    const before = await countRows("labels");
    const problem = await expectProblem(await askLabels(setup, batch, 41), 422, "quota_exceeded");
    expect(problem.remaining).toBe(40);
    expect(await countRows("labels")).toBe(before);
    await issue(setup, batch, 40);
    const none = await expectProblem(await askLabels(setup, batch, 1), 422, "quota_exceeded");
    expect(none.remaining).toBe(0);
  });

  it("never passes the quota under concurrent requests", async () => {
    const setup = await createProducerSetup({ quota: 250 });
    const batch = await createBatch(setup);
    const results = await Promise.all(Array.from({ length: 8 }, () => askLabels(setup, batch, 60)));
    const ok = results.filter((r) => r.status === 201).length;
    expect(ok).toBe(4);
    for (const r of results) expect([201, 422]).toContain(r.status);
    const row = await env.DB.prepare("SELECT count(*) AS n FROM labels WHERE batch_id = ?")
      .bind(batch)
      .first<{ n: number }>();
    expect(row?.n).toBe(240);
  });

  it("refuses a recalled batch, an inactive authorization and counts outside 1..10000", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    await expectProblem(await askLabels(setup, batch, 0), 400, "validation_failed");
    await expectProblem(await askLabels(setup, batch, 10_001), 400, "validation_failed");
    await env.DB.prepare("UPDATE authorizations SET status = 'suspended' WHERE id = ?")
      .bind(setup.authorization.id)
      .run();
    await expectProblem(await askLabels(setup, batch, 1), 422, "unprocessable");
    await env.DB.prepare("UPDATE authorizations SET status = 'active' WHERE id = ?")
      .bind(setup.authorization.id)
      .run();
    await callJson(`/v1/batches/${batch}/recall`, {
      token: setup.producer.token,
      body: { reason: "召回" },
    });
    await expectProblem(await askLabels(setup, batch, 1), 422, "unprocessable");
  });

  it("replays an issuing request with the same Idempotency-Key instead of issuing twice", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const headers = { "Idempotency-Key": "issue-1" };
    const first = await callJson<{ labels: { code: string }[] }>(`/v1/batches/${batch}/labels`, {
      token: setup.producer.token,
      headers,
      body: { count: 5 },
    });
    const second = await callJson<{ labels: { code: string }[] }>(`/v1/batches/${batch}/labels`, {
      token: setup.producer.token,
      headers,
      body: { count: 5 },
    });
    expect(second.body.labels).toEqual(first.body.labels);
    const row = await env.DB.prepare("SELECT count(*) AS n FROM labels WHERE batch_id = ?")
      .bind(batch)
      .first<{ n: number }>();
    expect(row?.n).toBe(5);
  });
});

describe("label outputs", () => {
  it("lists labels as JSON pages and as CSV", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const labels = await issue(setup, batch, 7);
    const page = await callJson<{ items: { code: string }[]; next_cursor: string }>(
      `/v1/batches/${batch}/labels?limit=5`,
      { token: setup.producer.token },
    );
    expect(page.body.items).toHaveLength(5);
    const rest = await callJson<{ items: { code: string }[] }>(
      `/v1/batches/${batch}/labels?limit=5&cursor=${page.body.next_cursor}`,
      { token: setup.producer.token },
    );
    expect([...page.body.items, ...rest.body.items].map((l) => l.code).sort()).toEqual(
      labels.map((l) => l.code).sort(),
    );
    const csv = await call(`/v1/batches/${batch}/labels?format=csv`, {
      token: setup.producer.token,
    });
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^code,url,/);
    expect(lines).toHaveLength(8);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(",")[0])
        .sort(),
    ).toEqual(labels.map((l) => l.code).sort());
  });

  it("renders the QR as SVG and PNG and the batch as a printable PDF", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const [label] = await issue(setup, batch, 30);
    const svg = await call(`/v1/labels/${label?.code}/qr.svg`, { token: setup.producer.token });
    expect(svg.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(await svg.text()).toContain("<svg");
    const png = await call(`/v1/labels/${label?.code?.toLowerCase()}/qr.png`, {
      token: setup.producer.token,
    });
    expect(png.headers.get("Content-Type")).toBe("image/png");
    expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)]).toEqual([
      0x89, 0x50, 0x4e, 0x47,
    ]);
    const pdf = await call(`/v1/batches/${batch}/labels.pdf`, { token: setup.producer.token });
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    const doc = await PDFDocument.load(await pdf.arrayBuffer());
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
  });
});

describe("POST /v1/labels/void", () => {
  it("voids own labels with a reason, audited, and reports ones already voided", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const labels = await issue(setup, batch, 3);
    const codes = labels.map((l) => l.code);
    const first = await callJson<{ voided: string[]; already_voided: string[] }>(
      "/v1/labels/void",
      { token: setup.producer.token, body: { codes: codes.slice(0, 2), reason: "标签损毁" } },
    );
    expect(first.body.voided.sort()).toEqual(codes.slice(0, 2).sort());
    expect(first.body.already_voided).toEqual([]);
    const second = await callJson<{ voided: string[]; already_voided: string[] }>(
      "/v1/labels/void",
      { token: setup.producer.token, body: { codes, reason: "批量作废" } },
    );
    expect(second.body.voided).toEqual([codes[2]]);
    expect(second.body.already_voided.sort()).toEqual(codes.slice(0, 2).sort());
    const audits = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'label.void' AND target_id IN (?, ?, ?)",
    )
      .bind(...codes)
      .first<{ n: number }>();
    expect(audits?.n).toBe(3);
  });

  it("changes nothing when any code is unknown or another organization's", async () => {
    const setup = await createProducerSetup();
    const other = await createProducerSetup();
    const mine = await issue(setup, await createBatch(setup), 1);
    const theirs = await issue(other, await createBatch(other), 1);
    const problem = await expectProblem(
      await call("/v1/labels/void", {
        token: setup.producer.token,
        body: { codes: [mine[0]?.code, theirs[0]?.code], reason: "越权" },
      }),
      404,
      "not_found",
    );
    expect(problem.missing).toEqual([theirs[0]?.code]);
    const row = await env.DB.prepare("SELECT status FROM labels WHERE code = ?")
      .bind(mine[0]?.code)
      .first();
    expect(row).toEqual({ status: "active" });
    await expectProblem(
      await call(`/v1/labels/${theirs[0]?.code}`, { token: setup.producer.token }),
      404,
      "not_found",
    );
  });

  it("lets a regulator of the region void", async () => {
    const setup = await createProducerSetup();
    const [label] = await issue(setup, await createBatch(setup), 1);
    const regulator = await createUser("regulator", { regionCodes: ["330000"] });
    const result = await callJson<{ voided: string[] }>("/v1/labels/void", {
      token: regulator.token,
      body: { codes: [label?.code], reason: "查获假冒" },
    });
    expect(result.body.voided).toEqual([label?.code]);
  });
});
