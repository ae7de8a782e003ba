import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { rollUpOldScans } from "../../src/scheduled/retention";
import type { Bindings } from "../../src/types";
import { createBatch, createProducerSetup, issue } from "../helpers/fixtures";

const DAY = 86_400_000;

async function insertScan(values: {
  label: string | null;
  at: string;
  region?: string | null;
  verdict?: string;
}) {
  await env.DB.prepare(
    `INSERT INTO scans (id, label_code, client_key, verdict, region_code, scanned_at, raw_input)
     VALUES (?, ?, 'ck_test', ?, ?, ?, ?)`,
  )
    .bind(
      `scn_${crypto.randomUUID()}`,
      values.label,
      values.verdict ?? "genuine",
      values.region === undefined ? "330903" : values.region,
      values.at,
      values.label ? null : "FORGED",
    )
    .run();
}

async function aggregates(label: string) {
  const { results } = await env.DB.prepare(
    "SELECT day, region_code, verdict, scans FROM scan_daily_aggregates WHERE label_code = ? ORDER BY day, region_code, verdict",
  )
    .bind(label)
    .all();
  return results;
}

async function scansOf(label: string) {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM scans WHERE label_code = ?")
    .bind(label)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("scan retention (scheduled handler)", () => {
  it("rolls scans older than the retention into daily aggregates and deletes them, keeping new ones", async () => {
    const setup = await createProducerSetup();
    const label = (await issue(setup, await createBatch(setup, {}, true), 1))[0] as {
      code: string;
    };
    const now = Date.now();
    const old = new Date(now - 500 * DAY).toISOString().slice(0, 10);
    const older = new Date(now - 600 * DAY).toISOString().slice(0, 10);
    await insertScan({ label: label.code, at: `${old}T01:00:00.000Z` });
    await insertScan({ label: label.code, at: `${old}T23:59:59.999Z` });
    await insertScan({ label: label.code, at: `${old}T08:00:00.000Z`, region: null });
    await insertScan({ label: label.code, at: `${old}T09:00:00.000Z`, verdict: "suspicious" });
    await insertScan({ label: label.code, at: `${older}T12:00:00.000Z` });
    const recent = new Date(now - 10 * DAY).toISOString();
    await insertScan({ label: label.code, at: recent });
    // A pre-existing aggregate row of the same key is added to, not replaced.
    await env.DB.prepare(
      "INSERT INTO scan_daily_aggregates (day, label_code, region_code, verdict, scans) VALUES (?, ?, '330903', 'genuine', 3)",
    )
      .bind(older, label.code)
      .run();

    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: now, cron: "17 3 * * *" }),
      env as unknown as Bindings,
      ctx,
    );

    expect(await scansOf(label.code)).toBe(1);
    expect(await aggregates(label.code)).toEqual([
      { day: older, region_code: "330903", verdict: "genuine", scans: 4 },
      { day: old, region_code: "", verdict: "genuine", scans: 1 },
      { day: old, region_code: "330903", verdict: "genuine", scans: 2 },
      { day: old, region_code: "330903", verdict: "suspicious", scans: 1 },
    ]);
    // Running again changes nothing (idempotent).
    await worker.scheduled(createScheduledController(), env as unknown as Bindings, ctx);
    expect(await scansOf(label.code)).toBe(1);
    expect((await aggregates(label.code)).length).toBe(4);
  });

  it("keeps invalid scans without a label code as label_code ''", async () => {
    const day = new Date(Date.now() - 450 * DAY).toISOString().slice(0, 10);
    const region = "331122";
    await insertScan({ label: null, at: `${day}T05:00:00.000Z`, region, verdict: "invalid" });
    await insertScan({ label: null, at: `${day}T06:00:00.000Z`, region, verdict: "invalid" });
    await rollUpOldScans(env as unknown as Bindings);
    const row = await env.DB.prepare(
      "SELECT scans FROM scan_daily_aggregates WHERE day = ? AND label_code = '' AND region_code = ? AND verdict = 'invalid'",
    )
      .bind(day, region)
      .first<{ scans: number }>();
    expect(row?.scans).toBe(2);
  });

  it("honours SCAN_RETENTION_DAYS and works in bounded chunks, resuming on the next run", async () => {
    const setup = await createProducerSetup();
    const label = (await issue(setup, await createBatch(setup, {}, true), 1))[0] as {
      code: string;
    };
    const day = new Date(Date.now() - 40 * DAY).toISOString().slice(0, 10);
    for (let i = 0; i < 7; i++) {
      await insertScan({ label: label.code, at: `${day}T10:00:0${i}.000Z` });
    }
    // Same timestamp twice: the (scanned_at, id) boundary must still split exactly.
    await insertScan({ label: label.code, at: `${day}T10:00:03.000Z` });
    const bindings = { ...(env as unknown as Bindings), SCAN_RETENTION_DAYS: "30" };

    const first = await rollUpOldScans(bindings, { chunk: 3, maxChunks: 2 });
    expect(first).toMatchObject({ rolledUp: 6, chunks: 2, done: false });
    expect(await scansOf(label.code)).toBe(2);
    const second = await rollUpOldScans(bindings, { chunk: 3, maxChunks: 2 });
    expect(second.done).toBe(true);
    expect(await scansOf(label.code)).toBe(0);
    expect(await aggregates(label.code)).toEqual([
      { day, region_code: "330903", verdict: "genuine", scans: 8 },
    ]);
    // With the default (400 days) these 40-day-old scans would have stayed.
  });

  it("ignores a retention that is not a positive integer (default 400 days)", async () => {
    const setup = await createProducerSetup();
    const label = (await issue(setup, await createBatch(setup, {}, true), 1))[0] as {
      code: string;
    };
    await insertScan({ label: label.code, at: new Date(Date.now() - 399 * DAY).toISOString() });
    await rollUpOldScans({ ...(env as unknown as Bindings), SCAN_RETENTION_DAYS: "-5" });
    expect(await scansOf(label.code)).toBe(1);
  });
});
