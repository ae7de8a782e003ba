import { env } from "cloudflare:workers";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { DEFAULT_LABEL_TEMPLATE, labelTemplateIds } from "../../../src/lib/label-templates";
import {
  createBatch,
  createProducerSetup,
  createUser,
  issue,
  type ProducerSetup,
} from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";

async function pdfPages(response: Response): Promise<number> {
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("application/pdf");
  return (await PDFDocument.load(await response.arrayBuffer())).getPageCount();
}

/** The batch's label codes in the order of its CSV export. */
async function csvCodes(setup: ProducerSetup, batch: string) {
  const csv = await call(`/v1/batches/${batch}/labels?format=csv`, { token: setup.producer.token });
  return (await csv.text())
    .trim()
    .split("\r\n")
    .slice(1)
    .map((line) => line.split(",")[0]);
}

describe("GET /v1/label-templates", () => {
  it("lists every template with its geometry and QR module size", async () => {
    const setup = await createProducerSetup();
    const { status, body } = await callJson<{
      items: { id: string; kind: string; per_page: number; qr_module_mm: number }[];
    }>("/v1/label-templates", { token: setup.producer.token });
    expect(status).toBe(200);
    expect(body.items.map((t) => t.id)).toEqual(labelTemplateIds);
    const roll = body.items.find((t) => t.id === "roll-50x30");
    expect(roll).toMatchObject({
      kind: "roll",
      per_page: 1,
      page_mm: { width: 50, height: 30 },
      label_mm: { width: 50, height: 30 },
    });
    for (const t of body.items) expect(t.qr_module_mm).toBeGreaterThanOrEqual(0.4);
  });
});

describe("GET /v1/batches/{id}/labels.pdf", () => {
  it("prints the whole batch on the default template, named after lot, template and range", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup, { lot_code: "ZSDY-PDF-1" });
    await issue(setup, batch, 30);
    const res = await call(`/v1/batches/${batch}/labels.pdf`, { token: setup.producer.token });
    expect(res.headers.get("Content-Disposition")).toBe(
      `attachment; filename="labels-ZSDY-PDF-1-${DEFAULT_LABEL_TEMPLATE}-1-30.pdf"`,
    );
    expect(await pdfPages(res)).toBe(2);
  });

  it("reprints a range on a roll template, one label a page, in the order of the CSV and JSON lists", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup, { lot_code: "ZSDY-PDF-2" });
    await issue(setup, batch, 6);
    await issue(setup, batch, 4);
    const res = await call(`/v1/batches/${batch}/labels.pdf?template=roll-40x30&from=5&count=3`, {
      token: setup.producer.token,
    });
    expect(res.headers.get("Content-Disposition")).toContain("roll-40x30-5-7.pdf");
    expect(await pdfPages(res)).toBe(3);

    const csv = await csvCodes(setup, batch);
    const first = await callJson<{ items: { code: string }[]; next_cursor: string }>(
      `/v1/batches/${batch}/labels?limit=4`,
      { token: setup.producer.token },
    );
    const rest = await callJson<{ items: { code: string }[] }>(
      `/v1/batches/${batch}/labels?limit=50&cursor=${first.body.next_cursor}`,
      { token: setup.producer.token },
    );
    expect([...first.body.items, ...rest.body.items].map((l) => l.code)).toEqual(csv);
    const ordered = await env.DB.prepare(
      "SELECT code FROM labels WHERE batch_id = ? ORDER BY created_at, code",
    )
      .bind(batch)
      .all<{ code: string }>();
    expect(csv).toEqual(ordered.results.map((r) => r.code));
  });

  it("skips voided labels in the range and keeps the others' positions", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    await issue(setup, batch, 5);
    const csv = await csvCodes(setup, batch);
    await callJson("/v1/labels/void", {
      token: setup.producer.token,
      body: { codes: [csv[1], csv[2]], reason: "卡纸重打" },
    });
    const res = await call(`/v1/batches/${batch}/labels.pdf?template=roll-50x30&from=2&count=3`, {
      token: setup.producer.token,
    });
    expect(await pdfPages(res)).toBe(1);
    const allVoided = await call(`/v1/batches/${batch}/labels.pdf?from=2&count=2`, {
      token: setup.producer.token,
    });
    const problem = await expectProblem(allVoided, 400, "validation_failed");
    expect(problem.detail).toContain("voided");
  });

  it("answers 400 naming what is allowed for an unknown template and a range outside the batch", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    await issue(setup, batch, 10);
    const ask = (query: string) =>
      call(`/v1/batches/${batch}/labels.pdf?${query}`, { token: setup.producer.token });

    const template = await expectProblem(
      await ask("template=avery-l7160"),
      400,
      "validation_failed",
    );
    expect(template.errors?.[0]?.path).toBe("query.template");
    for (const id of labelTemplateIds) expect(template.errors?.[0]?.message).toContain(id);

    const from = await expectProblem(await ask("from=11"), 400, "validation_failed");
    expect(from.errors).toEqual([
      { path: "query.from", message: expect.stringContaining("10 labels") },
    ]);
    const count = await expectProblem(await ask("from=8&count=4"), 400, "validation_failed");
    expect(count.errors?.[0]).toEqual({
      path: "query.count",
      message: expect.stringContaining("between 1 and 3"),
    });
    for (const query of ["from=0", "count=0", "from=abc", "count=2001"]) {
      const problem = await expectProblem(await ask(query), 400, "validation_failed");
      expect(problem.errors?.[0]?.path, query).toMatch(/^query\./);
    }
  });

  it("answers 400 for a batch without labels", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const problem = await expectProblem(
      await call(`/v1/batches/${batch}/labels.pdf`, { token: setup.producer.token }),
      400,
      "validation_failed",
    );
    expect(problem.detail).toContain("no labels");
  });

  it("refuses with 422 unprintable_text a name the label font cannot print, naming field and characters", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    await issue(setup, batch, 2);
    await env.DB.prepare("UPDATE gi_products SET name_zh = ? WHERE id = ?")
      .bind("舟山带鱼🐟", setup.product.id)
      .run();
    const problem = await expectProblem(
      await call(`/v1/batches/${batch}/labels.pdf`, { token: setup.producer.token }),
      422,
      "unprintable_text",
    );
    expect(problem.errors?.[0]?.path).toBe("gi_product.name_zh");
    expect(problem.characters).toEqual(["🐟"]);
    expect(problem.detail).toContain("U+1F41F");
  });

  it("is not for regulators, and another producer's batch is 404", async () => {
    const setup = await createProducerSetup();
    const other = await createProducerSetup();
    const batch = await createBatch(setup);
    await issue(setup, batch, 1);
    await expectProblem(
      await call(`/v1/batches/${batch}/labels.pdf`, { token: other.producer.token }),
      404,
      "not_found",
    );
    const regulator = await createUser("regulator", { regionCodes: ["330000"] });
    await expectProblem(
      await call(`/v1/batches/${batch}/labels.pdf`, { token: regulator.token }),
      403,
      "forbidden",
    );
  });
});
