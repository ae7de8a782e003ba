import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mintLabelCodes, parseLabelKeys } from "../../../src/lib/label-code";
import { createBatch, createProducerSetup, createUser, issue } from "../../helpers/fixtures";
import { call, callJson } from "../../helpers/http";
import { releasedLabels, type ScanAnswer, scan } from "../../helpers/scans";

const ZHOUSHAN = { lat: 29.9861, lng: 122.2072 };
const ZHENGZHOU = { lat: 34.7466, lng: 113.6254 };

describe("POST /v1/scans of a genuine label", () => {
  it("answers genuine with product, producer, authorization, batch and trace, and stores the scan", async () => {
    const { labels, setup, batch } = await releasedLabels(1);
    await callJson(`/v1/batches/${batch}/events`, {
      token: setup.producer.token,
      body: { type: "catch", occurred_at: "2026-11-19T22:00:00Z", place_name: "东海舟山渔场" },
    });
    const code = labels[0]?.code as string;
    const body = await scan({ code, client_id: "device-aaaa-0001", ...ZHOUSHAN });
    expect(body).toMatchObject({
      verdict: "genuine",
      reasons: [],
      scan_count: 1,
      product: { name_zh: "舟山带鱼" },
      producer: { name: setup.org.name },
      authorization: { status: "active" },
      first_scan: { region_code: "330900", region_name: "舟山市" },
    });
    expect(body.message).toContain("正品");
    expect(body.trace?.map((e) => [e.type, e.cbv_business_step])).toEqual([
      ["catch", "commissioning"],
    ]);
    const stored = await env.DB.prepare("SELECT * FROM scans WHERE label_code = ?")
      .bind(code)
      .first<Record<string, unknown>>();
    expect(stored).toMatchObject({
      verdict: "genuine",
      region_code: "330900",
      location_source: "gps",
      lat: 29.99,
      lng: 122.21,
    });
    const label = await env.DB.prepare(
      "SELECT scan_count, first_scan_at, first_scan_region FROM labels WHERE code = ?",
    )
      .bind(code)
      .first();
    expect(label).toMatchObject({ scan_count: 1, first_scan_region: "330900" });
  });

  it("accepts the short URL in any case, the WeChat q wrapping and answers in English on request", async () => {
    const { labels } = await releasedLabels(1);
    const label = labels[0] as { code: string; url: string };
    const lower = await scan({ url: label.url.toLowerCase(), client_id: "device-bbbb-0001" });
    expect(lower.verdict).toBe("genuine");
    const wrapped = `pages/verify/index?q=${encodeURIComponent(label.url)}&scancode_time=1763900000`;
    const wechat = await scan(
      { url: wrapped, client_id: "device-bbbb-0001" },
      { "Accept-Language": "en-US,en;q=0.9" },
    );
    expect(wechat.verdict).toBe("genuine");
    expect(wechat.scan_count).toBe(2);
    expect(wechat.message).toMatch(/scanned 2 times/);
  });

  it("resolves a GS1 Digital Link and refuses a serial copied under another GTIN or lot", async () => {
    const setup = await createProducerSetup();
    const batch = await createBatch(setup, { gtin: "4006381333931", lot_code: "DL-LOT" }, true);
    const [label] = await issue(setup, batch, 1);
    expect((await scan({ url: label?.url, client_id: "device-dl-00001" })).verdict).toBe("genuine");
    const copied = label?.url.replace("04006381333931", "00036000291452");
    expect((await scan({ url: copied, client_id: "device-dl-00001" })).verdict).toBe("invalid");
    const otherLot = label?.url.replace("/10/DL-LOT/", "/10/DL-LOT-2/");
    expect((await scan({ url: otherLot, client_id: "device-dl-00001" })).verdict).toBe("invalid");
  });

  it("tells a later client how often and where the code was first scanned", async () => {
    const { labels } = await releasedLabels(1);
    const code = labels[0]?.code as string;
    await scan({ code, client_id: "first-client-01", ...ZHOUSHAN });
    const second = await scan({ code, client_id: "other-client-02", ...ZHOUSHAN });
    expect(second.scan_count).toBe(2);
    expect(second.message).toMatch(/该码已被查询 2 次，首次查询时间 .+地点 舟山市/);
  });
});

describe("POST /v1/scans of forged and unknown codes", () => {
  it("answers a forged code and an unknown well-tagged code identically, and stores both", async () => {
    const keys = parseLabelKeys(env.LABEL_HMAC_KEYS);
    const [unknown] = await mintLabelCodes(keys, env.LABEL_HMAC_CURRENT_KID, 1);
    const { labels } = await releasedLabels(1);
    const real = labels[0]?.code as string;
    const forged = `${real.slice(0, -1)}${real.endsWith("0") ? "1" : "0"}`;
    const a = await scan({ code: forged, client_id: "prober-000001" });
    const b = await scan({ code: unknown as string, client_id: "prober-000001" });
    const c = await scan({
      url: "https://evil.example/v/NOT-A-CODE",
      client_id: "prober-000001",
    });
    expect(a).toEqual({
      verdict: "invalid",
      reasons: ["forged_code"],
      message: expect.stringContaining("查无此码"),
    });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const stored = await env.DB.prepare(
      "SELECT raw_input, label_code, verdict FROM scans WHERE verdict = 'invalid' AND raw_input IN (?, ?)",
    )
      .bind(forged, unknown)
      .all();
    expect(stored.results).toHaveLength(2);
  });

  it("truncates the raw input it stores", async () => {
    await scan({ code: `X${"Y".repeat(1500)}`, client_id: "prober-000002" });
    const row = await env.DB.prepare(
      "SELECT length(raw_input) AS n FROM scans WHERE client_key != '' ORDER BY scanned_at DESC LIMIT 1",
    ).first<{ n: number }>();
    expect(row?.n).toBeLessThanOrEqual(256);
  });
});

describe("verdicts from the label's state", () => {
  it("answers counterfeit for a voided label, recalled for a recalled batch, suspicious for a draft batch", async () => {
    const { setup, batch, labels } = await releasedLabels(2);
    await callJson("/v1/labels/void", {
      token: setup.producer.token,
      body: { codes: [labels[0]?.code], reason: "损毁" },
    });
    expect(await scan({ code: labels[0]?.code, client_id: "c-voided-001" })).toMatchObject({
      verdict: "counterfeit",
      reasons: ["voided_label"],
    });
    await callJson(`/v1/batches/${batch}/recall`, {
      token: setup.producer.token,
      body: { reason: "召回" },
    });
    expect(await scan({ code: labels[1]?.code, client_id: "c-recall-001" })).toMatchObject({
      verdict: "recalled",
      reasons: ["recalled_batch"],
    });
    const draft = await createBatch(setup);
    const [draftLabel] = await issue(setup, draft, 1);
    expect(await scan({ code: draftLabel?.code, client_id: "c-draft-0001" })).toMatchObject({
      verdict: "suspicious",
      reasons: ["unreleased_batch"],
    });
  });

  it("flags a code scanned by many clients, raising one alert that counts repeats", async () => {
    const { labels, setup } = await releasedLabels(1);
    const code = labels[0]?.code as string;
    const verdicts = [];
    for (let i = 0; i < 6; i++)
      verdicts.push((await scan({ code, client_id: `copy-client-${i}`, ...ZHOUSHAN })).verdict);
    expect(verdicts).toEqual([
      "genuine",
      "genuine",
      "genuine",
      "suspicious",
      "suspicious",
      "suspicious",
    ]);
    const alerts = await env.DB.prepare(
      "SELECT rule, count, organization_id, region_code FROM alerts WHERE subject_id = ?",
    )
      .bind(code)
      .all();
    expect(alerts.results).toEqual([
      { rule: "many_clients", count: 3, organization_id: setup.org.id, region_code: "330903" },
    ]);
  });

  it("answers counterfeit for impossible travel between two cities", async () => {
    const { labels } = await releasedLabels(1);
    const code = labels[0]?.code as string;
    await scan({ code, client_id: "traveller-0001", ...ZHOUSHAN });
    const far = await scan({ code, client_id: "traveller-0001", ...ZHENGZHOU });
    expect(far.verdict).toBe("counterfeit");
    expect(far.reasons).toContain("impossible_travel");
  });
});

describe("privacy and counting", () => {
  it("stores no raw IP and no raw client id", async () => {
    const { labels } = await releasedLabels(1);
    await scan({ code: labels[0]?.code }, { "CF-Connecting-IP": "203.0.113.77" });
    await scan({ code: labels[0]?.code, client_id: "my-secret-device-id" });
    const rows = await env.DB.prepare("SELECT * FROM scans WHERE label_code = ?")
      .bind(labels[0]?.code)
      .all();
    const text = JSON.stringify(rows.results);
    expect(text).not.toContain("203.0.113.77");
    expect(text).not.toContain("my-secret-device-id");
    expect(rows.results.every((r) => String(r.client_key).length >= 20)).toBe(true);
  });

  it("counts every one of many concurrent scans of one label", async () => {
    const { labels } = await releasedLabels(1);
    const code = labels[0]?.code as string;
    // scan() throws unless the answer is 200.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => scan({ code, client_id: `parallel-client-${i % 2}` })),
    );
    const label = await env.DB.prepare(
      "SELECT scan_count, json_array_length(client_keys) AS clients FROM labels WHERE code = ?",
    )
      .bind(code)
      .first();
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM scans WHERE label_code = ?")
      .bind(code)
      .first<{ n: number }>();
    expect(label).toEqual({ scan_count: 20, clients: 2 });
    expect(stored?.n).toBe(20);
  });

  it("refuses bad input with 400", async () => {
    expect((await call("/v1/scans", { body: {} })).status).toBe(400);
    expect((await call("/v1/scans", { body: { code: "A", url: "B" } })).status).toBe(400);
    expect((await call("/v1/scans", { body: { code: "A", lat: 30 } })).status).toBe(400);
  });
});

describe("risk settings", () => {
  it("lets an admin tighten many_clients and validates the values", async () => {
    const admin = await createUser("admin");
    const before = await callJson<{ many_clients: { max_clients: number } }>("/v1/risk-settings", {
      token: admin.token,
    });
    expect(before.body.many_clients.max_clients).toBe(3);
    const bad = await call("/v1/risk-settings", {
      method: "PUT",
      token: admin.token,
      body: { many_clients: { max_clients: 0 } },
    });
    expect(bad.status).toBe(400);
    const put = await callJson<{
      many_clients: { max_clients: number };
      wide_spread: { min_regions: number };
    }>("/v1/risk-settings", {
      method: "PUT",
      token: admin.token,
      body: { many_clients: { max_clients: 1 } },
    });
    expect(put.body.many_clients.max_clients).toBe(1);
    expect(put.body.wide_spread.min_regions).toBe(3);
    const { labels } = await releasedLabels(1);
    await scan({ code: labels[0]?.code, client_id: "settings-client-1" });
    expect((await scan({ code: labels[0]?.code, client_id: "settings-client-2" })).verdict).toBe(
      "suspicious",
    );
    const regulator = await createUser("regulator", { regionCodes: ["330900"] });
    expect((await call("/v1/risk-settings", { token: regulator.token })).status).toBe(403);
  });
});

describe("GET /v1/scans", () => {
  it("lists a producer's own scans as JSON, GeoJSON and CSV", async () => {
    const { labels, setup } = await releasedLabels(1);
    await scan({ code: labels[0]?.code, client_id: "listing-client-1", ...ZHOUSHAN });
    const json = await callJson<{ items: { label_code: string }[] }>("/v1/scans", {
      token: setup.producer.token,
    });
    expect(json.body.items.map((s) => s.label_code)).toEqual([labels[0]?.code]);
    const geo = await callJson<{
      type: string;
      features: { geometry: { coordinates: number[] } }[];
    }>("/v1/scans?format=geojson", { token: setup.producer.token });
    expect(geo.body.type).toBe("FeatureCollection");
    expect(geo.body.features[0]?.geometry.coordinates).toEqual([122.21, 29.99]);
    const csv = await call("/v1/scans?format=csv", { token: setup.producer.token });
    expect((await csv.text()).split("\r\n")[0]).toContain("scanned_at");
    const other = await createProducerSetup();
    const none = await callJson<{ items: unknown[] }>("/v1/scans", { token: other.producer.token });
    expect(none.body.items).toEqual([]);
  });
});

describe("IP geolocation", () => {
  it("locates a scan without GPS by the platform's IP location but never feeds it to travel rules", async () => {
    const { labels } = await releasedLabels(1);
    const code = labels[0]?.code as string;
    await scan({ code, client_id: "gps-client-0001", ...ZHOUSHAN });
    const app = (await import("../../../src/app")).createApp();
    // As Cloudflare fills request.cf from the client IP: Zhengzhou, minutes after a Zhoushan scan.
    const request = new Request("http://gi-trace.test/v1/scans", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code, client_id: "gps-client-0001" }),
      cf: { latitude: "34.7466", longitude: "113.6254" },
    } as RequestInit);
    const response = await app.fetch(request, env);
    const body = (await response.json()) as ScanAnswer;
    expect(body.reasons).toEqual([]);
    expect(body.verdict).toBe("genuine");
    const stored = await env.DB.prepare(
      "SELECT location_source, region_code FROM scans WHERE label_code = ? ORDER BY scanned_at DESC LIMIT 1",
    )
      .bind(code)
      .first();
    expect(stored).toEqual({ location_source: "ip", region_code: "410100" });
  });
});

describe("a consumer's scan history", () => {
  it("lists the scans a signed-in consumer made, and no one else's", async () => {
    const { labels } = await releasedLabels(1);
    const code = labels[0]?.code as string;
    const me = await callJson<{ access_token: string }>("/v1/auth/wechat", {
      body: { code: "history-consumer" },
    });
    const other = await callJson<{ access_token: string }>("/v1/auth/wechat", {
      body: { code: "other-consumer" },
    });
    await callJson("/v1/scans", { token: me.body.access_token, body: { code } });
    await callJson("/v1/scans", { token: other.body.access_token, body: { code } });
    await scan({ code, client_id: "anonymous-device-1" });
    const mine = await callJson<{ items: { label_code: string }[] }>("/v1/scans", {
      token: me.body.access_token,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((s) => s.label_code)).toEqual([code]);
  });
});
