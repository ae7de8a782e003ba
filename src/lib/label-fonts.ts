// The CJK fonts of the printed labels (scripts/derive-label-font.ts makes them; docs/printing.md
// has their figures), parsed once per isolate and shared by every PDF the isolate builds.
//
// Served from the static assets, not bundled: the two weights are 1.8 MB each and barely
// compress (1.6 MB each gzipped), so together they would take the Worker past the 3 MB
// compressed bundle limit of the free plan, and every cold start would pay for parsing them.
import fontkit, { type Font } from "@pdf-lib/fontkit";
import { ApiError } from "./errors";

export const LABEL_FONT_PATHS = {
  regular: "/fonts/label-sans-sc-regular.otf",
  bold: "/fonts/label-sans-sc-bold.otf",
} as const;

export type LabelFont = { bytes: Uint8Array; font: Font };
export type LabelFonts = { regular: LabelFont; bold: LabelFont };

type CffDict = { Private?: { Subrs?: unknown } & Record<string, unknown> } & Record<
  string,
  unknown
>;
type CffSubset = {
  glyphs: number[];
  font: { getGlyph(gid: number): { path: unknown; _usedSubrs?: Record<string, true> } };
  cff: { fdForGlyph(gid: number): number | null; topDict: { FDArray: CffDict[] } };
  subsetSubrs(subrs: unknown, used: Record<string, true>): unknown;
};

/**
 * @pdf-lib/fontkit 1.1 subsets a CID-keyed CFF font (Source Han Sans has 12 font dicts) wrongly:
 * each glyph's FDSelect entry and local subroutines go to the font dict added last instead of
 * the glyph's own, so a glyph whose dict was added earlier loses its subroutines and prints as
 * nothing (seen: "Y" vanished from "ZSDY-01" after a hanzi). This is its subsetFontdict with the
 * glyph's own dict.
 */
function subsetFontdict(this: CffSubset, topDict: Record<string, unknown>): void {
  const fdArray: CffDict[] = [];
  const fds: number[] = [];
  const usedSubrs: Record<string, true>[] = [];
  const newIndex = new Map<number, number>();
  for (const gid of this.glyphs) {
    const fd = this.cff.fdForGlyph(gid);
    if (fd == null) continue;
    let index = newIndex.get(fd);
    if (index === undefined) {
      index = fdArray.length;
      newIndex.set(fd, index);
      fdArray.push({ ...this.cff.topDict.FDArray[fd] });
      usedSubrs.push({});
    }
    fds.push(index);
    const glyph = this.font.getGlyph(gid);
    void glyph.path; // parsing the glyph fills _usedSubrs
    Object.assign(usedSubrs[index] as Record<string, true>, glyph._usedSubrs);
  }
  fdArray.forEach((dict, i) => {
    delete dict.FontName;
    if (dict.Private?.Subrs) {
      dict.Private = {
        ...dict.Private,
        Subrs: this.subsetSubrs(dict.Private.Subrs, usedSubrs[i] as Record<string, true>),
      };
    }
  });
  topDict.FDArray = fdArray;
  topDict.FDSelect = { version: 0, fds };
}

let subsetPatched = false;

export function parseLabelFont(bytes: Uint8Array): LabelFont {
  const font = fontkit.create(bytes);
  const cff = (font as unknown as Record<string, { length?: number } | undefined>)["CFF "];
  if (cff) {
    // @pdf-lib/fontkit 1.1 writes `cff.length` (undefined for CFF 1) as the offSize byte of a
    // subset's CFF header; FreeType (Chrome's and MuPDF's viewers) then rejects the embedded
    // font as "unknown file format" and prints nothing. 4 is what the source fonts use.
    cff.length = 4;
    if (!subsetPatched) {
      const prototype = Object.getPrototypeOf(font.createSubset()) as Record<string, unknown>;
      prototype.subsetFontdict = subsetFontdict;
      subsetPatched = true;
    }
  }
  return { bytes, font };
}

let loading: Promise<LabelFonts> | undefined;

/** Both weights from the static assets, fetched and parsed once per isolate. */
export function loadLabelFonts(assets: Fetcher, origin: string): Promise<LabelFonts> {
  loading ??= (async () => {
    const fetchFont = async (path: string) => {
      const res = await assets.fetch(new URL(path, origin));
      if (!res.ok) throw new ApiError("misconfigured", `The label font ${path} is not deployed.`);
      return parseLabelFont(new Uint8Array(await res.arrayBuffer()));
    };
    const [regular, bold] = await Promise.all([
      fetchFont(LABEL_FONT_PATHS.regular),
      fetchFont(LABEL_FONT_PATHS.bold),
    ]);
    return { regular, bold };
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** The characters of `text` that `font` has no glyph for, each once, in order. */
export function unprintableCharacters(text: string, font: Font): string[] {
  const missing = new Set<string>();
  for (const char of text) {
    if (/\s/u.test(char)) continue;
    if (!font.hasGlyphForCodePoint(char.codePointAt(0) as number)) missing.add(char);
  }
  return [...missing];
}

const codePoint = (char: string) =>
  `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * Throws 422 unprintable_text naming each field (its API path) and the characters the label
 * fonts lack: a label never prints a blank where a character should be.
 */
export function assertPrintable(fields: { path: string; text: string }[], fonts: LabelFonts): void {
  const errors = fields.flatMap(({ path, text }) => {
    const missing = [
      ...new Set([
        ...unprintableCharacters(text, fonts.regular.font),
        ...unprintableCharacters(text, fonts.bold.font),
      ]),
    ];
    if (missing.length === 0) return [];
    return [
      {
        path,
        message: `the label font has no glyph for ${missing.map((c) => `${c} (${codePoint(c)})`).join(", ")}`,
        characters: missing,
      },
    ];
  });
  if (errors.length === 0) return;
  throw new ApiError(
    "unprintable_text",
    `Cannot print ${errors.map((e) => e.path).join(", ")}: ${errors.map((e) => e.message).join("; ")}. Change the text or ask for the character to be added to the label font.`,
    {
      errors: errors.map(({ path, message }) => ({ path, message })),
      extra: { characters: [...new Set(errors.flatMap((e) => e.characters))] },
    },
  );
}
