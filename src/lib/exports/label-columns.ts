// What a label export says about each label: code and URL first (what a label printer's
// software reads), then its position in the batch's label order and its state in words.

import { formatBeijingTime } from "../beijing-time";
import type { Language } from "../i18n/domain-words";
import { wordFor } from "../i18n/domain-words";
import { regionName } from "../regions";
import type { CsvValue } from "./csv";

export type LabelForExport = {
  code: string;
  status: string;
  scanCount: number;
  firstScanAt: string | null;
  firstScanRegion: string | null;
};

export const LABEL_CSV_COLUMNS = [
  "code",
  "url",
  "position",
  "product",
  "lot_code",
  "status",
  "status_text",
  "scan_count",
  "first_scan_at",
  "first_scan_at_beijing",
  "first_scan_region",
  "first_scan_region_name",
] as const;

export type LabelExportContext = {
  product: string | null;
  lotCode: string;
  lang: Language;
  urlOf: (code: string) => string;
};

export function labelCsvRow(
  label: LabelForExport,
  position: number,
  context: LabelExportContext,
): CsvValue[] {
  return [
    label.code,
    context.urlOf(label.code),
    position,
    context.product,
    context.lotCode,
    label.status,
    wordFor("labelStatus", label.status, context.lang),
    label.scanCount,
    label.firstScanAt,
    label.firstScanAt ? formatBeijingTime(label.firstScanAt) : null,
    label.firstScanRegion,
    regionName(label.firstScanRegion),
  ];
}
