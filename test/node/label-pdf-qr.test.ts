// Paper to text: the label PDF rendered by MuPDF (wasm), every label's QR decoded by jsQR from
// the rendered pixels, and the Chinese names read back from the PDF's text layer, which holds
// only when the embedded font maps its glyphs to the characters.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mintLabelCodes } from "../../src/lib/label-code";
import { LABEL_FONT_PATHS, parseLabelFont } from "../../src/lib/label-fonts";
import { buildLabelSheetPdf, type LabelText, type SheetLabel } from "../../src/lib/label-sheet-pdf";
import { type LabelGeometry, labelGeometry } from "../../src/lib/label-templates";
import { digitalLinkUrl, shortLabelUrl } from "../../src/lib/label-url";
import { readBack } from "../helpers/read-printed";

const fonts = {
  regular: parseLabelFont(readFileSync(`public${LABEL_FONT_PATHS.regular}`)),
  bold: parseLabelFont(readFileSync(`public${LABEL_FONT_PATHS.bold}`)),
};
const keys = { "1": btoa("0123456789abcdef0123456789abcdef") };

const text: LabelText = {
  productNameZh: "舟山带鱼",
  productNameEn: "Zhoushan Hairtail",
  producer: "舟山市普陀区东海带鱼捕捞专业合作社",
  protectionType: "地理标志证明商标",
  lotCode: "ZSDY-20261120-01",
};

function template(id: string): LabelGeometry {
  const geometry = labelGeometry(id);
  if (!geometry) throw new Error(id);
  return geometry;
}

async function labels(count: number, url: (code: string) => string): Promise<SheetLabel[]> {
  const codes = await mintLabelCodes(keys, "1", count);
  return codes.map((code, i) => ({ code, url: url(code), position: i + 1 }));
}

describe("printed labels read back", () => {
  it("A4 sheet: every QR decodes to its label's URL and the Chinese text is in the PDF", async () => {
    const geometry = template("a4-4x7-52.5x42.4");
    const sheet = await labels(30, (code) => shortLabelUrl("gi.example.cn", code));
    const pdf = await buildLabelSheetPdf({ geometry, fonts, text, labels: sheet });
    const { decoded, pageTexts, pages } = await readBack(pdf, geometry, sheet.length);
    expect(pages).toBe(2);
    expect(decoded).toEqual(sheet.map((l) => l.url));
    const flat = pageTexts.join("\n").replace(/\s+/g, "");
    expect(flat).toContain("舟山带鱼");
    expect(flat).toContain("ZhoushanHairtail");
    expect(flat).toContain("舟山市普陀区东海带鱼捕捞专业合作社");
    expect(flat).toContain("地理标志证明商标");
    expect(flat).toContain("批次ZSDY-20261120-01");
    expect(pageTexts[0]?.match(/舟山带鱼/g)).toHaveLength(28);
  });

  it("A4 4×10 sheet with GS1 Digital Link labels: every QR decodes", async () => {
    const geometry = template("a4-4x10-52.5x29.7");
    const sheet = await labels(40, (code) =>
      digitalLinkUrl(
        "trace.gi-registry.example.gov.cn",
        "06901234567892",
        "zsdy-2026.11.20-ab_9",
        code,
      ),
    );
    const pdf = await buildLabelSheetPdf({ geometry, fonts, text, labels: sheet });
    const { decoded } = await readBack(pdf, geometry, sheet.length);
    expect(decoded).toEqual(sheet.map((l) => l.url));
  });

  it("thermal roll 40×30: one label a page, each QR decodes, a product with only a Chinese name", async () => {
    const geometry = template("roll-40x30");
    const sheet = await labels(3, (code) => shortLabelUrl("gi.example.cn", code));
    const pdf = await buildLabelSheetPdf({
      geometry,
      fonts,
      text: { ...text, productNameZh: "岱衢族大黄鱼", productNameEn: null },
      labels: sheet,
    });
    const { decoded, pageTexts, pages } = await readBack(pdf, geometry, sheet.length);
    expect(pages).toBe(3);
    expect(decoded).toEqual(sheet.map((l) => l.url));
    for (const pageText of pageTexts)
      expect(pageText.replace(/\s+/g, "")).toContain("岱衢族大黄鱼");
  });
});
