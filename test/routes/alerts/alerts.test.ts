import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createBatch, createProducerSetup, createUser, issue } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";
import { alertsFor, forge, places, regulatorOf, releasedLabels, scan } from "../../helpers/scans";

type Alert = {
  id: string;
  rule: string;
  subject_type: string;
  subject_id: string;
  label_code: string | null;
  organization_id: string | null;
  region_code: string | null;
  scan_region_code: string | null;
  severity: string;
  status: string;
  count: number;
  last_seen_at: string;
};
type Page = { items: Alert[]; next_cursor: string | null };
type Detail = Alert & {
  events: { from_status: string | null; to_status: string; actor_user_id: string | null }[];
  scans: {
    id: string;
    verdict: string;
    label_code: string | null;
    region_code: string | null;
    scanned_at: string;
  }[];
  geojson: {
    type: string;
    features: {
      type: string;
      geometry: { type: string; coordinates: [number, number] };
      properties: { scanned_at: string; verdict: string; region_code: string | null };
    }[];
  };
};

/** A Zhoushan producer's code copied to Zhengzhou: an impossible_travel alert on the label. */
async function travelAlert() {
  const { setup, batch, codes } = await releasedLabels(2);
  const code = codes[0] as string;
  await scan({ code, client_id: "alerts-shop-0001", ...places.zhoushan });
  await scan({ code, client_id: "alerts-far-00001", ...places.zhengzhou });
  await scan({ code, client_id: "alerts-far-00002" });
  const [alert] = await alertsFor(code);
  if (!alert) throw new Error("no alert raised");
  return { setup, batch, code, alertId: alert.id };
}

describe("GET /v1/alerts scope", () => {
  it("shows an alert to the producer's and the scan region's regulators, the producer and admins only", async () => {
    const { setup, alertId } = await travelAlert();
    const listIds = async (token: string) =>
      (await callJson<Page>("/v1/alerts?limit=200", { token })).body.items.map((a) => a.id);

    expect(await listIds((await regulatorOf("330900")).token)).toContain(alertId);
    expect(await listIds((await regulatorOf("410000")).token)).toContain(alertId);
    expect(await listIds(setup.producer.token)).toContain(alertId);
    expect(await listIds((await createUser("admin")).token)).toContain(alertId);

    expect(await listIds((await regulatorOf("110000")).token)).toEqual([]);
    expect(await listIds((await createProducerSetup()).producer.token)).toEqual([]);
  });

  it("answers 404 on the detail of an alert out of reach, and 401 or 403 to others", async () => {
    const { alertId } = await travelAlert();
    await expectProblem(
      await call(`/v1/alerts/${alertId}`, { token: (await regulatorOf("110000")).token }),
      404,
      "not_found",
    );
    await expectProblem(
      await call(`/v1/alerts/${alertId}`, { token: (await createProducerSetup()).producer.token }),
      404,
      "not_found",
    );
    await expectProblem(
      await call("/v1/alerts/alr_doesnotexist0000", { token: (await createUser("admin")).token }),
      404,
      "not_found",
    );
    await expectProblem(await call("/v1/alerts"), 401, "unauthorized");
    await expectProblem(
      await call("/v1/alerts", { token: (await createUser("consumer")).token }),
      403,
      "forbidden",
    );
  });

  it("keeps forgery-probe alerts, which belong to no producer, from producers", async () => {
    const { setup, codes } = await releasedLabels(1);
    for (let i = 0; i < 20; i++)
      await scan({
        code: forge(codes[0] as string, i),
        client_id: "alerts-prober-01",
        ...places.hangzhou,
      });
    const admin = await createUser("admin");
    const probes = await callJson<Page>("/v1/alerts?rule=forged_code&limit=200", {
      token: admin.token,
    });
    expect(probes.body.items.map((a) => a.subject_type).sort()).toEqual(["client", "region"]);
    const mine = await callJson<Page>("/v1/alerts?rule=forged_code", {
      token: setup.producer.token,
    });
    expect(mine.body.items).toEqual([]);
    const hangzhou = await callJson<Page>("/v1/alerts?rule=forged_code", {
      token: (await regulatorOf("330100")).token,
    });
    expect(hangzhou.body.items).toHaveLength(2);
  });
});

describe("GET /v1/alerts filters and paging", () => {
  it("filters by status, severity, rule and since, and pages newest first", async () => {
    const regulator = await regulatorOf("330900");
    const first = await travelAlert();
    const second = await travelAlert();
    const list = (query: string) =>
      callJson<Page>(`/v1/alerts?${query}`, { token: regulator.token });

    const travel = await list("rule=impossible_travel&limit=200");
    expect(travel.body.items.every((a) => a.rule === "impossible_travel")).toBe(true);
    expect(travel.body.items.map((a) => a.id)).toEqual(
      expect.arrayContaining([first.alertId, second.alertId]),
    );
    const seen = travel.body.items.map((a) => a.last_seen_at);
    expect(seen).toEqual([...seen].sort().reverse());

    expect(
      (await list("severity=high&limit=200")).body.items.every((a) => a.severity === "high"),
    ).toBe(true);
    expect((await list("severity=low")).body.items).toEqual([]);
    expect((await list("status=dismissed")).body.items).toEqual([]);
    expect((await list("status=new&limit=200")).body.items.length).toBeGreaterThanOrEqual(2);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await list(`since=${future}`)).body.items).toEqual([]);

    const pageOne = await list("rule=impossible_travel&limit=1");
    expect(pageOne.body.items).toHaveLength(1);
    expect(pageOne.body.next_cursor).toBeTruthy();
    const pageTwo = await list(`rule=impossible_travel&limit=1&cursor=${pageOne.body.next_cursor}`);
    expect(pageTwo.body.items[0]?.id).not.toBe(pageOne.body.items[0]?.id);
    expect(
      (pageOne.body.items[0]?.last_seen_at ?? "") >= (pageTwo.body.items[0]?.last_seen_at ?? ""),
    ).toBe(true);

    await expectProblem(
      await call("/v1/alerts?status=open", { token: regulator.token }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await call("/v1/alerts?since=yesterday", { token: regulator.token }),
      400,
      "validation_failed",
    );
    await expectProblem(
      await call("/v1/alerts?cursor=nonsense", { token: regulator.token }),
      400,
      "validation_failed",
    );
  });
});

describe("GET /v1/alerts?subject_id", () => {
  it("lists only the alerts of one subject: the rules that fired on one copied code", async () => {
    const regulator = await regulatorOf("330900");
    const first = await travelAlert();
    await travelAlert();
    const page = await callJson<Page>(
      `/v1/alerts?subject_id=${encodeURIComponent(first.code)}&limit=200`,
      { token: regulator.token },
    );
    expect(page.body.items.length).toBeGreaterThan(0);
    expect(page.body.items.every((a) => a.subject_id === first.code)).toBe(true);
    expect(page.body.items.map((a) => a.id)).toContain(first.alertId);
  });
});

describe("GET /v1/alerts/{id}", () => {
  it("returns the history, the scans of the label newest first and a GeoJSON map of the located ones", async () => {
    const { alertId, code, setup } = await travelAlert();
    const { status, body } = await callJson<Detail>(`/v1/alerts/${alertId}`, {
      token: setup.producer.token,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: alertId,
      rule: "impossible_travel",
      subject_type: "label",
      subject_id: code,
      label_code: code,
      organization_id: setup.org.id,
      region_code: "330903",
      scan_region_code: "410100",
      status: "new",
    });
    expect(body.events).toEqual([
      expect.objectContaining({ from_status: null, to_status: "new", actor_user_id: null }),
    ]);
    expect(body.scans).toHaveLength(3);
    expect(body.scans.every((s) => s.label_code === code)).toBe(true);
    const times = body.scans.map((s) => s.scanned_at);
    expect(times).toEqual([...times].sort().reverse());

    expect(body.geojson.type).toBe("FeatureCollection");
    expect(body.geojson.features).toHaveLength(2);
    const zhoushan = body.geojson.features.find((f) => f.properties.region_code === "330900");
    expect(zhoushan).toMatchObject({
      type: "Feature",
      geometry: { type: "Point", coordinates: [122.2, 29.99] },
      properties: { verdict: "genuine", region_code: "330900" },
    });
    const zhengzhou = body.geojson.features.find((f) => f.properties.region_code === "410100");
    expect(zhengzhou?.properties.verdict).toBe("counterfeit");
    expect(zhengzhou?.geometry.coordinates).toEqual([113.62, 34.75]);
  });

  it("shows a regulator of the scan region only the scans made in its region", async () => {
    const { alertId } = await travelAlert();
    const henan = await regulatorOf("410000");
    const { status, body } = await callJson<Detail>(`/v1/alerts/${alertId}`, {
      token: henan.token,
    });
    expect(status).toBe(200);
    expect(body.scans.length).toBeGreaterThan(0);
    expect(body.scans.every((s) => s.region_code?.startsWith("41"))).toBe(true);
    expect(body.geojson.features.every((f) => f.properties.region_code?.startsWith("41"))).toBe(
      true,
    );
    const zhoushan = await regulatorOf("330900");
    const owner = await callJson<Detail>(`/v1/alerts/${alertId}`, { token: zhoushan.token });
    expect(owner.body.scans).toHaveLength(3);
  });

  it("shows a batch alert with the scans of the whole batch", async () => {
    const setup = await createProducerSetup();
    const draft = await createBatch(setup);
    const labels = await issue(setup, draft, 2);
    await scan({ code: labels[0]?.code, client_id: "alerts-draft-001", ...places.hangzhou });
    await scan({ code: labels[1]?.code, client_id: "alerts-draft-002" });
    const [alert] = await alertsFor(draft);
    expect(alert).toMatchObject({ rule: "unreleased_batch", subject_type: "batch", count: 2 });
    const { body } = await callJson<Detail>(`/v1/alerts/${alert?.id}`, {
      token: (await regulatorOf("330000")).token,
    });
    expect(body.scans.map((s) => s.label_code).sort()).toEqual(
      [labels[0]?.code, labels[1]?.code].sort(),
    );
    expect(body.geojson.features).toHaveLength(1);
  });

  it("shows a forgery probe with the invalid scans of its client, the burst included", async () => {
    const { codes } = await releasedLabels(1);
    for (let i = 0; i < 22; i++)
      await scan({ code: forge(codes[0] as string, i), client_id: "alerts-prober-02" });
    await scan({ code: codes[0], client_id: "alerts-prober-02" });
    const admin = await createUser("admin");
    const probes = await callJson<Page>("/v1/alerts?rule=forged_code&limit=200", {
      token: admin.token,
    });
    const clientAlerts = probes.body.items.filter(
      (a) => a.subject_type === "client" && a.count === 3,
    );
    expect(clientAlerts).toHaveLength(1);
    const { body } = await callJson<Detail>(`/v1/alerts/${clientAlerts[0]?.id}`, {
      token: admin.token,
    });
    expect(body.scans).toHaveLength(22);
    expect(body.scans.every((s) => s.verdict === "invalid" && s.label_code === null)).toBe(true);
    expect(body.geojson.features).toEqual([]);
  });

  it("keeps at most 500 scans in the detail", async () => {
    const { codes, setup } = await releasedLabels(1);
    const code = codes[0] as string;
    for (let i = 0; i < 4; i++)
      await scan({ code, client_id: `alerts-many-${i}-0000`, ...places.zhoushan });
    // 520 more stored scans of the label, written directly: the API's rate limit would be in the way.
    await env.DB.prepare(
      `INSERT INTO scans (id, label_code, batch_id, organization_id, client_key, verdict, reasons, scanned_at)
       WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 519)
       SELECT 'scn_bulk' || i, code, batch_id, ?, 'bulk', 'suspicious', '[]', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i + 1) || ' seconds')
       FROM n, labels WHERE labels.code = ?`,
    )
      .bind(setup.org.id, code)
      .run();
    const [alert] = await alertsFor(code);
    const { body } = await callJson<Detail>(`/v1/alerts/${alert?.id}`, {
      token: setup.producer.token,
    });
    expect(body.scans).toHaveLength(500);
  });
});
