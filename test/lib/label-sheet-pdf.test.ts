import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { groupLabelCode, issueLabelCodes } from "../../src/lib/label-code";
import { buildLabelSheetPdf, LABELS_PER_PAGE } from "../../src/lib/label-sheet-pdf";
import { digitalLinkUrl, shortLabelUrl } from "../../src/lib/label-url";
import { qrModules } from "../../src/lib/qr";

const keys = { "1": btoa("0123456789abcdef0123456789abcdef") };

async function labels(count: number, url = (code: string) => shortLabelUrl("gi.example.cn", code)) {
  const codes = await issueLabelCodes(keys, "1", count);
  return codes.map((code) => ({ code, url: url(code) }));
}

function startsWithPdfHeader(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 5)) === "%PDF-";
}

/** The decoded page content (all its streams) as text. */
function pageContent(doc: PDFDocument, index: number): string {
  const page = doc.getPage(index);
  const contents = page.node.Contents();
  const streams =
    contents instanceof PDFArray
      ? contents.asArray().map((ref) => doc.context.lookup(ref))
      : [contents];
  return streams
    .map((stream) =>
      stream instanceof PDFRawStream
        ? new TextDecoder("latin1").decode(decodePDFRawStream(stream).decode())
        : "",
    )
    .join("\n");
}

function hexOf(text: string): string {
  return [...text].map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")).join("");
}

describe("buildLabelSheetPdf", () => {
  it("lays out 28 labels per page", async () => {
    for (const count of [1, 28, 29, 57]) {
      const pdf = await buildLabelSheetPdf({
        productName: "Zhoushan Hairtail",
        lotCode: "ZSDY-01",
        labels: await labels(count),
      });
      expect(startsWithPdfHeader(pdf)).toBe(true);
      const doc = await PDFDocument.load(pdf);
      expect(doc.getPageCount(), `${count} labels`).toBe(Math.ceil(count / LABELS_PER_PAGE));
      const [width, height] = [doc.getPage(0).getWidth(), doc.getPage(0).getHeight()];
      expect(width).toBeCloseTo(595.28, 1);
      expect(height).toBeCloseTo(841.89, 1);
    }
  });

  it("draws each QR as merged vector rectangles and prints the grouped code, name and lot", async () => {
    const sheet = await labels(30);
    const pdf = await buildLabelSheetPdf({
      productName: "Zhoushan Hairtail",
      lotCode: "ZSDY-20261120-01",
      labels: sheet,
    });
    const doc = await PDFDocument.load(pdf);
    const firstPage = pageContent(doc, 0);
    const secondPage = pageContent(doc, 1);
    // One "q <scale> 0 0 <scale> x y cm 0 g … f Q" block per label.
    const qrBlocks = /\nq\n[\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm\n0 g\n((?:\d+ \d+ \d+ 1 re\n)+)f\nQ/g;
    const blocks = [...firstPage.matchAll(qrBlocks)];
    expect(blocks).toHaveLength(LABELS_PER_PAGE);
    expect([...secondPage.matchAll(qrBlocks)]).toHaveLength(2);

    // The rectangles of the first QR cover exactly its dark modules, one per horizontal run.
    const { size, isDark } = qrModules(sheet[0]?.url ?? "");
    const painted = new Set<string>();
    let runs = 0;
    for (const [, x, y, width] of (blocks[0]?.[1] ?? "").matchAll(/(\d+) (\d+) (\d+) 1 re/g)) {
      runs++;
      const row = size - 1 - Number(y);
      expect(isDark(row, Number(x) - 1)).toBe(false);
      expect(isDark(row, Number(x) + Number(width))).toBe(false);
      for (let col = Number(x); col < Number(x) + Number(width); col++)
        painted.add(`${row},${col}`);
    }
    let dark = 0;
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        if (isDark(row, col)) {
          dark++;
          expect(painted.has(`${row},${col}`)).toBe(true);
        }
      }
    }
    expect(painted.size).toBe(dark);
    expect(runs).toBeLessThan(dark * 0.75);

    // Standard fonts draw text as hex strings of WinAnsi bytes.
    expect(firstPage).toContain(`<${hexOf(groupLabelCode(sheet[0]?.code ?? ""))}>`);
    expect(secondPage).toContain(`<${hexOf(groupLabelCode(sheet[29]?.code ?? ""))}>`);
    expect(firstPage).toContain(`<${hexOf("Zhoushan Hairtail")}>`);
    expect(firstPage).toContain(`<${hexOf("Lot ZSDY-20261120-01")}>`);
  });

  it("never throws on Chinese or other text the standard fonts cannot draw", async () => {
    const sheet = await labels(3, (code) =>
      digitalLinkUrl("gi.example.cn", "04006381333931", "批次-01", code),
    );
    for (const productName of [
      "舟山带鱼",
      "舟山带鱼 Zhoushan Hairtail",
      "Café 🐟 ZhangQiu\nScallion",
      "",
      "x".repeat(500),
    ]) {
      const pdf = await buildLabelSheetPdf({ productName, lotCode: "批次-01", labels: sheet });
      const doc = await PDFDocument.load(pdf);
      expect(doc.getPageCount()).toBe(1);
    }
    const doc = await PDFDocument.load(
      await buildLabelSheetPdf({
        productName: "舟山带鱼 Zhoushan Hairtail",
        lotCode: "批次-01",
        labels: sheet,
      }),
    );
    const content = pageContent(doc, 0);
    expect(content).toContain(`<${hexOf("Zhoushan Hairtail")}>`);
    expect(content).toContain(`<${hexOf("Lot -01")}>`);
  });

  it("produces one blank page for no labels", async () => {
    const doc = await PDFDocument.load(
      await buildLabelSheetPdf({ productName: "X", lotCode: "L", labels: [] }),
    );
    expect(doc.getPageCount()).toBe(1);
  });

  it("builds 1,000 labels in one PDF", async () => {
    const sheet = await labels(1000);
    const started = performance.now();
    const pdf = await buildLabelSheetPdf({
      productName: "Zhoushan Hairtail",
      lotCode: "ZSDY-20261120-01",
      labels: sheet,
    });
    const elapsed = performance.now() - started;
    console.log(
      `1,000-label PDF in the vitest pool: ${elapsed.toFixed(0)} ms, ${(pdf.length / 1024).toFixed(0)} KiB`,
    );
    expect(startsWithPdfHeader(pdf)).toBe(true);
    expect(pdf.length).toBeLessThan(4 * 1024 * 1024);
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(Math.ceil(1000 / LABELS_PER_PAGE));
  }, 60_000);
});
