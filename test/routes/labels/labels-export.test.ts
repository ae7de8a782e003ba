import { env } from "cloudflare:workers";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { EXPORT_CHUNK_ROWS } from "../../../src/lib/exports/keyset-stream";
import { LABEL_CSV_COLUMNS } from "../../../src/lib/exports/label-columns";
import { createBatch, createProducerSetup, createUser, issue } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";

const parseCsv = (text: string) => Papa.parse<string[]>(text.replace(/^\uFEFF/, "").trimEnd()).data;

describe("GET /v1/batches/{id}/labels?format=csv", () => {
  it("streams every label of a batch larger than one chunk, in the batch's label order", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup, { lot_code: "ZSDY-EXPORT-1" });
    const count = 2 * EXPORT_CHUNK_ROWS + 137;
    const issued = await issue(setup, batch, count);
    const urls = new Map(issued.map((l) => [l.code, l.url]));
    await callJson("/v1/labels/void", {
      token: setup.producer.token,
      body: { codes: [issued[5]?.code], reason: "damaged in printing" },
    });
    const order = await env.DB.prepare(
      "SELECT code, status FROM labels WHERE batch_id = ? ORDER BY created_at, code",
    )
      .bind(batch)
      .all<{ code: string; status: string }>();

    const response = await call(`/v1/batches/${batch}/labels?format=csv`, {
      token: setup.producer.token,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await response.clone().arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(await response.text());
    expect(header).toEqual([...LABEL_CSV_COLUMNS]);
    expect(rows).toEqual(
      order.results.map((label, i) => [
        label.code,
        urls.get(label.code),
        String(i + 1),
        "舟山带鱼",
        "ZSDY-EXPORT-1",
        label.status,
        label.status === "voided" ? "已作废" : "有效",
        "0",
        "",
        "",
        "",
        "",
      ]),
    );
    expect(rows).toHaveLength(count);
  });

  it("names the file after the product and lot, with an ASCII fallback", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup, { lot_code: "ZSDY-NAME-1" });
    await issue(setup, batch, 2);
    const response = await call(`/v1/batches/${batch}/labels?format=csv`, {
      token: setup.producer.token,
    });
    expect(response.headers.get("Content-Disposition")).toBe(
      `attachment; filename="labels-ZSDY-NAME-1.csv"; filename*=UTF-8''${encodeURIComponent("舟山带鱼-ZSDY-NAME-1-标签.csv")}`,
    );
    await response.body?.cancel();
  });

  it("gives the words in English when the client asks for English", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    await issue(setup, batch, 1);
    const response = await call(`/v1/batches/${batch}/labels?format=csv`, {
      token: setup.producer.token,
      headers: { "Accept-Language": "en-GB,en;q=0.9" },
    });
    const [, row] = parseCsv(await response.text());
    expect(row?.slice(3, 7)).toEqual(["Zhoushan Hairtail", expect.any(String), "active", "Active"]);
  });

  it("serves regulators of the producer's region and answers 404 to others", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    await issue(setup, batch, 3);
    const inside = await createUser("regulator", { regionCodes: ["330900"] });
    const outside = await createUser("regulator", { regionCodes: ["410100"] });
    const seen = await call(`/v1/batches/${batch}/labels?format=csv`, { token: inside.token });
    expect(seen.status).toBe(200);
    expect(parseCsv(await seen.text())).toHaveLength(4);
    await expectProblem(
      await call(`/v1/batches/${batch}/labels?format=csv`, { token: outside.token }),
      404,
      "not_found",
    );
    const other = await createProducerSetup();
    await expectProblem(
      await call(`/v1/batches/${batch}/labels?format=csv`, { token: other.producer.token }),
      404,
      "not_found",
    );
  });

  it("writes the header alone for a batch without labels", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    const response = await call(`/v1/batches/${batch}/labels?format=csv`, {
      token: setup.producer.token,
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes)).toBe(
      `\uFEFF${LABEL_CSV_COLUMNS.join(",")}\r\n`,
    );
  });
});

describe("GET /v1/batches/{id}/labels as JSON", () => {
  it("links the next page with the query it was asked with", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup);
    await issue(setup, batch, 5);
    const first = await callJson<{ items: { code: string }[]; next_cursor: string }>(
      `/v1/batches/${batch}/labels?format=json&limit=2`,
      { token: setup.producer.token },
    );
    const link = first.headers.get("Link") ?? "";
    const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? "";
    const url = new URL(next, "http://gi-trace.test");
    expect(url.pathname).toBe(`/v1/batches/${batch}/labels`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      format: "json",
      limit: "2",
      cursor: first.body.next_cursor,
    });
  });
});
