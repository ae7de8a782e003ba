// Scans spread over two databases (SCAN_DATABASES=330000=SCANS_DB_33): scans of Zhejiang's
// producers in the province's database, everything else in the registry. Counters, labels and
// alerts stay in the registry and are checked against a recount over the union of the rows.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { rollUpOldScans } from "../../src/scheduled/retention";
import { pruneScanLedger, SCAN_LEDGER_DAYS } from "../../src/scheduled/scan-database-retention";
import type { Bindings } from "../../src/types";
import { counterMismatches } from "../helpers/counted-scans";
import { emptyDatabases } from "../helpers/empty-databases";
import { createProducerSetup, createUser } from "../helpers/fixtures";
import {
  deliver,
  dyingD1,
  getWith,
  heldQueue,
  post,
  roundTrips,
  scan,
} from "../helpers/queued-scans";
import { places, regulatorOf, releasedLabels } from "../helpers/scans";

const SPLIT = { SCAN_DATABASES: "330000=SCANS_DB_33" } as Partial<Bindings>;

type Row = Record<string, unknown>;

const all = async (d1: D1Database, sql: string, ...params: unknown[]) =>
  (
    await d1
      .prepare(sql)
      .bind(...params)
      .all<Row>()
  ).results;

const idsIn = async (d1: D1Database) =>
  (await all(d1, "SELECT id FROM scans ORDER BY id")).map((r) => r.id as string);

/** Every stored scan, newest first, from both databases. */
async function unionOfScans() {
  const rows = [
    ...(await all(env.DB, "SELECT id, scanned_at, organization_id, region_code FROM scans")),
    ...(await all(
      env.SCANS_DB_33,
      "SELECT id, scanned_at, organization_id, region_code FROM scans",
    )),
  ];
  return rows.sort((a, b) => (`${b.scanned_at}${b.id}` < `${a.scanned_at}${a.id}` ? -1 : 1)) as {
    id: string;
    scanned_at: string;
    organization_id: string | null;
    region_code: string | null;
  }[];
}

/**
 * The counter tables that differ from a recount over both databases' rows: the province's rows
 * are copied into the registry's table for the recount and removed after it.
 */
async function counterMismatchesOverBoth() {
  const copied = await idsIn(env.SCANS_DB_33);
  const rows = await all(env.SCANS_DB_33, "SELECT * FROM scans");
  for (const row of rows) {
    const columns = Object.keys(row);
    await env.DB.prepare(
      `INSERT INTO scans (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
    )
      .bind(...columns.map((c) => row[c]))
      .run();
  }
  try {
    return await counterMismatches();
  } finally {
    await env.DB.prepare("DELETE FROM scans WHERE id IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(copied))
      .run();
  }
}

async function scanCounts(codes: string[]) {
  return (
    await all(
      env.DB,
      "SELECT scan_count FROM labels WHERE code IN (SELECT value FROM json_each(?)) ORDER BY code",
      JSON.stringify(codes),
    )
  ).map((r) => r.scan_count);
}

/** A Zhejiang producer's labels, a Shandong producer's, and the split queue. */
async function twoProvinces() {
  const zhejiang = await releasedLabels(3);
  const shandong = await releasedLabels(2, await createProducerSetup({ regionCode: "370202" }));
  return { zhejiang, shandong, queued: heldQueue(SPLIT) };
}

describe("scan databases per province (SCAN_DATABASES)", () => {
  beforeEach(emptyDatabases);

  it("stores each scan in its producer's province database, and counts it in the registry", async () => {
    const { zhejiang, shandong, queued } = await twoProvinces();
    const answers = [];
    for (const code of [...zhejiang.codes, zhejiang.codes[0], ...shandong.codes]) {
      answers.push((await scan(queued.env, { code, ...places.zhoushan })).answer);
    }
    const forged = await scan(queued.env, { code: "GI-NOT-A-REAL-CODE-1" });
    // A genuine scan still costs one round trip, a forged one none: the router is the consumer's.
    const again = await scan(queued.env, { code: shandong.codes[0] });
    expect(roundTrips(again.serverTiming)).toBe(1);
    expect(roundTrips(forged.serverTiming)).toBe(0);
    expect((await deliver(queued.held, SPLIT)).explicitAcks).toHaveLength(queued.held.length);

    const zhejiangIds = answers.slice(0, 4).map((a) => a.scan_id as string);
    expect(await idsIn(env.SCANS_DB_33)).toEqual([...zhejiangIds].sort());
    const registry = await idsIn(env.DB);
    for (const id of zhejiangIds) expect(registry).not.toContain(id);
    const [invalid] = await all(env.DB, "SELECT id FROM scans WHERE verdict = 'invalid'");
    expect(registry).toEqual(
      [
        ...answers.slice(4).map((a) => a.scan_id as string),
        invalid?.id as string,
        again.answer.scan_id as string,
      ].sort(),
    );
    expect(
      await all(env.DB, "SELECT database, count(*) AS n FROM scan_ledger GROUP BY database"),
    ).toEqual([{ database: "SCANS_DB_33", n: 4 }]);
    expect(await scanCounts(zhejiang.codes)).toEqual(
      [...zhejiang.codes].sort().map((code) => (code === zhejiang.codes[0] ? 2 : 1)),
    );
    expect(await counterMismatchesOverBoth()).toEqual([]);
  });

  it("writes the rows a consumer killed after the registry's transaction left unwritten, and counts nothing twice", async () => {
    const { zhejiang, queued } = await twoProvinces();
    for (const code of zhejiang.codes) await scan(queued.env, { code });
    const killed = await deliver(queued.held, {
      ...SPLIT,
      SCANS_DB_33: dyingD1(0, false, env.SCANS_DB_33, 0),
    } as Partial<Bindings>);
    expect(killed.retryMessages).toHaveLength(3);
    expect(await idsIn(env.SCANS_DB_33)).toEqual([]);
    expect(await scanCounts(zhejiang.codes)).toEqual([1, 1, 1]);

    for (const attempt of [2, 3]) {
      const redelivered = await deliver(queued.held, SPLIT, attempt);
      expect(redelivered.explicitAcks).toHaveLength(3);
      expect(await idsIn(env.SCANS_DB_33)).toHaveLength(3);
      expect(await scanCounts(zhejiang.codes)).toEqual([1, 1, 1]);
    }
    expect(await counterMismatchesOverBoth()).toEqual([]);
  });

  it("lists, pages and exports the scans of both databases in one order, each caller its own", async () => {
    const { zhejiang, shandong, queued } = await twoProvinces();
    for (const [i, code] of [...zhejiang.codes, ...shandong.codes].entries()) {
      const place = i % 2 === 0 ? places.zhoushan : places.jinan;
      await scan(queued.env, { code, ...place });
      await scan(queued.env, { code, ...place });
    }
    await deliver(queued.held, SPLIT);
    const union = await unionOfScans();
    expect(union).toHaveLength(10);
    expect(await idsIn(env.SCANS_DB_33)).toHaveLength(6);

    const admin = await createUser("admin");
    const paged: string[] = [];
    let path: string | null = "/v1/scans?limit=3";
    while (path) {
      const res = await getWith(queued.env, path, admin.token);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { id: string }[]; next_cursor: string | null };
      paged.push(...page.items.map((item) => item.id));
      path = page.next_cursor ? `/v1/scans?limit=3&cursor=${page.next_cursor}` : null;
    }
    expect(paged).toEqual(union.map((r) => r.id));

    // Zhoushan's bureau: its producer's scans wherever made, anyone's scans made in Zhoushan.
    const bureau = await regulatorOf("330900");
    const seen = (await (
      await getWith(queued.env, "/v1/scans?limit=200", bureau.token)
    ).json()) as {
      items: { id: string }[];
    };
    const expected = union.filter(
      (r) => r.organization_id === zhejiang.setup.org.id || r.region_code?.startsWith("3309"),
    );
    expect(expected.length).toBeGreaterThan(6);
    expect(expected.length).toBeLessThan(10);
    expect(seen.items.map((item) => item.id)).toEqual(expected.map((r) => r.id));

    const csv = await getWith(queued.env, "/v1/scans?format=csv", admin.token);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(11);
    for (const [i, row] of union.entries()) expect(lines[i + 1]).toContain(row.id);
    const zhejiangLine = lines.find((line) => line.includes(zhejiang.codes[0] as string));
    expect(zhejiangLine).toContain(zhejiang.setup.org.name);
    expect(zhejiangLine).toContain(zhejiang.setup.product.nameZh);

    const geojson = (await (
      await getWith(queued.env, "/v1/scans?format=geojson", admin.token)
    ).json()) as { features: { properties: { id?: string; scan_id?: string } }[] };
    expect(geojson.features).toHaveLength(10);
  });

  it("shows a label's scans and an alert's scans from the province's database", async () => {
    const { zhejiang, queued } = await twoProvinces();
    const [code] = zhejiang.codes as [string];
    await scan(queued.env, { code, client_id: "split-client-1", ...places.zhoushan });
    await deliver(queued.held.splice(0), SPLIT);
    await scan(queued.env, { code, client_id: "split-client-2", ...places.guangzhou });
    await deliver(queued.held, SPLIT);
    expect(await idsIn(env.SCANS_DB_33)).toHaveLength(2);

    const producer = zhejiang.setup.producer;
    const label = (await (
      await getWith(queued.env, `/v1/labels/${code}`, producer.token)
    ).json()) as {
      scans: { id: string }[];
    };
    expect(label.scans).toHaveLength(2);

    const [alert] = await all(env.DB, "SELECT id FROM alerts WHERE label_code = ?", code);
    expect(alert).toBeDefined();
    const detail = (await (
      await getWith(queued.env, `/v1/alerts/${alert?.id}`, producer.token)
    ).json()) as { scans: { id: string }[] };
    expect(detail.scans.map((s) => s.id).sort()).toEqual(await idsIn(env.SCANS_DB_33));
  });

  it("adds a location to a scan in the province's database once, finishing a request that died half-way", async () => {
    const { zhejiang, queued } = await twoProvinces();
    const [code] = zhejiang.codes as [string];
    await scan(queued.env, { code, client_id: "located-client-1", ...places.zhoushan });
    const { answer } = await scan(queued.env, { code, client_id: "located-client-2" });
    await deliver(queued.held, SPLIT);
    const path = `/v1/scans/${answer.scan_id}/location`;
    const body = { ...places.guangzhou, token: answer.location_token };

    // The registry's part lands, the province's row is never written.
    const dying = { ...queued.env, SCANS_DB_33: dyingD1(0, false, env.SCANS_DB_33, 1) };
    const died = await post(dying, path, body);
    expect(died.status).toBe(500);
    const [ledger] = await all(
      env.DB,
      "SELECT location FROM scan_ledger WHERE scan_id = ?",
      answer.scan_id,
    );
    expect(JSON.parse(ledger?.location as string)).toMatchObject({ verdict: "counterfeit" });
    expect(
      await all(env.SCANS_DB_33, "SELECT location_source FROM scans WHERE id = ?", answer.scan_id),
    ).toEqual([{ location_source: "none" }]);

    // The next request finishes the row from the ledger and changes nothing else.
    const again = await post(queued.env, path, { ...places.jinan, token: answer.location_token });
    expect(again.status).toBe(409);
    expect(
      await all(
        env.SCANS_DB_33,
        "SELECT verdict, region_code FROM scans WHERE id = ?",
        answer.scan_id,
      ),
    ).toEqual([{ verdict: "counterfeit", region_code: "440100" }]);
    expect(await counterMismatchesOverBoth()).toEqual([]);
    const [labelRow] = await all(env.DB, "SELECT flagged_by_scan FROM labels WHERE code = ?", code);
    expect(labelRow?.flagged_by_scan).toBe(answer.scan_id);
  });

  it("rolls up a province's old scans into the registry's aggregates, resuming a run that died between the two", async () => {
    const { zhejiang, queued } = await twoProvinces();
    for (const code of zhejiang.codes) await scan(queued.env, { code });
    await deliver(queued.held, SPLIT);
    const now = new Date(Date.now() + 500 * 86_400_000);
    const bindings = { ...env, ...SPLIT } as Bindings;

    // Died after the registry counted the first chunk and before the province deleted it.
    const dyingDelete = new Proxy(env.SCANS_DB_33, {
      get(target, prop) {
        if (prop === "prepare") {
          return (query: string) => {
            if (query.startsWith("DELETE")) throw new Error("the cron's isolate was killed");
            return target.prepare(query);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await expect(
      rollUpOldScans({ ...bindings, SCANS_DB_33: dyingDelete } as Bindings, { now, chunk: 2 }),
    ).rejects.toThrow("killed");
    const counted = async () =>
      Number(
        (await all(env.DB, "SELECT coalesce(sum(scans), 0) AS n FROM scan_daily_aggregates"))[0]?.n,
      );
    expect(await counted()).toBe(2);
    expect(await idsIn(env.SCANS_DB_33)).toHaveLength(3);

    const result = await rollUpOldScans(bindings, { now, chunk: 2 });
    expect(result.done).toBe(true);
    expect(await idsIn(env.SCANS_DB_33)).toEqual([]);
    expect(await counted()).toBe(3);

    expect(await pruneScanLedger(env.DB, new Date())).toBe(0);
    expect(
      await pruneScanLedger(env.DB, new Date(Date.now() + (SCAN_LEDGER_DAYS + 1) * 86_400_000)),
    ).toBe(3);
  });
});
