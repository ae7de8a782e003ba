// The overview is served from counters kept on write: these tests compute it again from the
// stored scans and alerts and compare, for every role, several periods, after a location is
// added to a scan and after old scans are rolled up and deleted.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import backfillSql from "../../migrations/0009_backfill_scans_by_verdict.sql?raw";
import alertCountersSql from "../../migrations/0014_alert_counters.sql?raw";
import { getDb } from "../../src/db/client";
import { alertsByRuleQuery } from "../../src/db/queries/alert-counts";
import { scanCountQueries } from "../../src/db/queries/scan-counters";
import { chinaDate } from "../../src/lib/beijing-time";
import { regionsCover } from "../../src/lib/regions";
import { rollUpOldScans } from "../../src/scheduled/retention";
import type { AuthUser } from "../../src/types";
import { counterMismatches, storePastScans, upsertAlertAt } from "../helpers/counted-scans";
import { createBatch, createProducerSetup, createUser, issue } from "../helpers/fixtures";
import { call, callJson } from "../helpers/http";
import { queryPlan } from "../helpers/query-plan";
import { forge, places, regulatorOf, releasedLabels, scan } from "../helpers/scans";

const VERDICTS = ["genuine", "warning", "suspicious", "counterfeit", "recalled", "invalid"];

type Reader = { role: string; organizationId?: string; regionCodes?: string[] };

type ScanRow = {
  scanned_at: string;
  verdict: string;
  region_code: string | null;
  organization_id: string | null;
  batch_id: string | null;
  org_region: string | null;
  lot_code: string | null;
  batch_org: string | null;
};

type AlertRow = {
  rule: string;
  status: string;
  organization_id: string | null;
  region_code: string | null;
  scan_region_code: string | null;
  first_seen_at: string;
  last_seen_at: string;
};

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

function reaches(reader: Reader, organizationId: string | null, regions: (string | null)[]) {
  if (reader.role === "admin") return true;
  if (reader.role === "producer") return organizationId === reader.organizationId;
  return regions.some((code) => regionsCover(reader.regionCodes ?? [], code));
}

/** The overview's numbers computed from the stored rows, as the endpoint answered before counters. */
async function overviewFromRows(reader: Reader, from: string, to: string) {
  const scans = (
    await env.DB.prepare(
      `SELECT s.scanned_at, s.verdict, s.region_code, s.organization_id, s.batch_id,
              o.region_code AS org_region, b.lot_code, b.organization_id AS batch_org
         FROM scans s LEFT JOIN organizations o ON o.id = s.organization_id
         LEFT JOIN batches b ON b.id = s.batch_id`,
    ).all<ScanRow>()
  ).results.filter((s) => {
    const day = chinaDate(new Date(s.scanned_at));
    return (
      day >= from && day <= to && reaches(reader, s.organization_id, [s.region_code, s.org_region])
    );
  });
  const days = new Map<string, Record<string, number>>();
  for (let day = from; day <= to; day = addDays(day, 1)) {
    days.set(day, Object.fromEntries(VERDICTS.map((v) => [v, 0])));
  }
  const mix: Record<string, number> = Object.fromEntries(VERDICTS.map((v) => [v, 0]));
  const perBatch = new Map<string, { lot: string; org: string; counts: Record<string, number> }>();
  for (const s of scans) {
    const counts = days.get(chinaDate(new Date(s.scanned_at))) as Record<string, number>;
    counts[s.verdict] = (counts[s.verdict] ?? 0) + 1;
    mix[s.verdict] = (mix[s.verdict] ?? 0) + 1;
    if (s.batch_id && s.lot_code) {
      const entry = perBatch.get(s.batch_id) ?? {
        lot: s.lot_code,
        org: s.batch_org as string,
        counts: {},
      };
      entry.counts[s.verdict] = (entry.counts[s.verdict] ?? 0) + 1;
      perBatch.set(s.batch_id, entry);
    }
  }
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  const topBatches = [...perBatch]
    .map(([id, b]) => ({
      batch_id: id,
      lot_code: b.lot,
      organization_id: b.org,
      scans: sum(b.counts),
      suspicious: b.counts.suspicious ?? 0,
      counterfeit: b.counts.counterfeit ?? 0,
    }))
    .filter((b) => b.suspicious + b.counterfeit > 0)
    .sort(
      (a, b) =>
        b.suspicious + b.counterfeit - (a.suspicious + a.counterfeit) ||
        b.scans - a.scans ||
        (a.batch_id < b.batch_id ? -1 : 1),
    )
    .slice(0, 10);

  const startAt = new Date(Date.parse(`${from}T00:00:00Z`) - 8 * 3_600_000).toISOString();
  const endAt = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS - 8 * 3_600_000).toISOString();
  const alerts = (await env.DB.prepare("SELECT * FROM alerts").all<AlertRow>()).results.filter(
    (a) =>
      a.last_seen_at >= startAt &&
      a.first_seen_at < endAt &&
      reaches(reader, a.organization_id, [a.region_code, a.scan_region_code]),
  );
  const byRule = new Map<string, { rule: string; alerts: number; open: number }>();
  for (const a of alerts) {
    const entry = byRule.get(a.rule) ?? { rule: a.rule, alerts: 0, open: 0 };
    entry.alerts += 1;
    if (["new", "acknowledged", "investigating"].includes(a.status)) entry.open += 1;
    byRule.set(a.rule, entry);
  }
  return {
    totals: {
      scans: sum(mix),
      flagged_scans: (mix.suspicious ?? 0) + (mix.counterfeit ?? 0),
      alerts: alerts.length,
      open_alerts: [...byRule.values()].reduce((n, r) => n + r.open, 0),
    },
    scans_per_day: [...days].map(([date, verdicts]) => ({ date, scans: sum(verdicts), verdicts })),
    verdict_mix: mix,
    alerts_by_rule: [...byRule.values()].sort(
      (a, b) => b.alerts - a.alerts || (a.rule < b.rule ? -1 : 1),
    ),
    top_batches: topBatches,
  };
}

type Caller = { reader: Reader; token: string };

async function callers() {
  const a = await createProducerSetup();
  const b = await createProducerSetup({ regionCode: "110105" });
  const list: Caller[] = [
    { reader: { role: "admin" }, token: (await createUser("admin")).token },
    {
      reader: { role: "producer", organizationId: a.org.id },
      token: a.producer.token,
    },
    {
      reader: { role: "producer", organizationId: b.org.id },
      token: b.producer.token,
    },
  ];
  const scopes = [["330900"], ["330100"], ["330000"], ["110000"], ["330100", "440000"], ["330903"]];
  for (const regions of scopes) {
    list.push({
      reader: { role: "regulator", regionCodes: regions },
      token: (await regulatorOf(...regions)).token,
    });
  }
  return { a, b, list };
}

async function expectOverviewsMatchRows(list: Caller[], periods: [string, string][]) {
  for (const [from, to] of periods) {
    const expected = await Promise.all(list.map((c) => overviewFromRows(c.reader, from, to)));
    for (const [i, caller] of list.entries()) {
      const { status, body } = await callJson<Record<string, unknown>>(
        `/v1/stats/overview?from=${from}&to=${to}`,
        { token: caller.token },
      );
      expect(status).toBe(200);
      expect(
        body,
        `${caller.reader.role} ${caller.reader.regionCodes ?? ""} ${from}..${to}`,
      ).toMatchObject(expected[i] as Record<string, unknown>);
    }
  }
}

/** Scans through the app, today: genuine, copied, voided, draft, forged and located later. */
async function scanToday(a: Awaited<ReturnType<typeof createProducerSetup>>) {
  const { batch, codes } = await releasedLabels(6, a);
  for (let i = 0; i < 3; i++)
    await scan({ code: codes[i], client_id: `cnt-genuine-${i}`, ...places.zhoushan });
  for (let i = 0; i < 4; i++)
    await scan({ code: codes[3], client_id: `cnt-copy-${i}`, ...places.hangzhou });
  await callJson("/v1/labels/void", {
    token: a.producer.token,
    body: { codes: [codes[4]], reason: "损毁" },
  });
  await scan({ code: codes[4], client_id: "cnt-void", ...places.shanghai });
  const draft = await createBatch(a);
  for (const [i, label] of (await issue(a, draft, 2)).entries())
    await scan({ code: label.code, client_id: `cnt-draft-${i}`, ...places.hangzhou });
  await scan({ code: forge(codes[0] as string, 3), client_id: "cnt-forger", ...places.zhoushan });
  await scan({ code: forge(codes[0] as string, 4), client_id: "cnt-forger" });
  return { batch, codes };
}

/** Scans of the past, stored directly, either side of Beijing midnight. */
async function scansOfMarch(
  a: Awaited<ReturnType<typeof createProducerSetup>>,
  b: Awaited<ReturnType<typeof createProducerSetup>>,
) {
  const aLabels = await releasedLabels(2, a);
  const bLabels = await releasedLabels(2, b);
  const rows = [
    ["2026-03-01T15:30:00.000Z", aLabels, 0, "330903", "genuine"],
    ["2026-03-01T16:30:00.000Z", aLabels, 0, "330100", "suspicious"],
    ["2026-03-02T10:00:00.000Z", aLabels, 1, "440100", "counterfeit"],
    ["2026-03-02T23:00:00.000Z", bLabels, 0, "110105", "genuine"],
    ["2026-03-03T01:00:00.000Z", bLabels, 1, "330902", "counterfeit"],
    ["2026-03-03T02:00:00.000Z", bLabels, 1, null, "warning"],
  ] as const;
  await storePastScans([
    ...rows.map(([at, labels, i, regionCode, verdict]) => ({
      at,
      labelCode: labels.codes[i] as string,
      batchId: labels.batch,
      organizationId: labels.setup.org.id,
      regionCode,
      verdict,
    })),
    {
      at: "2026-03-02T05:00:00.000Z",
      labelCode: null,
      batchId: null,
      organizationId: null,
      regionCode: "330903",
      verdict: "invalid",
    },
  ]);
}

const COUNTER_TABLES = [
  "scan_day_counters",
  "scan_area_counters",
  "scan_batch_counters",
  "scan_batch_area_counters",
];

/** Every counter row with a scan, per table, in key order. */
const counterRows = async () =>
  Object.fromEntries(
    await Promise.all(
      COUNTER_TABLES.map(async (t) => [
        t,
        (
          await env.DB.prepare(
            `SELECT * FROM ${t} WHERE genuine + warning + suspicious + counterfeit + recalled + invalid != 0 ORDER BY 1, 2, 3`,
          ).all()
        ).results,
      ]),
    ),
  );

const clearScans = () =>
  env.DB.batch(
    [...COUNTER_TABLES, "scan_daily_aggregates", "scans"].map((t) =>
      env.DB.prepare(`DELETE FROM ${t}`),
    ),
  );

const runBackfill = async () => {
  for (const sql of backfillSql.split("--> statement-breakpoint")) {
    if (sql.trim()) await env.DB.prepare(sql).run();
  }
};

describe("GET /v1/stats/overview from counters", () => {
  it("gives the numbers the scans give, for every role and period, after a location update and after retention", async () => {
    const { a, b, list } = await callers();
    const { codes } = await scanToday(a);
    await scansOfMarch(a, b);
    const today = chinaDate();
    const periods: [string, string][] = [
      [addDays(today, -29), today],
      [today, today],
      ["2026-03-01", "2026-03-03"],
      ["2026-03-02", "2026-03-02"],
    ];
    await expectOverviewsMatchRows(list, periods);

    // A scan answered without a place, then located in Guangzhou: its region and verdict move.
    await scan({ code: codes[5], client_id: "cnt-travel-1", ...places.zhoushan });
    const second = await scan({ code: codes[5], client_id: "cnt-travel-2" });
    const located = await call(`/v1/scans/${second.scan_id}/location`, {
      body: { ...places.guangzhou, token: second.location_token },
    });
    expect(located.status).toBe(200);
    expect(((await located.json()) as { verdict: string }).verdict).toBe("counterfeit");
    await expectOverviewsMatchRows(list, periods.slice(0, 2));
    const again = await call(`/v1/scans/${second.scan_id}/location`, {
      body: { ...places.jinan, token: second.location_token },
    });
    expect(again.status).toBe(409);
    await expectOverviewsMatchRows(list, periods.slice(0, 2));

    // Rolling up and deleting March's raw scans changes no statistic.
    const march = periods.slice(2);
    const before = await Promise.all(
      list.flatMap((c) => march.map(([from, to]) => overviewFromRows(c.reader, from, to))),
    );
    const rolled = await rollUpOldScans(
      { DB: env.DB, SCAN_RETENTION_DAYS: "10" },
      { now: new Date("2026-03-30T12:00:00.000Z") },
    );
    expect(rolled.rolledUp).toBe(7);
    let i = 0;
    for (const caller of list) {
      for (const [from, to] of march) {
        const { body } = await callJson<Record<string, unknown>>(
          `/v1/stats/overview?from=${from}&to=${to}`,
          { token: caller.token },
        );
        expect(body).toMatchObject(before[i++] as Record<string, unknown>);
      }
    }
  }, 60_000);

  it("back-fills from scans the counters that writing keeps", async () => {
    await clearScans();
    const { a, b } = await callers();
    await scanToday(a);
    await scansOfMarch(a, b);
    const kept = await counterRows();
    for (const t of COUNTER_TABLES) expect(kept[t]?.length).toBeGreaterThan(2);
    await env.DB.batch(COUNTER_TABLES.map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
    await runBackfill();
    expect(await counterRows()).toEqual(kept);
  });

  it("back-fills rolled-up scans on the day they were rolled up under", async () => {
    const setup = await createProducerSetup();
    const { batch, codes } = await releasedLabels(1, setup);
    await clearScans();
    await env.DB.prepare(
      "INSERT INTO scan_daily_aggregates (day, label_code, region_code, verdict, scans) VALUES ('2025-01-05', ?, '330903', 'genuine', 4), ('2025-01-05', '', '330903', 'invalid', 2)",
    )
      .bind(codes[0])
      .run();
    await runBackfill();
    const none = { genuine: 0, warning: 0, suspicious: 0, counterfeit: 0, recalled: 0, invalid: 0 };
    const day = "2025-01-05";
    const org = setup.org.id;
    const areas = ["330000", "330900", "330903"];
    expect(await counterRows()).toEqual({
      scan_day_counters: [
        { ...none, day, organization_id: "", region_code: "330903", invalid: 2 },
        { ...none, day, organization_id: org, region_code: "330903", genuine: 4 },
      ],
      scan_area_counters: areas.flatMap((area_code) => [
        { ...none, area_code, day, organization_id: "", invalid: 2 },
        { ...none, area_code, day, organization_id: org, genuine: 4 },
      ]),
      scan_batch_counters: [{ ...none, day, batch_id: batch, organization_id: org, genuine: 4 }],
      scan_batch_area_counters: areas.map((area_code) => ({
        ...none,
        area_code,
        day,
        batch_id: batch,
        organization_id: org,
        genuine: 4,
      })),
    });
  });
});

/** Alert counter rows with anything counted, in key order. */
const alertCounterRows = async () =>
  (
    await env.DB.prepare(
      "SELECT * FROM alert_counters WHERE last_seen + open_last_seen + first_seen + open_first_seen != 0 ORDER BY 1, 2, 3, 4, 5",
    ).all()
  ).results;

/** The alert counters' mismatches (the scans of this file were partly rolled up by retention). */
const alertMismatches = async () =>
  (await counterMismatches()).filter((m) => m.table === "alert_counters");

describe("GET /v1/stats/overview's alerts by rule from counters", () => {
  it("give the alerts seen in each period after opens, hits on other days and status changes", async () => {
    const { a, b, list } = await callers();
    const admin = list[0]?.token as string;
    const alert = (
      at: string,
      rule: string,
      subject: string,
      o: "a" | "b" | null,
      scan: string | null,
    ) =>
      upsertAlertAt({
        at,
        rule,
        subject,
        organizationId: o === null ? null : (o === "a" ? a : b).org.id,
        regionCode: o === null ? null : o === "a" ? "330903" : "110105",
        scanRegionCode: scan,
      });
    // Opened late on 1 March (Beijing), seen again after midnight, then a hit queued from
    // 28 February arrives (its first sight moves back), then one more on 2 March.
    const copied = await alert("2026-03-01T15:30:00.000Z", "many_clients", "ACNT1", "a", "330100");
    await alert("2026-03-01T16:30:00.000Z", "many_clients", "ACNT1", "a", "330100");
    await alert("2026-02-28T10:00:00.000Z", "many_clients", "ACNT1", "a", "330100");
    await alert("2026-03-02T03:00:00.000Z", "many_clients", "ACNT1", "a", "330100");
    const voided = await alert("2026-03-03T01:00:00.000Z", "voided_label", "ACNT2", "b", "330902");
    // Producer region and scan region both in Zhoushan: once for its regulators, not twice.
    const spread = await alert("2026-03-02T10:00:00.000Z", "wide_spread", "ACNT3", "a", "330902");
    await alert("2026-03-02T05:00:00.000Z", "forged_code", "ACNT4", null, "330903");
    await alert("2026-03-05T05:00:00.000Z", "voided_label", "ACNT5", "b", null);
    const periods: [string, string][] = [
      ["2026-02-28", "2026-02-28"],
      ["2026-03-01", "2026-03-01"],
      ["2026-03-02", "2026-03-02"],
      ["2026-03-02", "2026-03-03"],
      ["2026-03-01", "2026-03-31"],
      ["2026-02-01", "2026-03-04"],
    ];
    expect(await alertMismatches()).toEqual([]);
    await expectOverviewsMatchRows(list, periods);

    const move = async (id: string, ...steps: string[]) => {
      for (const to of steps) {
        const res = await call(`/v1/alerts/${id}/transition`, {
          token: admin,
          body: { to, note: `to ${to}` },
        });
        expect(res.status, `${id} → ${to}`).toBe(200);
      }
    };
    await move(copied, "acknowledged");
    expect(await alertMismatches()).toEqual([]);
    await move(copied, "dismissed");
    await move(voided, "investigating", "confirmed");
    await move(spread, "dismissed");
    expect(await alertMismatches()).toEqual([]);
    await expectOverviewsMatchRows(list, periods);

    // A dismissed alert absorbs nothing: the next hit opens another.
    const again = await alert("2026-03-04T02:00:00.000Z", "many_clients", "ACNT1", "a", "330100");
    expect(again).not.toBe(copied);
    expect(await alertMismatches()).toEqual([]);
    await expectOverviewsMatchRows(list, periods);
  }, 60_000);

  it("are back-filled by their migration as writing keeps them", async () => {
    const kept = await alertCounterRows();
    expect(kept.length).toBeGreaterThan(20);
    await env.DB.prepare("DROP TABLE alert_counters").run();
    for (const statement of alertCountersSql.split("--> statement-breakpoint")) {
      if (statement.trim()) await env.DB.prepare(statement).run();
    }
    expect(await alertCounterRows()).toEqual(kept);
  });
});

describe("the overview's counter queries", () => {
  const readers: [string, AuthUser][] = [
    ["admin", { role: "admin" } as AuthUser],
    ["producer", { role: "producer", organizationId: "org_plan" } as AuthUser],
    ["regulator", { role: "regulator", regionCodes: ["330900", "440000"] } as AuthUser],
  ];
  for (const [name, reader] of readers) {
    it(`${name}: reads the counters of the period through an index, never every counter`, async () => {
      const { byDay, topBatches } = scanCountQueries(
        getDb(env.DB),
        reader,
        "2026-03-01",
        "2026-03-30",
      );
      for (const query of [...byDay, ...topBatches]) {
        const plan = await queryPlan(query);
        expect(plan).toMatch(/SEARCH scan_\w*counters USING (COVERING )?INDEX/);
        expect(plan).not.toMatch(/SCAN scan_\w*counters/);
        // A regulator's regions are seeks on their scope codes, each within the period.
        if (plan.includes("area_counters")) {
          expect(plan).toMatch(/\(area_code=\? AND day>\? AND day<\?\)/);
        }
        // The producers of a regulator's regions come from an index range, not a LIKE per row.
        if (name === "regulator") {
          expect(plan).toMatch(
            /SEARCH organizations USING (COVERING )?INDEX organizations_region_idx \(region_code>\? AND region_code<\?\)/,
          );
        }
      }
    });

    it(`${name}: reads the alert counters of its scope from the period on by their key`, async () => {
      const plan = await queryPlan(
        alertsByRuleQuery(getDb(env.DB), reader, "2026-03-01", "2026-03-30"),
      );
      expect(plan).toMatch(
        /SEARCH alert_counters USING (COVERING )?INDEX sqlite_autoindex_alert_counters_1/,
      );
      expect(plan).not.toMatch(/SCAN alert_counters/);
      for (const seek of plan.split("\n").filter((line) => line.includes("alert_counters"))) {
        expect(seek).toMatch(/scan_area=\? AND day>\?\)/);
      }
    });
  }
});
