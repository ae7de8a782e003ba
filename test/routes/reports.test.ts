import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createUser } from "../helpers/fixtures";
import { call, callJson, expectProblem } from "../helpers/http";
import { alertsFor, forge, places, regulatorOf, releasedLabels } from "../helpers/scans";

type Created = { id: string; status: string };
type AlertPage = {
  items: {
    id: string;
    rule: string;
    subject_type: string;
    subject_id: string;
    severity: string;
    count: number;
    details: Record<string, unknown>;
  }[];
};

const report = (body: Record<string, unknown>, token?: string) =>
  callJson<Created>("/v1/reports", { body, token });

const storedReport = (id: string) =>
  env.DB.prepare("SELECT * FROM reports WHERE id = ?").bind(id).first<Record<string, unknown>>();

describe("POST /v1/reports", () => {
  it("stores a report of a real label and raises a consumer_report alert on it for the producer's region", async () => {
    const { setup, codes } = await releasedLabels(1);
    const code = codes[0] as string;
    const { status, body } = await report({
      code: code.toLowerCase(),
      description: "包装印刷模糊，价格明显偏低",
      lat: 34.7512,
      lng: 113.6249,
      client_id: "reporter-device-001",
    });
    expect(status).toBe(201);
    expect(body).toEqual({ id: expect.stringMatching(/^rpt_/), status: "new" });

    const row = await storedReport(body.id);
    expect(row).toMatchObject({
      label_code: code,
      lat: 34.75,
      lng: 113.62,
      region_code: "410100",
      status: "new",
      user_id: null,
    });
    expect(JSON.stringify(row)).not.toContain("reporter-device-001");

    const [alert] = await alertsFor(code);
    expect(alert).toMatchObject({
      rule: "consumer_report",
      subject_type: "label",
      severity: "medium",
      status: "new",
      count: 1,
      region_code: "330903",
      scan_region_code: "410100",
    });
    const zhoushan = await callJson<AlertPage>("/v1/alerts?rule=consumer_report&limit=200", {
      token: (await regulatorOf("330900")).token,
    });
    expect(zhoushan.body.items.map((a) => a.id)).toContain(alert?.id);
    const mine = await callJson<AlertPage>("/v1/alerts?rule=consumer_report", {
      token: setup.producer.token,
    });
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        id: alert?.id,
        details: expect.objectContaining({ report_id: body.id, code_known: true }),
      }),
    ]);
  });

  it("accepts the label's URL and counts a second report of the same label on the open alert", async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    await report({ code, description: "二维码贴纸可以整张揭下", ...places.zhoushan });
    const second = await report({
      code: `HTTPS://GI-TRACE.TEST/V/${code}`,
      description: "同一批货，味道不对",
    });
    expect(second.status).toBe(201);
    const alerts = await alertsFor(code);
    expect(alerts).toEqual([expect.objectContaining({ rule: "consumer_report", count: 2 })]);
  });

  it("raises a region alert where the report was made when the code is forged or missing", async () => {
    const { codes } = await releasedLabels(1);
    const forged = forge(codes[0] as string, 7);
    const created = await report({
      code: forged,
      description: "扫码显示查无此码",
      ...places.jinan,
    });
    expect(created.status).toBe(201);
    expect((await storedReport(created.body.id))?.label_code).toBeNull();
    await report({ description: "市场上有无码的舟山带鱼礼盒出售", ...places.jinan });

    const [alert] = await alertsFor("370100");
    expect(alert).toMatchObject({
      rule: "consumer_report",
      subject_type: "region",
      region_code: null,
      scan_region_code: "370100",
      count: 2,
    });
    const jinan = await callJson<AlertPage>("/v1/alerts?rule=consumer_report", {
      token: (await regulatorOf("370000")).token,
    });
    expect(jinan.body.items.map((a) => a.id)).toEqual([alert?.id]);
    expect(jinan.body.items[0]?.details).toMatchObject({ code_known: false });
    const zhoushan = await callJson<AlertPage>("/v1/alerts?rule=consumer_report&limit=200", {
      token: (await regulatorOf("330900")).token,
    });
    expect(zhoushan.body.items.map((a) => a.id)).not.toContain(alert?.id);
  });

  it("files a report without code or place under the region unknown, seen by admins", async () => {
    const created = await report({ description: "朋友圈微商卖的地理标志产品很可疑" });
    expect(created.status).toBe(201);
    expect(await storedReport(created.body.id)).toMatchObject({
      label_code: null,
      lat: null,
      lng: null,
      region_code: null,
    });
    const [alert] = await alertsFor("unknown");
    expect(alert).toMatchObject({ subject_type: "region", scan_region_code: null });
    const admin = await createUser("admin");
    const all = await callJson<AlertPage>("/v1/alerts?rule=consumer_report&limit=200", {
      token: admin.token,
    });
    expect(all.body.items.map((a) => a.subject_id)).toContain("unknown");
  });

  it("answers a retry with the same Idempotency-Key with the first report instead of a second", async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    const body = { code, description: "重复提交的举报", client_id: "retrying-phone-01" };
    const headers = { "Idempotency-Key": `report-${code}` };
    const first = await callJson<Created>("/v1/reports", { body, headers });
    const retry = await callJson<Created>("/v1/reports", { body, headers });
    expect(first.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM reports WHERE label_code = ?")
        .bind(code)
        .first("n"),
    ).toBe(1);
    expect((await alertsFor(code))[0]?.count).toBe(1);
  });

  it("records the consumer of a token and writes an audit record", async () => {
    const consumer = await createUser("consumer");
    const created = await report({ description: "我买到的可能是假货" }, consumer.token);
    expect((await storedReport(created.body.id))?.user_id).toBe(consumer.id);
    const audit = await env.DB.prepare(
      "SELECT action, target_type FROM audit_log WHERE target_id = ?",
    )
      .bind(created.body.id)
      .all();
    expect(audit.results).toEqual([{ action: "report.create", target_type: "report" }]);
  });

  it("refuses bad input with 400 and stores nothing", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM reports").first("n");
    for (const body of [
      {},
      { description: "shrt" },
      { description: "x".repeat(1001) },
      { description: "valid text here", lat: 30 },
      { description: "valid text here", lat: 91, lng: 120 },
      { description: "valid text here", extra: true },
    ]) {
      await expectProblem(await call("/v1/reports", { body }), 400, "validation_failed");
    }
    await expectProblem(
      await call("/v1/reports", {
        body: "{not json",
        headers: { "Content-Type": "application/json" },
      }),
      400,
      "malformed_json",
    );
    expect(await env.DB.prepare("SELECT count(*) AS n FROM reports").first("n")).toBe(before);
  });
});
