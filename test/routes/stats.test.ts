import { describe, expect, it } from "vitest";
import { chinaDate } from "../../src/lib/beijing-time";
import { storePastScans } from "../helpers/counted-scans";
import { createBatch, createProducerSetup, createUser, issue } from "../helpers/fixtures";
import { call, callJson, expectProblem } from "../helpers/http";
import { forge, places, regulatorOf, releasedLabels, scan } from "../helpers/scans";

type Counts = {
  genuine: number;
  warning: number;
  suspicious: number;
  counterfeit: number;
  recalled: number;
  invalid: number;
};
type Overview = {
  from: string;
  to: string;
  totals: { scans: number; flagged_scans: number; alerts: number; open_alerts: number };
  scans_per_day: { date: string; scans: number; verdicts: Counts }[];
  verdict_mix: Counts;
  alerts_by_rule: { rule: string; alerts: number; open: number }[];
  open_alerts_by_severity: Record<"low" | "medium" | "high" | "critical", number>;
  top_batches: {
    batch_id: string;
    lot_code: string;
    organization_id: string;
    scans: number;
    suspicious: number;
    counterfeit: number;
  }[];
};

const overview = (token: string, query = "") =>
  callJson<Overview>(`/v1/stats/overview${query}`, { token });
const zero: Counts = {
  genuine: 0,
  warning: 0,
  suspicious: 0,
  counterfeit: 0,
  recalled: 0,
  invalid: 0,
};

/**
 * One producer's day: 3 genuine scans, a copied code (4 clients: 3 genuine, then suspicious),
 * a voided label (counterfeit), 2 scans of a draft batch (suspicious) and 1 forged code.
 */
async function producerDay() {
  const setup = await createProducerSetup();
  const { batch, codes } = await releasedLabels(5, setup);
  for (let i = 0; i < 3; i++)
    await scan({
      code: codes[i],
      client_id: `stats-genuine-${i}-${setup.org.id}`,
      ...places.zhoushan,
    });
  for (let i = 0; i < 4; i++)
    await scan({
      code: codes[3],
      client_id: `stats-copy-${i}-${setup.org.id}`,
      ...places.zhoushan,
    });
  await callJson("/v1/labels/void", {
    token: setup.producer.token,
    body: { codes: [codes[4]], reason: "损毁" },
  });
  await scan({ code: codes[4], client_id: `stats-void-${setup.org.id}`, ...places.zhoushan });
  const draft = await createBatch(setup);
  const draftLabels = await issue(setup, draft, 2);
  for (const [i, label] of draftLabels.entries())
    await scan({
      code: label.code,
      client_id: `stats-draft-${i}-${setup.org.id}`,
      ...places.hangzhou,
    });
  await scan({
    code: forge(codes[0] as string, 1),
    client_id: `stats-forger-${setup.org.id}`,
    ...places.zhoushan,
  });
  return { setup, batch, draft };
}

describe("GET /v1/stats/overview", () => {
  it("counts a producer's own scans per Beijing day, its verdict mix, alerts by rule and top batches", async () => {
    const { setup, batch, draft } = await producerDay();
    const { status, body } = await overview(setup.producer.token);
    expect(status).toBe(200);
    const today = chinaDate();
    expect(body.to).toBe(today);
    expect(body.scans_per_day).toHaveLength(30);
    expect(body.scans_per_day.at(-1)).toEqual({
      date: today,
      scans: 10,
      verdicts: { ...zero, genuine: 6, suspicious: 3, counterfeit: 1 },
    });
    // The forged code is nobody's scan: it does not count for the producer.
    expect(body.verdict_mix).toEqual({ ...zero, genuine: 6, suspicious: 3, counterfeit: 1 });
    expect(body.totals).toMatchObject({ scans: 10, flagged_scans: 4 });
    expect(body.alerts_by_rule).toEqual(
      expect.arrayContaining([
        { rule: "many_clients", alerts: 1, open: 1 },
        { rule: "voided_label", alerts: 1, open: 1 },
        { rule: "unreleased_batch", alerts: 1, open: 1 },
      ]),
    );
    expect(body.totals.alerts).toBe(3);
    // many_clients and unreleased_batch open medium alerts, voided_label a high one.
    expect(body.open_alerts_by_severity).toEqual({ low: 0, medium: 2, high: 1, critical: 0 });
    expect(body.top_batches).toEqual([
      {
        batch_id: batch,
        lot_code: expect.any(String),
        organization_id: setup.org.id,
        scans: 8,
        suspicious: 1,
        counterfeit: 1,
      },
      {
        batch_id: draft,
        lot_code: expect.any(String),
        organization_id: setup.org.id,
        scans: 2,
        suspicious: 2,
        counterfeit: 0,
      },
    ]);
  });

  it("scopes regulators to their regions and other producers to nothing", async () => {
    const { setup } = await producerDay();
    const other = await createProducerSetup();
    const nothing = await overview(other.producer.token);
    expect(nothing.body.totals).toEqual({ scans: 0, flagged_scans: 0, alerts: 0, open_alerts: 0 });
    expect(nothing.body.top_batches).toEqual([]);

    const beijing = await overview((await regulatorOf("110000")).token);
    expect(beijing.body.totals.scans).toBe(0);

    // Zhoushan sees its producer's scans wherever they happened and the forged scan made there.
    const zhoushan = await overview((await regulatorOf("330900")).token);
    expect(zhoushan.body.verdict_mix.invalid).toBeGreaterThanOrEqual(1);
    expect(zhoushan.body.top_batches.some((b) => b.organization_id === setup.org.id)).toBe(true);

    // Hangzhou sees the draft-batch scans made there, not the producer's other scans.
    const hangzhou = await overview((await regulatorOf("330100")).token);
    expect(
      hangzhou.body.top_batches
        .filter((b) => b.organization_id === setup.org.id)
        .map((b) => b.scans),
    ).toEqual([2]);

    const admin = await overview((await createUser("admin")).token);
    expect(admin.body.totals.scans).toBeGreaterThanOrEqual(zhoushan.body.totals.scans);
  });

  it("buckets scans by the Beijing calendar day, not the UTC one", async () => {
    const setup = await createProducerSetup();
    const { batch, codes } = await releasedLabels(1, setup);
    // 2026-03-01 16:30Z is 2026-03-02 00:30 in Beijing; 15:30Z is still 2026-03-01 23:30.
    await storePastScans(
      [
        "2026-03-01T15:30:00.000Z",
        "2026-03-01T16:30:00.000Z",
        "2026-03-02T15:59:59.999Z",
        "2026-03-02T16:00:00.000Z",
      ].map((at) => ({
        at,
        labelCode: codes[0] as string,
        batchId: batch,
        organizationId: setup.org.id,
        regionCode: null,
        verdict: "genuine",
      })),
    );
    const { body } = await overview(setup.producer.token, "?from=2026-03-01&to=2026-03-03");
    expect(body.scans_per_day.map((d) => [d.date, d.scans])).toEqual([
      ["2026-03-01", 1],
      ["2026-03-02", 2],
      ["2026-03-03", 1],
    ]);
    const one = await overview(setup.producer.token, "?from=2026-03-02&to=2026-03-02");
    expect(one.body.totals.scans).toBe(2);
  });

  it("validates the period", async () => {
    const admin = await createUser("admin");
    for (const query of [
      "?from=2026-03-05&to=2026-03-01",
      "?from=2025-01-01&to=2026-03-01",
      "?from=2026-02-30",
      "?to=2026-13-01",
      "?from=yesterday",
    ]) {
      await expectProblem(
        await call(`/v1/stats/overview${query}`, { token: admin.token }),
        400,
        "validation_failed",
      );
    }
    const year = await overview(admin.token, "?from=2025-03-02&to=2026-03-02");
    expect(year.status).toBe(200);
    expect(year.body.scans_per_day).toHaveLength(366);
    await expectProblem(await call("/v1/stats/overview"), 401, "unauthorized");
    await expectProblem(
      await call("/v1/stats/overview", { token: (await createUser("consumer")).token }),
      403,
      "forbidden",
    );
  });
});
