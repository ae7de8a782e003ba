import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { csvLines } from "../../../src/lib/exports/csv";

describe("csvLines", () => {
  it("writes rows that papaparse reads back as they were", () => {
    const rows = [
      ["code", "name", "note"],
      ["1ABC", "舟山带鱼", 'say "hi", then\r\nleave'],
      ["2DEF", "", "a,b"],
    ];
    const text = csvLines(rows);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(Papa.parse<string[]>(text.trimEnd(), { newline: "\r\n" }).data).toEqual(rows);
  });

  it("writes null and undefined as empty fields and numbers as they are", () => {
    expect(csvLines([[null, undefined, 29.99, 0]])).toBe(",,29.99,0\r\n");
  });

  it("escapes text a spreadsheet would run as a formula", () => {
    expect(csvLines([['=HYPERLINK("http://x")', "+1", "@a", "plain"]])).toBe(
      `"'=HYPERLINK(""http://x"")","'+1","'@a",plain\r\n`,
    );
  });

  it("writes nothing for no rows", () => {
    expect(csvLines([])).toBe("");
  });
});
