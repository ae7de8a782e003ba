// A regulator's alert queue is built from one index walk per scope and region column: paging
// through it gives exactly its regions' alerts (by producer region or scan region), each once,
// newest seen first, as computed from the rows.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { regionsCover } from "../../../src/lib/regions";
import { callJson } from "../../helpers/http";
import { insertAlert, regulatorOf } from "../../helpers/scans";

type Page = { items: { id: string }[]; next_cursor: string | null };

const REGIONS = [null, "330903", "330902", "330100", "440100", "440305", "110105", "330000"];

describe("GET /v1/alerts for a regulator", () => {
  it("pages through its regions' alerts, each once, newest seen first", async () => {
    for (let i = 0; i < 40; i++) {
      const region = REGIONS[i % REGIONS.length] ?? null;
      const scanRegion = REGIONS[(i * 3 + 1) % REGIONS.length] ?? null;
      const id = await insertAlert({
        regionCode: region,
        scanRegionCode: scanRegion,
        status: i % 3 ? "new" : "dismissed",
      });
      // Ties on last_seen_at: the id orders them.
      const at = new Date(Date.UTC(2026, 10, 1 + Math.floor(i / 3))).toISOString();
      await env.DB.prepare("UPDATE alerts SET last_seen_at = ? WHERE id = ?").bind(at, id).run();
    }
    const rows = (
      await env.DB.prepare(
        "SELECT id, region_code, scan_region_code, last_seen_at FROM alerts",
      ).all<{
        id: string;
        region_code: string | null;
        scan_region_code: string | null;
        last_seen_at: string;
      }>()
    ).results.map((r) => ({
      id: r.id,
      region: r.region_code,
      scanRegion: r.scan_region_code,
      at: r.last_seen_at,
    }));
    for (const scopes of [
      ["330900", "440000"],
      ["330903"],
      ["330000"],
      ["330900", "330903"],
      ["110000", "440305"],
    ]) {
      const { token } = await regulatorOf(...scopes);
      const expected = rows
        .filter((r) => regionsCover(scopes, r.region) || regionsCover(scopes, r.scanRegion))
        .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
        .map((r) => r.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=4${cursor ? `&cursor=${cursor}` : ""}`;
        const { status, body } = await callJson<Page>(`/v1/alerts?${query}`, { token });
        expect(status).toBe(200);
        seen.push(...body.items.map((a) => a.id));
        cursor = body.next_cursor;
      } while (cursor);
      expect(seen, scopes.join(",")).toEqual(expected);
      expect(expected.length).toBeGreaterThan(3);
    }
  });
});
