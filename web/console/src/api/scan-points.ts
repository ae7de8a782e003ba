import type { ScanPoint } from "../components/scan-groups";
import { api, must } from "./client";

type Feature = {
  geometry: { coordinates: [number, number] };
  properties: { verdict: string; region_code: string | null };
};

/** The located scans since `since` as map points, following next_cursor up to `max` scans. */
export async function scanPoints(
  query: { since?: string; label_code?: string; batch_id?: string },
  max = 2000,
): Promise<{ points: ScanPoint[]; truncated: boolean }> {
  const points: ScanPoint[] = [];
  let cursor: string | undefined;
  do {
    const page = (await must(
      api.GET("/v1/scans", {
        params: { query: { ...query, format: "geojson", limit: 200, cursor } },
      }),
    )) as unknown as { features: Feature[]; next_cursor: string | null };
    for (const f of page.features) {
      const [lng, lat] = f.geometry.coordinates;
      points.push({
        lng,
        lat,
        verdict: f.properties.verdict,
        region_code: f.properties.region_code,
      });
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor && points.length < max);
  return { points, truncated: Boolean(cursor) };
}
