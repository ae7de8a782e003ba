// Printable labels as PDF (pdf-lib, runs inside a Worker), on any template of label-templates.ts.
//
// Each label: the QR (vector, with its quiet zone) on the left; in the column to its right, top
// to bottom: the GI product's Chinese name (bold), its English name when it has one, the
// producer, the protection type in words, "批次 <lot>", the grouped code (1ABCD-EFGH-…) in
// Courier Bold and the label's position in the batch ("#123", for reprinting a range after a
// jam). Text wraps to the column (Chinese at any character, Latin at spaces, the code at its
// hyphens) and shrinks down to MIN_SCALE to fit; if it still does not fit, the least important
// lines go first (English name, protection type, producer), then the producer is cut with "…".
// The code and the Chinese name always print.
//
// Fonts: the Source Han Sans SC subsets of label-fonts.ts, embedded with `subset: true`, so a PDF
// holds only the glyphs its labels use. A character the fonts lack is refused
// (`unprintable_text`) before anything is drawn.
//
// Speed: everything but the QR, the code and the position is the same on every label of a
// batch, so it is laid out and encoded once per PDF; each page is one content stream (QR
// rectangles and text operators) deflated natively with CompressionStream.
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, type PDFFont, PDFName, type PDFPage, StandardFonts } from "pdf-lib";
import { groupLabelCode } from "./label-code";
import { assertPrintable, type LabelFonts } from "./label-fonts";
import { type Box, type LabelGeometry, labelCorner } from "./label-templates";
import { QR_MARGIN, qrModules } from "./qr";

export type LabelText = {
  productNameZh: string;
  productNameEn: string | null;
  producer: string;
  /** The protection type in words (wordFor("protectionType", …, "zh")). */
  protectionType: string;
  lotCode: string;
};

export type SheetLabel = { code: string; url: string; position: number };

export type LabelSheetInput = {
  geometry: LabelGeometry;
  text: LabelText;
  labels: SheetLabel[];
  fonts: LabelFonts;
  title?: string;
};

/** One line as laid out: its text, font, size and place in the label (mm, y down to the baseline). */
export type LaidOutLine = {
  text: string;
  role: "name_zh" | "name_en" | "producer" | "protection_type" | "lot" | "code" | "position";
  font: PDFFont;
  size: number;
  x: number;
  baseline: number;
  width: number;
  /** The line's box in label mm: from ascent to descent. */
  box: Box;
};

const MM = 72 / 25.4;
const PT = 25.4 / 72;
const MIN_SCALE = 0.6;
const LINE_HEIGHT = 1.18;
const PARAGRAPH_GAP = 0.35; // mm between paragraphs
const ASCENT = 0.88; // of the font size, Source Han Sans and Courier both within it
const DESCENT = 0.24;

export type Paragraph = {
  role: LaidOutLine["role"];
  text: string;
  font: PDFFont;
  size: number;
  /** Lower drops first when the text does not fit; the name and the code never drop. */
  priority: number;
  breakAt: "cjk" | "hyphen";
};

const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

/** Break points: after any CJK character, at spaces, or after a hyphen (codes). */
function tokens(text: string, breakAt: Paragraph["breakAt"]): string[] {
  if (breakAt === "hyphen") return text.split(/(?<=-)/);
  const out: string[] = [];
  let word = "";
  for (const char of text) {
    if (char === " ") {
      out.push(`${word} `);
      word = "";
    } else if (CJK.test(char)) {
      if (word) out.push(word);
      out.push(char);
      word = "";
    } else word += char;
  }
  if (word) out.push(word);
  return out;
}

/** Greedy line filling within `width` (pt); a token wider than a line is cut by character. */
function wrap(paragraph: Paragraph, size: number, width: number): string[] {
  const measure = (s: string) => paragraph.font.widthOfTextAtSize(s.trimEnd(), size);
  const lines: string[] = [];
  let line = "";
  const pieces = tokens(paragraph.text, paragraph.breakAt).flatMap((token) =>
    measure(token) > width ? [...token] : [token],
  );
  for (const piece of pieces) {
    if (line !== "" && measure(line + piece) > width) {
      lines.push(line.trimEnd());
      line = piece.trimStart();
    } else line += piece;
  }
  if (line.trim() !== "") lines.push(line.trimEnd());
  return lines;
}

function ellipsize(line: string, paragraph: Paragraph, size: number, width: number): string {
  const chars = [...line];
  let text = `${line}…`;
  while (chars.length > 0 && paragraph.font.widthOfTextAtSize(text, size) > width) {
    chars.pop();
    text = `${chars.join("").trimEnd()}…`;
  }
  return text;
}

const collapse = (text: string) => text.replace(/\s+/gu, " ").trim();

export type EmbeddedLabelFonts = { regular: PDFFont; bold: PDFFont; code: PDFFont };

/** The label fonts in `doc`: the CJK subsets (parsed once per isolate) and Courier Bold. */
export async function embedLabelFonts(
  doc: PDFDocument,
  fonts: LabelFonts,
): Promise<EmbeddedLabelFonts> {
  // pdf-lib parses the font bytes on every embedFont; these were parsed once per isolate.
  const parsed = new Map([
    [fonts.regular.bytes, fonts.regular.font],
    [fonts.bold.bytes, fonts.bold.font],
  ]);
  doc.registerFontkit({
    ...fontkit,
    create: (bytes: Uint8Array) => parsed.get(bytes) ?? fontkit.create(bytes),
  } as typeof fontkit);
  return {
    regular: await doc.embedFont(fonts.regular.bytes, { subset: true }),
    bold: await doc.embedFont(fonts.bold.bytes, { subset: true }),
    code: await doc.embedFont(StandardFonts.CourierBold),
  };
}

/** What a label says, in reading order, before fitting. */
export function labelParagraphs(
  text: LabelText,
  code: string,
  position: number,
  fonts: EmbeddedLabelFonts,
): Paragraph[] {
  const nameEn = collapse(text.productNameEn ?? "");
  const p = (
    role: Paragraph["role"],
    value: string,
    font: PDFFont,
    size: number,
    priority: number,
    breakAt: Paragraph["breakAt"] = "cjk",
  ): Paragraph[] => (value === "" ? [] : [{ role, text: value, font, size, priority, breakAt }]);
  return [
    ...p("name_zh", collapse(text.productNameZh), fonts.bold, 8, 9),
    ...(nameEn && nameEn !== collapse(text.productNameZh)
      ? p("name_en", nameEn, fonts.regular, 6, 1)
      : []),
    ...p("producer", collapse(text.producer), fonts.regular, 6, 4),
    ...p("protection_type", collapse(text.protectionType), fonts.regular, 6, 2),
    ...p("lot", `批次 ${collapse(text.lotCode)}`, fonts.regular, 6, 5),
    ...p("code", groupLabelCode(code), fonts.code, 7, 9, "hyphen"),
    ...p("position", `#${position}`, fonts.code, 5.5, 9, "hyphen"),
  ];
}

/** The lines of one label, fitted into the geometry's text box (label mm). */
export function layoutLabelText(geometry: LabelGeometry, paragraphs: Paragraph[]): LaidOutLine[] {
  const box = geometry.text;
  const width = box.width * MM;
  const heightOf = (sets: { size: number; lines: string[] }[]) =>
    sets.reduce((h, s) => h + s.lines.length * s.size * LINE_HEIGHT * PT, 0) +
    PARAGRAPH_GAP * Math.max(0, sets.length - 1);
  const fitAt = (kept: Paragraph[], scale: number) =>
    kept.map((p) => ({ p, size: p.size * scale, lines: wrap(p, p.size * scale, width) }));

  let kept = paragraphs;
  let sets = fitAt(kept, 1);
  for (let scale = 1; scale >= MIN_SCALE - 1e-9; scale -= 0.05) {
    sets = fitAt(kept, scale);
    if (heightOf(sets) <= box.height) break;
  }
  // Still too tall at the smallest size: drop the least important paragraphs, then cut the
  // lowest-priority one left to the lines that fit.
  while (heightOf(sets) > box.height) {
    const droppable = kept.filter((p) => p.priority <= 2);
    const victim = droppable.sort((a, b) => a.priority - b.priority)[0];
    if (victim) {
      kept = kept.filter((p) => p !== victim);
      sets = fitAt(kept, MIN_SCALE);
      continue;
    }
    const cut = sets
      .filter((s) => s.p.priority < 9 && s.lines.length > 0)
      .sort((a, b) => a.p.priority - b.p.priority)[0];
    if (!cut) break;
    if (cut.lines.length === 1) {
      sets = sets.filter((s) => s !== cut);
      continue;
    }
    const remaining = cut.lines.slice(0, -1);
    remaining[remaining.length - 1] = ellipsize(
      remaining[remaining.length - 1] as string,
      cut.p,
      cut.size,
      width,
    );
    cut.lines = remaining;
  }

  const out: LaidOutLine[] = [];
  let top = box.y;
  for (const set of sets) {
    const lineHeight = set.size * LINE_HEIGHT * PT;
    for (const text of set.lines) {
      const baseline = top + (lineHeight + (ASCENT - DESCENT) * set.size * PT) / 2;
      const lineWidth = set.p.font.widthOfTextAtSize(text, set.size) * PT;
      out.push({
        text,
        role: set.p.role,
        font: set.p.font,
        size: set.size,
        x: box.x,
        baseline,
        width: lineWidth,
        box: {
          x: box.x,
          y: baseline - ASCENT * set.size * PT,
          width: lineWidth,
          height: (ASCENT + DESCENT) * set.size * PT,
        },
      });
      top += lineHeight;
    }
    top += PARAGRAPH_GAP;
  }
  return out;
}

/**
 * Content-stream operators that paint one QR: the modules in module units (1 unit = 1 module,
 * y up) under a `cm` that places and scales them, one rectangle per horizontal run of dark
 * modules. Integer coordinates and run merging keep a QR to a few kilobytes before compression.
 */
function qrOperators(text: string, left: number, bottom: number, side: number): string {
  const { size, isDark } = qrModules(text);
  const moduleSize = side / (size + 2 * QR_MARGIN);
  const x = left + QR_MARGIN * moduleSize;
  const y = bottom + QR_MARGIN * moduleSize;
  const ops = [
    "q",
    `${moduleSize.toFixed(4)} 0 0 ${moduleSize.toFixed(4)} ${x.toFixed(2)} ${y.toFixed(2)} cm`,
    "0 g",
  ];
  for (let row = 0; row < size; row++) {
    const rowY = size - 1 - row;
    let col = 0;
    while (col < size) {
      if (!isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && isDark(row, col)) col++;
      ops.push(`${start} ${rowY} ${col - start} 1 re`);
    }
  }
  ops.push("f", "Q");
  return ops.join("\n");
}

/** zlib (RFC 1950) with the platform's native deflate: much faster than pdf-lib's pako. */
async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

type Encoded = { fontKey: string; size: string; hex: string; x: number; baseline: number };

function textOperators(lines: Encoded[], originX: number, originTop: number): string {
  const ops = ["BT", "0 g"];
  for (const line of lines) {
    const x = originX + line.x * MM;
    const y = originTop - line.baseline * MM;
    ops.push(`/${line.fontKey} ${line.size} Tf`, `1 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)} Tm`);
    ops.push(`${line.hex} Tj`);
  }
  ops.push("ET");
  return ops.join("\n");
}

/** One page per `per_page` labels (one blank page when there are none), in the order given. */
export async function buildLabelSheetPdf(input: LabelSheetInput): Promise<Uint8Array> {
  const { geometry, text, fonts } = input;
  assertPrintable(
    [
      { path: "gi_product.name_zh", text: text.productNameZh },
      { path: "gi_product.name_en", text: text.productNameEn ?? "" },
      { path: "organization.name", text: text.producer },
      { path: "gi_product.protection_type", text: text.protectionType },
      { path: "batch.lot_code", text: text.lotCode },
    ],
    fonts,
  );
  const doc = await PDFDocument.create();
  doc.setTitle(input.title ?? `${text.productNameZh} ${text.lotCode}`);
  doc.setCreator("gi-trace");
  doc.setProducer("gi-trace (pdf-lib)");
  const pdfFonts = await embedLabelFonts(doc, fonts);
  const fontKeys = new Map<PDFFont, string>([
    [pdfFonts.regular, "GiR"],
    [pdfFonts.bold, "GiB"],
    [pdfFonts.code, "GiC"],
  ]);

  // The constant lines are laid out with the batch's longest code (codes of two versions may
  // share a batch), so every label of the PDF has the same layout above the code.
  const longest = input.labels.reduce((a, l) => (l.code.length > a.length ? l.code : a), "");
  const lastPosition = input.labels.reduce((n, l) => Math.max(n, l.position), 0);
  const template = layoutLabelText(
    geometry,
    labelParagraphs(text, longest || "0", lastPosition, pdfFonts),
  );
  const encodedCache = new Map<string, string>();
  const encode = (line: LaidOutLine): Encoded => {
    const key = `${fontKeys.get(line.font)}|${line.text}`;
    let hex = encodedCache.get(key);
    if (hex === undefined) {
      hex = line.font.encodeText(line.text).toString();
      encodedCache.set(key, hex);
    }
    return {
      fontKey: fontKeys.get(line.font) as string,
      size: line.size.toFixed(2),
      hex,
      x: line.x,
      baseline: line.baseline,
    };
  };
  const constantLines = template
    .filter((l) => l.role !== "code" && l.role !== "position")
    .map(encode);
  const variable = template.filter((l) => l.role === "code" || l.role === "position");
  const codeSlots = variable.filter((l) => l.role === "code");
  const positionSlot = variable.find((l) => l.role === "position");
  const codeSize = codeSlots[0]?.size ?? 7;
  const codeWidth = geometry.text.width * MM;

  const variableLines = (label: SheetLabel): Encoded[] => {
    const pieces = wrap(
      {
        role: "code",
        text: groupLabelCode(label.code),
        font: pdfFonts.code,
        size: codeSize,
        priority: 9,
        breakAt: "hyphen",
      },
      codeSize,
      codeWidth,
    );
    const lines: LaidOutLine[] = [];
    pieces.forEach((piece, i) => {
      const slot = codeSlots[Math.min(i, codeSlots.length - 1)];
      if (slot) lines.push({ ...slot, text: piece });
    });
    if (positionSlot) lines.push({ ...positionSlot, text: `#${label.position}` });
    return lines.map((line) => ({
      fontKey: "GiC",
      size: line.size.toFixed(2),
      hex: pdfFonts.code.encodeText(line.text).toString(),
      x: line.x,
      baseline: line.baseline,
    }));
  };

  const page = {
    width: geometry.template.page_mm.width * MM,
    height: geometry.template.page_mm.height * MM,
  };
  const perPage = geometry.template.per_page;
  const qrSide = geometry.qr.width * MM;
  const addPage = (): PDFPage => {
    const added = doc.addPage([page.width, page.height]);
    for (const [font, key] of fontKeys) {
      added.node.setFontDictionary(PDFName.of(key), font.ref);
    }
    return added;
  };
  for (let first = 0; first < input.labels.length; first += perPage) {
    const onPage = input.labels.slice(first, first + perPage);
    const pdfPage = addPage();
    const ops = onPage.map((label, slot) => {
      const origin = labelCorner(geometry, slot);
      const left = origin.x * MM;
      const top = page.height - origin.y * MM;
      const qr = qrOperators(
        label.url,
        left + geometry.qr.x * MM,
        top - (geometry.qr.y + geometry.qr.height) * MM,
        qrSide,
      );
      return `${qr}\n${textOperators([...constantLines, ...variableLines(label)], left, top)}`;
    });
    const contents = await deflate(new TextEncoder().encode(`${ops.join("\n")}\n`));
    const stream = doc.context.stream(contents, { Filter: "FlateDecode" });
    pdfPage.node.addContentStream(doc.context.register(stream));
  }
  if (doc.getPageCount() === 0) addPage();
  return doc.save();
}
