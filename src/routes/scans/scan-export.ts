// GET /v1/scans?format=csv|geojson: every scan the list would page through, as one stream.
// Everything that can fail as a request (validation, scope) is settled before the first byte;
// the stream itself only reads.
import type { Context } from "hono";
import type { ScanKey, ScanReader } from "../../db/queries/scan-list";
import { chinaDate } from "../../lib/beijing-time";
import { attachmentDisposition } from "../../lib/exports/attachment";
import { csvLines, UTF8_BOM } from "../../lib/exports/csv";
import { keysetStream } from "../../lib/exports/keyset-stream";
import { SCAN_CSV_COLUMNS, scanCsvRow, scanFeature } from "../../lib/exports/scan-columns";
import { requestLanguage } from "../../lib/i18n/request-language";
import type { AppEnv } from "../../types";

export function exportScans(
  c: Context<AppEnv>,
  reader: ScanReader,
  format: "csv" | "geojson",
): Response {
  const lang = requestLanguage(c.req.header("Accept-Language"));
  const day = chinaDate();
  const located = format === "geojson";
  const chunks = {
    readChunk: (after: ScanKey | undefined, size: number) =>
      reader.exportChunk(after, size, located),
    keyOf: (row: { scan: { scannedAt: string; id: string } }) => ({
      at: row.scan.scannedAt,
      id: row.scan.id,
    }),
  };
  if (format === "geojson") {
    const body = keysetStream({
      ...chunks,
      head: '{"type":"FeatureCollection","features":[',
      render: (rows, first) =>
        (first ? "" : ",") + rows.map((row) => JSON.stringify(scanFeature(row, lang))).join(","),
      tail: "]}",
    });
    return c.body(body, 200, {
      "Content-Type": "application/geo+json",
      "Content-Disposition": attachmentDisposition(
        `扫码记录-${day}.geojson`,
        `scans-${day}.geojson`,
      ),
    });
  }
  const body = keysetStream({
    ...chunks,
    head: UTF8_BOM + csvLines([SCAN_CSV_COLUMNS]),
    render: (rows) => csvLines(rows.map((row) => scanCsvRow(row, lang))),
  });
  return c.body(body, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": attachmentDisposition(`扫码记录-${day}.csv`, `scans-${day}.csv`),
  });
}
