import type { components } from "../../../api/schema";
import type { ScanPoint } from "../components/scan-groups";
import { api, must } from "./client";

type ScanPage = { items: components["schemas"]["Scan"][]; next_cursor: string | null };

/**
 * The located scans since `since` as map points, from the JSON pages of up to `max` scans
 * (the GeoJSON export would stream every scan of the period).
 */
export async function scanPoints(
  query: { since?: string; label_code?: string; batch_id?: string },
  max = 2000,
): Promise<{ points: ScanPoint[]; truncated: boolean }> {
  const points: ScanPoint[] = [];
  let read = 0;
  let cursor: string | undefined;
  do {
    // The 200 answer is typed as any of its formats; without `format` it is the JSON page.
    const page = (await must(
      api.GET("/v1/scans", { params: { query: { ...query, limit: 200, cursor } } }),
    )) as ScanPage;
    for (const scan of page.items) {
      if (scan.lat === null || scan.lng === null) continue;
      points.push({
        lng: scan.lng,
        lat: scan.lat,
        verdict: scan.verdict,
        region_code: scan.region_code,
      });
    }
    read += page.items.length;
    cursor = page.next_cursor ?? undefined;
  } while (cursor && read < max);
  return { points, truncated: Boolean(cursor) };
}
