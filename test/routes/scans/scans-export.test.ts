import { env } from "cloudflare:workers";
import { check } from "@placemarkio/check-geojson";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { EXPORT_CHUNK_ROWS } from "../../../src/lib/exports/keyset-stream";
import { SCAN_CSV_COLUMNS } from "../../../src/lib/exports/scan-columns";
import { newId } from "../../../src/lib/ids";
import { createBatch, createProducerSetup, createUser, issue } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";

type StoredScan = {
  id: string;
  label_code: string;
  batch_id: string;
  organization_id: string;
  client_key: string;
  lat: number | null;
  lng: number | null;
  location_source: string;
  region_code: string;
  verdict: string;
  reasons: string;
  scanned_at: string;
};

const parseCsv = (text: string) =>
  Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, "").trimEnd(), { header: true });

/** Newest first, then id, as the list and its exports walk them. */
const newestFirst = (a: StoredScan, b: StoredScan) =>
  a.scanned_at === b.scanned_at
    ? b.id.localeCompare(a.id)
    : b.scanned_at.localeCompare(a.scanned_at);

/**
 * A released batch with labels and `count` scans written straight into D1: every third scan in
 * Zhengzhou (410100) instead of Zhoushan (330900), every fifth counterfeit, every seventh
 * without a location, and three scans to each instant so that the id decides the order.
 */
async function scannedBatch(count: number) {
  const setup = await createProducerSetup();
  const batch = await createBatch(
    setup,
    { lot_code: `SCANS-${crypto.randomUUID().slice(0, 6)}` },
    true,
  );
  const labels = await issue(setup, batch, 10);
  const start = Date.parse("2026-11-01T00:00:00Z");
  const rows: StoredScan[] = Array.from({ length: count }, (_, i) => {
    const zhengzhou = i % 3 === 0;
    const located = i % 7 !== 0;
    return {
      id: newId("scn"),
      label_code: labels[i % labels.length]?.code as string,
      batch_id: batch,
      organization_id: setup.org.id,
      client_key: `client-${i % 13}`,
      lat: located ? (zhengzhou ? 34.75 : 29.99) : null,
      lng: located ? (zhengzhou ? 113.63 : 122.21) : null,
      location_source: located ? "gps" : "none",
      region_code: zhengzhou ? "410100" : "330900",
      verdict: i % 5 === 0 ? "counterfeit" : "genuine",
      reasons: i % 5 === 0 ? '["impossible_travel"]' : "[]",
      scanned_at: new Date(start + Math.floor(i / 3) * 60_000).toISOString(),
    };
  });
  for (let i = 0; i < rows.length; i += 500) {
    await env.DB.prepare(
      `INSERT INTO scans (id, label_code, batch_id, organization_id, client_key, lat, lng, location_source, region_code, verdict, reasons, scanned_at)
       SELECT value ->> 'id', value ->> 'label_code', value ->> 'batch_id', value ->> 'organization_id', value ->> 'client_key', value ->> 'lat', value ->> 'lng', value ->> 'location_source', value ->> 'region_code', value ->> 'verdict', value ->> 'reasons', value ->> 'scanned_at' FROM json_each(?)`,
    )
      .bind(JSON.stringify(rows.slice(i, i + 500)))
      .run();
  }
  return { setup, batch, rows: rows.sort(newestFirst) };
}

describe("GET /v1/scans?format=csv", () => {
  it("streams every matching scan, more than one chunk, with readable columns", async () => {
    const { setup, batch, rows } = await scannedBatch(EXPORT_CHUNK_ROWS + 250);
    const response = await call(`/v1/scans?format=csv&batch_id=${batch}`, {
      token: setup.producer.token,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const parsed = parseCsv(text);
    expect(parsed.meta.fields).toEqual([...SCAN_CSV_COLUMNS]);
    expect(parsed.data.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    const counterfeit = parsed.data.find((r) => r.verdict === "counterfeit");
    expect(counterfeit).toMatchObject({
      product: "舟山带鱼",
      producer: setup.org.name,
      verdict_text: "疑似假冒",
      reasons: "impossible_travel",
      reasons_text: "短时间内异地扫描",
    });
    const first = parsed.data[0];
    const stored = rows[0] as StoredScan;
    expect(first).toMatchObject({
      scanned_at: stored.scanned_at,
      region_code: stored.region_code,
      region_name: stored.region_code === "410100" ? "郑州市" : "舟山市",
    });
    // Beijing is UTC+8: the UTC instant's wall clock moved by eight hours.
    const beijing = new Date(Date.parse(stored.scanned_at) + 8 * 3600_000).toISOString();
    expect(first?.scanned_at_beijing).toBe(`${beijing.slice(0, 10)} ${beijing.slice(11, 16)}`);
  });

  it("applies the list's filters", async () => {
    const { setup, batch, rows } = await scannedBatch(300);
    const since = rows[100]?.scanned_at as string;
    const response = await call(
      `/v1/scans?format=csv&batch_id=${batch}&verdict=counterfeit&since=${since}`,
      { token: setup.producer.token },
    );
    expect(parseCsv(await response.text()).data.map((r) => r.id)).toEqual(
      rows.filter((r) => r.verdict === "counterfeit" && r.scanned_at >= since).map((r) => r.id),
    );
    const byLabel = rows[0]?.label_code as string;
    const one = await call(`/v1/scans?format=csv&label_code=${byLabel.toLowerCase()}`, {
      token: setup.producer.token,
    });
    expect(parseCsv(await one.text()).data.map((r) => r.id)).toEqual(
      rows.filter((r) => r.label_code === byLabel).map((r) => r.id),
    );
  });

  it("gives a regulator exactly what its JSON list gives it", async () => {
    const { batch, rows } = await scannedBatch(120);
    const zhengzhou = await createUser("regulator", { regionCodes: ["410000"] });
    const csv = await call(`/v1/scans?format=csv&batch_id=${batch}`, { token: zhengzhou.token });
    const exported = parseCsv(await csv.text()).data.map((r) => r.id);
    expect(exported).toEqual(rows.filter((r) => r.region_code === "410100").map((r) => r.id));
    const listed: string[] = [];
    let next = `/v1/scans?batch_id=${batch}&limit=200`;
    for (;;) {
      const page = await callJson<{ items: { id: string }[]; next_cursor: string | null }>(next, {
        token: zhengzhou.token,
      });
      listed.push(...page.body.items.map((s) => s.id));
      if (!page.body.next_cursor) break;
      next = `/v1/scans?batch_id=${batch}&limit=200&cursor=${page.body.next_cursor}`;
    }
    expect(exported).toEqual(listed);
    const zhoushan = await createUser("regulator", { regionCodes: ["330900"] });
    const all = await call(`/v1/scans?format=csv&batch_id=${batch}`, { token: zhoushan.token });
    expect(parseCsv(await all.text()).data).toHaveLength(rows.length);
  });

  it("names the file with an ASCII fallback and the Chinese name", async () => {
    const setup = await createProducerSetup();
    const response = await call("/v1/scans?format=csv", { token: setup.producer.token });
    const disposition = response.headers.get("Content-Disposition") ?? "";
    expect(disposition).toMatch(
      /^attachment; filename="scans-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''/,
    );
    expect(decodeURIComponent(disposition.split("''")[1] ?? "")).toMatch(
      /^扫码记录-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes)).toBe(
      `\uFEFF${SCAN_CSV_COLUMNS.join(",")}\r\n`,
    );
  });

  it("refuses bad input with problem+json before writing anything", async () => {
    const setup = await createProducerSetup();
    await expectProblem(
      await call("/v1/scans?format=csv&since=yesterday", { token: setup.producer.token }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await call("/v1/scans?format=xlsx", { token: setup.producer.token }),
      400,
      "validation_failed",
    );
  });
});

describe("GET /v1/scans?format=geojson", () => {
  it("streams the located scans as valid GeoJSON", async () => {
    const { setup, batch, rows } = await scannedBatch(EXPORT_CHUNK_ROWS + 40);
    const response = await call(`/v1/scans?format=geojson&batch_id=${batch}`, {
      token: setup.producer.token,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/geo+json");
    expect(response.headers.get("Content-Disposition")).toMatch(/filename="scans-.*\.geojson"/);
    const collection = check(await response.text()) as unknown as {
      features: { id: string; geometry: unknown; properties: Record<string, unknown> }[];
    };
    const located = rows.filter((r) => r.lat !== null);
    expect(collection.features.map((f) => f.id)).toEqual(located.map((r) => r.id));
    expect(collection.features[0]?.geometry).toEqual({
      type: "Point",
      coordinates: [located[0]?.lng, located[0]?.lat],
    });
    expect(collection.features[0]?.properties).toMatchObject({
      verdict: located[0]?.verdict,
      product: "舟山带鱼",
    });
  });

  it("is an empty FeatureCollection when nothing matches", async () => {
    const setup = await createProducerSetup();
    const response = await call("/v1/scans?format=geojson", { token: setup.producer.token });
    expect(check(await response.text())).toEqual({ type: "FeatureCollection", features: [] });
  });
});

describe("GET /v1/scans as JSON", () => {
  it("links the next page with the format and every filter", async () => {
    const { setup, batch, rows } = await scannedBatch(30);
    const since = rows[20]?.scanned_at as string;
    const query = `format=json&batch_id=${batch}&verdict=genuine&since=${encodeURIComponent(since)}&limit=3`;
    const first = await callJson<{ items: { id: string }[]; next_cursor: string }>(
      `/v1/scans?${query}`,
      { token: setup.producer.token },
    );
    const link = first.headers.get("Link") ?? "";
    const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
    expect(next).toBeDefined();
    const url = new URL(next as string, "http://gi-trace.test");
    expect(url.pathname).toBe("/v1/scans");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      format: "json",
      batch_id: batch,
      verdict: "genuine",
      since,
      limit: "3",
      cursor: first.body.next_cursor,
    });
    const second = await callJson<{ items: { id: string }[] }>(`${url.pathname}${url.search}`, {
      token: setup.producer.token,
    });
    const expected = rows.filter((r) => r.verdict === "genuine" && r.scanned_at >= since);
    expect([...first.body.items, ...second.body.items].map((s) => s.id)).toEqual(
      expected.slice(0, 6).map((r) => r.id),
    );
  });
});
