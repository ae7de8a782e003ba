import { env } from "cloudflare:workers";
import { decodePDFRawStream, PDFArray, PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import { demoGiProducts, demoOrganization } from "../../scripts/demo-data";
import regions from "../../src/data/regions.json";
import { ApiError } from "../../src/lib/errors";
import { domainWords } from "../../src/lib/i18n/domain-words";
import { groupLabelCode, mintLabelCodes } from "../../src/lib/label-code";
import { type LabelFonts, loadLabelFonts, unprintableCharacters } from "../../src/lib/label-fonts";
import {
  buildLabelSheetPdf,
  embedLabelFonts,
  type LabelText,
  labelParagraphs,
  layoutLabelText,
} from "../../src/lib/label-sheet-pdf";
import { type Box, labelGeometry, labelTemplateIds } from "../../src/lib/label-templates";
import { digitalLinkUrl, shortLabelUrl } from "../../src/lib/label-url";
import { qrModules } from "../../src/lib/qr";

const keys = { "1": btoa("0123456789abcdef0123456789abcdef") };
let fonts: LabelFonts;
beforeAll(async () => {
  fonts = await loadLabelFonts(env.ASSETS, "http://localhost/");
});

const geometry = (id = "a4-4x7-52.5x42.4") => {
  const g = labelGeometry(id);
  if (!g) throw new Error(id);
  return g;
};

const text: LabelText = {
  productNameZh: "舟山带鱼",
  productNameEn: "Zhoushan Hairtail",
  producer: "舟山市普陀区东海带鱼捕捞专业合作社",
  protectionType: "地理标志证明商标",
  lotCode: "ZSDY-20261120-01",
};

async function labels(count: number, url = (code: string) => shortLabelUrl("gi.example.cn", code)) {
  const codes = await mintLabelCodes(keys, "1", count);
  return codes.map((code, i) => ({ code, url: url(code), position: i + 1 }));
}

/** The decoded page content (all its streams) as text. */
function pageContent(doc: PDFDocument, index: number): string {
  const contents = doc.getPage(index).node.Contents();
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
    .map((content) => `\n${content}`)
    .join("");
}

const hexOf = (s: string) =>
  [...s].map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")).join("");

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

describe("label fonts", () => {
  it("print every demo product and producer name, every dictionary word and every region name", () => {
    const texts = [
      ...demoGiProducts.flatMap((p) => [p.name_zh, p.name_en, p.holder_name]),
      demoOrganization.name,
      ...stringsIn(domainWords),
      ...Object.values(regions as Record<string, string>),
    ];
    expect(texts.length).toBeGreaterThan(3000);
    for (const font of [fonts.regular.font, fonts.bold.font]) {
      const missing = texts.flatMap((t) =>
        unprintableCharacters(t, font).map((c) => `${c} in ${t}`),
      );
      expect(missing).toEqual([]);
    }
  });

  it("refuse a name with a character the font lacks, naming the field and the characters", async () => {
    const sheet = await labels(1);
    for (const [field, patch, missing] of [
      ["gi_product.name_zh", { productNameZh: "舟山带鱼🐟" }, "🐟"],
      ["organization.name", { producer: "𠀀合作社" }, "𠀀"],
    ] as const) {
      const error = await buildLabelSheetPdf({
        geometry: geometry(),
        fonts,
        text: { ...text, ...patch },
        labels: sheet,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      const apiError = error as ApiError;
      expect(apiError.code).toBe("unprintable_text");
      expect(apiError.status).toBe(422);
      expect(apiError.errors?.map((e) => e.path)).toEqual([field]);
      expect(apiError.extra?.characters).toEqual([missing]);
      expect(apiError.message).toContain(missing);
    }
  });
});

describe("buildLabelSheetPdf", () => {
  it("prints per_page labels a page on every template, A4 for sheets, the label size for rolls", async () => {
    const sheet = await labels(45);
    for (const id of labelTemplateIds) {
      const g = geometry(id);
      const doc = await PDFDocument.load(
        await buildLabelSheetPdf({ geometry: g, fonts, text, labels: sheet }),
      );
      expect(doc.getPageCount(), id).toBe(Math.ceil(45 / g.template.per_page));
      const page = doc.getPage(0);
      expect(page.getWidth(), id).toBeCloseTo((g.template.page_mm.width * 72) / 25.4, 1);
      expect(page.getHeight(), id).toBeCloseTo((g.template.page_mm.height * 72) / 25.4, 1);
    }
  }, 60_000);

  it("draws each QR as merged vector rectangles and embeds only a subset of the CJK fonts", async () => {
    const sheet = await labels(30);
    const pdf = await buildLabelSheetPdf({ geometry: geometry(), fonts, text, labels: sheet });
    const doc = await PDFDocument.load(pdf);
    const firstPage = pageContent(doc, 0);
    const qrBlocks = /\nq\n[\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm\n0 g\n((?:\d+ \d+ \d+ 1 re\n)+)f\nQ/g;
    const blocks = [...firstPage.matchAll(qrBlocks)];
    expect(blocks).toHaveLength(28);
    expect([...pageContent(doc, 1).matchAll(qrBlocks)]).toHaveLength(2);

    const { size, isDark } = qrModules(sheet[0]?.url ?? "");
    const painted = new Set<string>();
    for (const [, x, y, width] of (blocks[0]?.[1] ?? "").matchAll(/(\d+) (\d+) (\d+) 1 re/g)) {
      const row = size - 1 - Number(y);
      for (let col = Number(x); col < Number(x) + Number(width); col++)
        painted.add(`${row},${col}`);
    }
    let dark = 0;
    for (let row = 0; row < size; row++)
      for (let col = 0; col < size; col++) if (isDark(row, col)) dark++;
    expect(painted.size).toBe(dark);

    // The code prints in Courier (hex of its bytes), wrapped at its hyphens; and the position.
    const grouped = groupLabelCode(sheet[0]?.code ?? "");
    const pieces = [...firstPage.matchAll(/\/GiC [\d.]+ Tf\n[^\n]+\n<([0-9A-F]+)> Tj/g)].map(
      (m) => m[1],
    );
    expect(pieces.slice(0, 4).join("")).toContain(hexOf(grouped.slice(0, 10)));
    expect(pieces).toContain(hexOf("#1"));

    // Two embedded CID fonts, each far smaller than the 1.8 MB font it comes from.
    const fontFiles = doc.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter(
        (object) =>
          object instanceof PDFRawStream &&
          object.dict.get(PDFName.of("Subtype"))?.toString() === "/CIDFontType0C",
      ) as PDFRawStream[];
    expect(fontFiles).toHaveLength(2);
    for (const file of fontFiles) expect(file.contents.length).toBeLessThan(60_000);
  }, 60_000);

  it("fits worst-case text into the text box of every template, the name and the whole code always", async () => {
    const doc = await PDFDocument.create();
    const pdfFonts = await embedLabelFonts(doc, fonts);
    const [code] = await mintLabelCodes(keys, "1", 1);
    const long: LabelText = {
      productNameZh: "岱衢族大黄鱼地理标志保护产品特级",
      productNameEn: "Daiqu Large Yellow Croaker of the Zhoushan Archipelago, Premium Grade",
      producer: "舟山市普陀区东海带鱼捕捞专业合作社（演示）联合社第一分社",
      protectionType: "农产品地理标志",
      lotCode: "ZSDY-2026.11.20-AB_9",
    };
    const within = (line: Box, box: Box) =>
      line.x >= box.x - 1e-6 &&
      line.y >= box.y - 1e-6 &&
      line.x + line.width <= box.x + box.width + 1e-6 &&
      line.y + line.height <= box.y + box.height + 1e-6;
    for (const id of labelTemplateIds) {
      const g = geometry(id);
      for (const t of [text, long, { ...text, productNameEn: null }]) {
        const lines = layoutLabelText(g, labelParagraphs(t, code as string, 12345, pdfFonts));
        for (const line of lines)
          expect(within(line.box, g.text), `${id}: ${line.text}`).toBe(true);
        for (const [a, b] of lines.slice(1).map((l, i) => [lines[i], l] as const))
          expect((b?.box.y ?? 0) + 1e-6).toBeGreaterThanOrEqual(
            (a?.box.y ?? 0) + (a?.box.height ?? 0) - 0.5,
          );
        const joined = (role: string) =>
          lines
            .filter((l) => l.role === role)
            .map((l) => l.text)
            .join("")
            .replaceAll(" ", "");
        expect(joined("name_zh"), id).toBe(t.productNameZh.replaceAll(" ", ""));
        expect(joined("code"), id).toBe(groupLabelCode(code as string));
        expect(joined("position"), id).toBe("#12345");
        if (t === text) {
          expect(joined("producer"), id).toBe(text.producer.replaceAll(" ", ""));
          expect(joined("lot"), id).toBe(`批次${text.lotCode}`);
          expect(joined("protection_type"), id).toBe(text.protectionType);
        }
      }
    }
  });

  it("prints a product with only a Chinese name, and a Digital Link label", async () => {
    const sheet = await labels(3, (code) =>
      digitalLinkUrl("gi.example.cn", "04006381333931", "ZSDY-01", code),
    );
    const pdf = await buildLabelSheetPdf({
      geometry: geometry("roll-40x30"),
      fonts,
      text: { ...text, productNameEn: null },
      labels: sheet,
    });
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(3);
  });

  it("builds 1,000 labels in one PDF", async () => {
    const sheet = await labels(1000);
    const started = performance.now();
    const pdf = await buildLabelSheetPdf({ geometry: geometry(), fonts, text, labels: sheet });
    const elapsed = performance.now() - started;
    console.log(
      `1,000-label PDF in the vitest pool: ${elapsed.toFixed(0)} ms, ${(pdf.length / 1024).toFixed(0)} KiB`,
    );
    expect(pdf.length).toBeLessThan(1024 * 1024);
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(Math.ceil(1000 / 28));
  }, 60_000);
});
