// What a scan export says about each scan: the stored fields, and beside the identifiers the
// words a regulator reads (product, producer, region names, verdict and rules, Beijing time).

import { formatBeijingTime } from "../beijing-time";
import type { Language } from "../i18n/domain-words";
import { wordFor } from "../i18n/domain-words";
import { regionName } from "../regions";
import type { CsvValue } from "./csv";

export type ScanForExport = {
  scan: {
    id: string;
    scannedAt: string;
    labelCode: string | null;
    batchId: string | null;
    rawInput: string | null;
    verdict: string;
    reasons: string[];
    regionCode: string | null;
    lat: number | null;
    lng: number | null;
    locationSource: string;
    userAgentClass: string | null;
  };
  lotCode: string | null;
  producer: string | null;
  productZh: string | null;
  productEn: string | null;
};

export const SCAN_CSV_COLUMNS = [
  "id",
  "scanned_at",
  "scanned_at_beijing",
  "label_code",
  "raw_input",
  "product",
  "producer",
  "batch_id",
  "lot_code",
  "verdict",
  "verdict_text",
  "reasons",
  "reasons_text",
  "region_code",
  "region_name",
  "lat",
  "lng",
  "location_source",
  "user_agent_class",
] as const;

function readable({ scan, productZh, productEn }: ScanForExport, lang: Language) {
  return {
    product: (lang === "en" ? productEn || productZh : productZh) ?? null,
    verdictText: wordFor("verdict", scan.verdict, lang),
    reasonsText: scan.reasons.map((reason) => wordFor("rule", reason, lang)).join("; "),
    regionName: regionName(scan.regionCode),
    beijing: formatBeijingTime(scan.scannedAt),
  };
}

export function scanCsvRow(row: ScanForExport, lang: Language): CsvValue[] {
  const { scan } = row;
  const words = readable(row, lang);
  return [
    scan.id,
    scan.scannedAt,
    words.beijing,
    scan.labelCode,
    scan.rawInput,
    words.product,
    row.producer,
    scan.batchId,
    row.lotCode,
    scan.verdict,
    words.verdictText,
    scan.reasons.join(" "),
    words.reasonsText,
    scan.regionCode,
    words.regionName,
    scan.lat,
    scan.lng,
    wordFor("locationSource", scan.locationSource, lang),
    scan.userAgentClass,
  ];
}

/** A located scan as an RFC 7946 Feature (the caller keeps scans without a point out). */
export function scanFeature(row: ScanForExport, lang: Language) {
  const { scan } = row;
  const words = readable(row, lang);
  return {
    type: "Feature" as const,
    id: scan.id,
    geometry: { type: "Point" as const, coordinates: [scan.lng ?? 0, scan.lat ?? 0] },
    properties: {
      id: scan.id,
      scanned_at: scan.scannedAt,
      scanned_at_beijing: words.beijing,
      label_code: scan.labelCode,
      raw_input: scan.rawInput,
      product: words.product,
      producer: row.producer,
      batch_id: scan.batchId,
      lot_code: row.lotCode,
      verdict: scan.verdict,
      verdict_text: words.verdictText,
      reasons: scan.reasons,
      reasons_text: words.reasonsText,
      region_code: scan.regionCode,
      region_name: words.regionName,
      location_source: scan.locationSource,
      user_agent_class: scan.userAgentClass,
    },
  };
}
