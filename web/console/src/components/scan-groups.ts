// Scans grouped by the prefecture they were made in (the first four digits of the county code),
// placed at the mean of their coordinates: what the map of China shows.
export type ScanPoint = { lng: number; lat: number; verdict: string; region_code: string | null };
export type PrefectureGroup = {
  code: string;
  lng: number;
  lat: number;
  scans: number;
  suspicious: number;
};

const FLAGGED = new Set(["warning", "suspicious", "counterfeit", "invalid"]);

export function groupByPrefecture(points: readonly ScanPoint[]): PrefectureGroup[] {
  const groups = new Map<string, PrefectureGroup>();
  for (const p of points) {
    const code = p.region_code ? `${p.region_code.slice(0, 4)}00` : "";
    const g = groups.get(code) ?? { code, lng: 0, lat: 0, scans: 0, suspicious: 0 };
    g.lng += p.lng;
    g.lat += p.lat;
    g.scans += 1;
    if (FLAGGED.has(p.verdict)) g.suspicious += 1;
    groups.set(code, g);
  }
  return [...groups.values()].map((g) => ({ ...g, lng: g.lng / g.scans, lat: g.lat / g.scans }));
}
