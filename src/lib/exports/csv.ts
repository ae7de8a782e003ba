// The one CSV writer of the exports: RFC 4180 with CRLF line ends, fields quoted by papaparse
// where needed. Text a spreadsheet would run as a formula (=, +, -, @ first) is escaped, since a
// forged scan's raw input is written by whoever forged it and a regulator opens the file in Excel.
import Papa from "papaparse";

/** Excel reads a CSV as UTF-8 (not the local GBK code page) only when it starts with a BOM. */
export const UTF8_BOM = "\uFEFF";

export type CsvValue = string | number | null | undefined;

/** Rows as CSV lines, each ended by CRLF; "" for no rows. */
export function csvLines(rows: readonly (readonly CsvValue[])[]): string {
  if (rows.length === 0) return "";
  const text = Papa.unparse(
    rows.map((row) => row.map((value) => value ?? "")),
    { newline: "\r\n", escapeFormulae: true, header: false },
  );
  return `${text}\r\n`;
}
