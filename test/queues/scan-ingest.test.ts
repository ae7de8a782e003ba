import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ingestScanJobs, type ScanJob, scanOfJob } from "../../src/db/queries/scan-ingest";
import type { Bindings } from "../../src/types";
import { counterMismatches } from "../helpers/counted-scans";
import { expectProblem } from "../helpers/http";
import {
  deliver,
  dyingD1,
  heldQueue,
  nextIp,
  post,
  roundTrips,
  scan,
} from "../helpers/queued-scans";
import { places, releasedLabels, type ScanAnswer } from "../helpers/scans";

const one = async <T>(sql: string, ...params: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...params)
    .first()) as T;

async function labelCounts(codes: string[]) {
  const rows = await env.DB.prepare(
    `SELECT l.code, l.scan_count, (SELECT count(*) FROM scans s WHERE s.label_code = l.code) AS stored
       FROM labels l WHERE l.code IN (SELECT value FROM json_each(?)) ORDER BY l.code`,
  )
    .bind(JSON.stringify(codes))
    .all<{ code: string; scan_count: number; stored: number }>();
  return rows.results;
}

describe("queue ingest (SCAN_INGEST=queue)", () => {
  it("answers a genuine scan after one D1 round trip, and the consumer stores it once", async () => {
    const lot = await releasedLabels(2);
    const queued = heldQueue();
    const [code] = lot.codes as [string];
    const first = await scan(queued.env, { code, ...places.zhoushan });
    expect(first.answer).toMatchObject({ verdict: "genuine", scan_count: 1 });
    const scanId = first.answer.scan_id as string;
    expect(await one("SELECT id FROM scans WHERE id = ?", scanId)).toBeNull();
    expect(queued.held).toHaveLength(1);

    const result = await deliver(queued.held);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(await one("SELECT verdict, label_code FROM scans WHERE id = ?", scanId)).toEqual({
      verdict: "genuine",
      label_code: code,
    });
    const second = await scan(queued.env, { code });
    expect(second.answer.scan_count).toBe(2);
    // The first scan of an isolate also loads the risk settings (kept for 30 s).
    expect(roundTrips(second.serverTiming)).toBe(1);
    expect(second.answer.first_scan?.at).toBe(first.answer.scanned_at);
    expect(await one("SELECT labels_scanned FROM batches WHERE id = ?", lot.batch)).toEqual({
      labels_scanned: 1,
    });
    expect(await counterMismatches()).toEqual([]);
  });

  it("answers a forged code with no D1 round trip; the consumer raises the probe alert as direct mode does", async () => {
    const queued = heldQueue();
    const direct = nextIp();
    const viaQueue = nextIp();
    for (let i = 0; i < 25; i++) {
      await scan(env as Bindings, { code: `GI-FORGED-D${i}` }, direct);
      const { answer, serverTiming } = await scan(
        queued.env,
        { code: `GI-FORGED-Q${i}` },
        viaQueue,
      );
      expect(answer).toMatchObject({ verdict: "invalid", reasons: ["forged_code"] });
      expect(roundTrips(serverTiming)).toBe(0);
    }
    // In two batches, the second counting the first's stored scans.
    expect((await deliver(queued.held.slice(0, 12))).explicitAcks).toHaveLength(12);
    expect((await deliver(queued.held.slice(12))).explicitAcks).toHaveLength(13);

    const alertOf = (address: string) =>
      env.DB.prepare(
        `SELECT a.count, a.details, a.first_seen_at <= a.last_seen_at AS ordered FROM alerts a
           WHERE a.rule = 'forged_code' AND a.subject_type = 'client'
             AND a.subject_id = (SELECT source_key FROM scans WHERE raw_input = ? LIMIT 1)`,
      )
        .bind(address === direct ? "GI-FORGED-D0" : "GI-FORGED-Q0")
        .all();
    const [byDirect, byQueue] = [
      (await alertOf(direct)).results,
      (await alertOf(viaQueue)).results,
    ];
    expect(byDirect).toHaveLength(1);
    expect(byQueue).toEqual(byDirect);
    expect(byQueue[0]).toMatchObject({ count: 6, ordered: 1 });
    expect(JSON.parse(byQueue[0]?.details as string)).toMatchObject({ invalid_scans: 25 });
    expect(await counterMismatches()).toEqual([]);
  });

  it("writes a batch delivered twice once", async () => {
    const lot = await releasedLabels(3);
    const queued = heldQueue();
    for (const code of [...lot.codes, ...lot.codes]) await scan(queued.env, { code });
    expect((await deliver(queued.held)).explicitAcks).toHaveLength(6);
    const again = await deliver(queued.held, {}, 2);
    expect(again.explicitAcks).toHaveLength(6);
    expect(again.retryMessages).toEqual([]);
    expect((await labelCounts(lot.codes)).map((l) => [l.scan_count, l.stored])).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(await one("SELECT labels_scanned FROM batches WHERE id = ?", lot.batch)).toEqual({
      labels_scanned: 3,
    });
    expect(await counterMismatches()).toEqual([]);
  });

  // 65 labels scanned twice are 130 jobs of 4 or more statements, more than one transaction
  // holds; 20 labels scanned once fit in one.
  it.each([
    { when: "between two transactions of a batch", labels: 65, scans: 2, commits: 1, last: false },
    { when: "after its last write, before the ack", labels: 20, scans: 1, commits: 1, last: true },
    { when: "before any write", labels: 65, scans: 2, commits: 0, last: false },
  ])(
    "loses nothing and counts nothing twice when the consumer is killed $when",
    async ({ labels, scans, commits, last }) => {
      const lot = await releasedLabels(labels);
      const queued = heldQueue();
      const codes = Array.from({ length: scans }, () => lot.codes).flat();
      for (const code of codes) await scan(queued.env, { code });
      const killed = await deliver(queued.held, { DB: dyingD1(commits, last) });
      expect(killed.explicitAcks).toEqual([]);
      expect(killed.retryMessages).toHaveLength(codes.length);
      const { n: landed } = await one<{ n: number }>(
        "SELECT count(*) AS n FROM scans WHERE batch_id = ?",
        lot.batch,
      );
      if (last) expect(landed).toBe(codes.length);
      else if (commits === 0) expect(landed).toBe(0);
      else expect(landed > 0 && landed < codes.length, `${landed} landed`).toBe(true);

      const redelivered = await deliver(queued.held, {}, 2);
      expect(redelivered.explicitAcks).toHaveLength(codes.length);
      const counts = await labelCounts(lot.codes);
      expect(counts.every((l) => l.scan_count === scans && l.stored === scans)).toBe(true);
      expect(await one("SELECT labels_scanned FROM batches WHERE id = ?", lot.batch)).toEqual({
        labels_scanned: labels,
      });
      expect(await counterMismatches()).toEqual([]);
    },
  );

  it("skips a scan that a racing delivery stored between its read and its write", async () => {
    const lot = await releasedLabels(2);
    const queued = heldQueue();
    for (const code of lot.codes) await scan(queued.env, { code });
    let raced = false;
    const racing = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            const results = await target.batch(statements);
            if (!raced) {
              raced = true;
              await ingestScanJobs(env.DB, [queued.held[0] as ScanJob]);
            }
            return results;
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    expect((await deliver(queued.held, { DB: racing })).explicitAcks).toHaveLength(2);
    expect((await labelCounts(lot.codes)).map((l) => [l.scan_count, l.stored])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(await counterMismatches()).toEqual([]);
  });

  it("leaves a label's first and last scan by time when scans are written out of order", async () => {
    const lot = await releasedLabels(1);
    const queued = heldQueue();
    const code = lot.codes[0] as string;
    await scan(queued.env, { code, ...places.zhoushan, accuracy_m: 20 });
    await scan(queued.env, { code, ...places.hangzhou, accuracy_m: 20 });
    const [earlier, later] = queued.held as [ScanJob, ScanJob];
    await deliver([later]);
    await deliver([earlier]);
    const label = await one<Record<string, unknown>>(
      "SELECT scan_count, first_scan_at, first_scan_region, last_scan_at, last_scan_lat FROM labels WHERE code = ?",
      code,
    );
    expect(label).toEqual({
      scan_count: 2,
      first_scan_at: scanOfJob(earlier).at,
      first_scan_region: scanOfJob(earlier).regionCode,
      last_scan_at: scanOfJob(later).at,
      last_scan_lat: scanOfJob(later).lat,
    });
  });

  it("retries only the message that cannot be written, and drops one of unknown shape", async () => {
    const lot = await releasedLabels(2);
    const queued = heldQueue();
    for (const code of lot.codes) await scan(queued.env, { code });
    const [good, other] = queued.held as [Extract<ScanJob, { kind: "label" }>, ScanJob];
    const poison: ScanJob = {
      kind: "label",
      write: {
        ...good.write,
        // scans.client_key is NOT NULL: SQLite refuses this one message.
        scan: { ...good.write.scan, id: "scn_poison", clientKey: null as unknown as string },
      },
    };
    const result = await deliver([good, poison, other, { hello: "world" } as unknown as ScanJob]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m2", "m3"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    expect(await one("SELECT id FROM scans WHERE id = 'scn_poison'")).toBeNull();
    expect((await labelCounts(lot.codes)).map((l) => l.scan_count)).toEqual([1, 1]);
  });

  it("asks the client to send a location again while its scan is queued", async () => {
    const lot = await releasedLabels(1);
    const queued = heldQueue();
    const { answer } = await scan(queued.env, { code: lot.codes[0] });
    const location = {
      ...places.zhoushan,
      accuracy_m: 30,
      token: answer.location_token,
    };
    const path = `/v1/scans/${answer.scan_id}/location`;
    const early = await post(queued.env, path, location);
    await expectProblem(early, 409, "scan_pending");
    expect(early.headers.get("Retry-After")).toBe("1");
    await deliver(queued.held);
    const later = await post(queued.env, path, location);
    expect(later.status).toBe(200);
    expect(((await later.json()) as ScanAnswer).verdict).toBe("genuine");
    expect(await counterMismatches()).toEqual([]);
  });

  it("is wired to the gi-trace-scans consumer of wrangler.toml", async () => {
    const lot = await releasedLabels(1);
    const queued = heldQueue();
    const { answer } = await scan(queued.env, { code: lot.codes[0] });
    await env.SCAN_QUEUE?.send(queued.held[0] as ScanJob);
    let stored: unknown = null;
    for (let i = 0; i < 100 && !stored; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await one("SELECT id FROM scans WHERE id = ?", answer.scan_id);
    }
    expect(stored).toEqual({ id: answer.scan_id });
  });
});
