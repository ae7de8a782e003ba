// Printable A4 sheets of label QR codes (pdf-lib, runs inside a Worker).
//
// Layout: A4 portrait (210 × 297 mm) cut into 4 columns × 7 rows of 52.5 × 42.4 mm, the common
// borderless "28 per sheet" sticker stock; on plain paper the same grid is cut with a guillotine.
// Each label, top to bottom: the QR (26.1 mm square including its 4-module quiet zone), the code
// in groups (1ABCD-EFGH-JKMN-PQRS-TVWX) in Courier Bold, the product name, then "Lot <lot code>".
// Dark modules and text keep at least 4 mm from every label edge (up to QR version 6, a Digital
// Link with a 20-character lot), which keeps the outer labels inside the printable area of
// ordinary laser and inkjet printers. The QR modules are 0.5-0.7 mm, well above the 0.33 mm
// that phone cameras read reliably.
// All QR codes of a page go into one extra content stream deflated natively (CompressionStream):
// one pako-compressed form XObject per label made a 1,000-label sheet twice as large (826 KB)
// and about 40 % slower.
//
// Fonts: only the PDF standard fonts (Helvetica, Courier), which cover WinAnsi (Latin-1 and a few
// more) but no Chinese. Embedding a CJK font would add megabytes to the worker and to every PDF,
// so characters the font cannot encode are dropped and a line left empty is omitted: callers pass
// the product's English name when there is one. The code itself is always printable.
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { groupLabelCode } from "./label-code";
import { QR_MARGIN, qrModules } from "./qr";

export type LabelSheetInput = {
  productName: string;
  lotCode: string;
  labels: { code: string; url: string }[];
};

const MM = 72 / 25.4;
const PAGE_WIDTH = 210 * MM;
const PAGE_HEIGHT = 297 * MM;
export const LABEL_COLUMNS = 4;
export const LABEL_ROWS = 7;
export const LABELS_PER_PAGE = LABEL_COLUMNS * LABEL_ROWS;
const CELL_WIDTH = PAGE_WIDTH / LABEL_COLUMNS;
const CELL_HEIGHT = PAGE_HEIGHT / LABEL_ROWS;
const QR_SIDE = 74; // pt (26.1 mm), quiet zone included
const QR_TOP_GAP = 6; // pt above the QR's quiet zone
const TEXT_INSET = 5 * MM; // left/right room for the text lines
const CODE_FONT_SIZE = 7.5;
const NAME_FONT_SIZE = 6.5;
const LOT_FONT_SIZE = 6.5;
const LINE_GAP = 1.6;
const BLACK = rgb(0, 0, 0);

type Fonts = { code: PDFFont; name: PDFFont; lot: PDFFont };
/** A line of text ready to draw: encodable by its font and fitted to the label's width. */
type TextLine = { text: string; font: PDFFont; size: number; width: number };

const TEXT_WIDTH = CELL_WIDTH - 2 * TEXT_INSET;
const characterSets = new WeakMap<PDFFont, Set<number>>();

function printable(text: string, font: PDFFont): string {
  let supported = characterSets.get(font);
  if (!supported) {
    supported = new Set(font.getCharacterSet());
    characterSets.set(font, supported);
  }
  let out = "";
  for (const char of text.replace(/\s+/g, " ")) {
    if (supported.has(char.codePointAt(0) as number)) out += char;
  }
  return out.replace(/ {2,}/g, " ").trim();
}

function textLine(text: string, font: PDFFont, size: number): TextLine | null {
  const chars = [...printable(text, font)];
  let fitted = chars.join("");
  while (chars.length > 0 && font.widthOfTextAtSize(fitted, size) > TEXT_WIDTH) {
    chars.pop();
    fitted = `${chars.join("").trimEnd()}…`;
  }
  if (chars.length === 0) return null;
  return { text: fitted, font, size, width: font.widthOfTextAtSize(fitted, size) };
}

/**
 * Content-stream operators that paint one QR: the modules in module units (1 unit = 1 module,
 * y up) under a `cm` that places and scales them, one rectangle per horizontal run of dark
 * modules. Integer coordinates and run merging keep a QR to a few kilobytes before compression.
 */
function qrOperators(text: string, left: number, bottom: number): string {
  const { size, isDark } = qrModules(text);
  const moduleSize = QR_SIDE / (size + 2 * QR_MARGIN);
  const x = left + QR_MARGIN * moduleSize;
  const y = bottom + QR_MARGIN * moduleSize;
  // "0 g": black fill whatever state pdf-lib's own content stream leaves behind.
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

/** All QR codes of a page go into one extra content stream: one deflate per page, not per label. */
async function drawQrCodes(
  doc: PDFDocument,
  page: PDFPage,
  labels: { url: string }[],
): Promise<void> {
  const ops = labels.map((label, slot) => {
    const { left, top } = cellOrigin(slot);
    return qrOperators(label.url, left + (CELL_WIDTH - QR_SIDE) / 2, top - QR_TOP_GAP - QR_SIDE);
  });
  const contents = await deflate(new TextEncoder().encode(`${ops.join("\n")}\n`));
  const stream = doc.context.stream(contents, { Filter: "FlateDecode" });
  page.node.addContentStream(doc.context.register(stream));
}

function cellOrigin(slot: number): { left: number; top: number } {
  const column = slot % LABEL_COLUMNS;
  const row = Math.floor(slot / LABEL_COLUMNS);
  return { left: column * CELL_WIDTH, top: PAGE_HEIGHT - row * CELL_HEIGHT };
}

function drawLabelText(
  page: PDFPage,
  slot: number,
  code: string,
  lines: { name: TextLine | null; lot: TextLine | null },
  fonts: Fonts,
): void {
  const { left, top } = cellOrigin(slot);
  const centerX = left + CELL_WIDTH / 2;
  let baseline = top - QR_TOP_GAP - QR_SIDE - CODE_FONT_SIZE - 1;
  const drawCentered = (line: TextLine) => {
    page.drawText(line.text, {
      x: centerX - line.width / 2,
      y: baseline,
      size: line.size,
      font: line.font,
      color: BLACK,
    });
  };
  const codeLine = textLine(groupLabelCode(code), fonts.code, CODE_FONT_SIZE);
  if (codeLine) drawCentered(codeLine);
  baseline -= NAME_FONT_SIZE + LINE_GAP + 1;
  if (lines.name) {
    drawCentered(lines.name);
    baseline -= LOT_FONT_SIZE + LINE_GAP;
  }
  if (lines.lot) drawCentered(lines.lot);
}

/** One page per 28 labels (one blank page when there are none), in the order given. */
export async function buildLabelSheetPdf(input: LabelSheetInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Labels ${input.lotCode}`.trim());
  doc.setCreator("gi-trace");
  doc.setProducer("gi-trace (pdf-lib)");
  const fonts: Fonts = {
    code: await doc.embedFont(StandardFonts.CourierBold),
    name: await doc.embedFont(StandardFonts.HelveticaBold),
    lot: await doc.embedFont(StandardFonts.Helvetica),
  };
  const lot = printable(input.lotCode, fonts.lot);
  const lines = {
    name: textLine(input.productName, fonts.name, NAME_FONT_SIZE),
    lot: lot === "" ? null : textLine(`Lot ${lot}`, fonts.lot, LOT_FONT_SIZE),
  };

  for (let first = 0; first < input.labels.length; first += LABELS_PER_PAGE) {
    const onPage = input.labels.slice(first, first + LABELS_PER_PAGE);
    const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    onPage.forEach((label, slot) => {
      drawLabelText(page, slot, label.code, lines, fonts);
    });
    await drawQrCodes(doc, page, onPage);
  }
  if (doc.getPageCount() === 0) doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  return doc.save();
}
