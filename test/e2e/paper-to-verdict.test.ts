// From paper to verdict, the way it happens: a producer issues labels and prints them, a phone
// reads the printed QR, and the exact text it read is opened in a browser. The PDF and the QR
// images come from the worker under wrangler dev, MuPDF renders them to pixels, jsQR decodes
// them, and a real Chromium opens what was decoded, verbatim.
import chromium from "@sparticuz/chromium";
import { type Browser, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelGeometry } from "../../src/lib/label-templates";
import { readBack, readQrImage } from "../helpers/read-printed";
import {
  type Caller,
  caller,
  registerProducer,
  releasedBatch,
  type SharedServer,
  sharedServer,
} from "./fixtures.ts";

let server: SharedServer;
let api: Caller;
let browser: Browser;
let producer: string;
let shortBatch: string;
let gtinBatch: string;

async function bytes(path: string): Promise<Uint8Array> {
  const res = await fetch(`${server.base}${path}`, {
    headers: { authorization: `Bearer ${producer}` },
  });
  if (!res.ok) throw new Error(`GET ${path} → ${res.status}: ${await res.text()}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The batch's labels in print order, with the URLs the API says they carry. */
async function labelsOf(batch: string): Promise<{ code: string; url: string }[]> {
  return (await api("GET", `/v1/batches/${batch}/labels?limit=200`, undefined, producer)).items;
}

/** Opens `text` exactly as decoded, as a phone's camera app does, and reads what the page says. */
async function openVerbatim(text: string, address: string) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    locale: "zh-CN",
    extraHTTPHeaders: { "CF-Connecting-IP": address },
  });
  const page = await context.newPage();
  await page.goto(text);
  const verdict = await page.locator("#verdict").getAttribute("data-verdict", { timeout: 20_000 });
  const product = await page.locator("#product-name").innerText();
  const message = await page.locator("#verdict-message").innerText();
  const path = new URL(page.url()).pathname;
  await context.close();
  return { verdict, product, message, path };
}

/** The SVG as Chromium draws it, 400 px wide, as PNG. */
async function renderSvg(svg: Uint8Array): Promise<Uint8Array> {
  const page = await browser.newPage({ viewport: { width: 440, height: 440 } });
  const markup = new TextDecoder().decode(svg).replace("<svg ", '<svg width="400" height="400" ');
  await page.setContent(`<body style="margin:20px;background:#fff">${markup}</body>`);
  const png = await page.screenshot({ type: "png" });
  await page.close();
  return new Uint8Array(png);
}

beforeAll(async () => {
  server = await sharedServer();
  api = caller(server.base);
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args.filter((arg) => arg !== "--single-process"),
    headless: true,
  });
  // One product with only a Chinese name (it must still print), one with both.
  const daishan = await registerProducer(api, server.admin, {
    organization: { name: "岱山县衢山岛大黄鱼养殖专业合作社", region_code: "330921" },
    products: [
      {
        name_zh: "岱衢族大黄鱼",
        category: "seafood",
        protection_type: "agri_product_gi",
        holder_name: "岱山县渔业协会",
        protected_region_codes: ["330921"],
      },
      {
        name_zh: "舟山带鱼",
        name_en: "Zhoushan Hairtail",
        category: "seafood",
        protection_type: "certification_mark",
        holder_name: "舟山市水产流通与加工行业协会",
        protected_region_codes: ["330900"],
      },
    ],
    sites: [
      { name: "衢山岛养殖基地", kind: "farm", lat: 30.44, lng: 122.35, region_code: "330921" },
    ],
  });
  producer = daishan.producerToken;
  const [yellowCroaker, hairtail] = daishan.authorizationIds as [string, string];
  const siteId = daishan.siteIds[0] as string;
  const lot = { siteId, quantity: 300, producedAt: "2026-11-28T04:00:00Z" };
  shortBatch = (
    await releasedBatch(api, producer, {
      ...lot,
      authorizationId: yellowCroaker,
      lotCode: "DQ-2026-1128",
      labels: 30,
    })
  ).batchId;
  gtinBatch = (
    await releasedBatch(api, producer, {
      ...lot,
      authorizationId: hairtail,
      lotCode: "ZSDY-2026-1128",
      gtin: "06901234567892",
      labels: 3,
    })
  ).batchId;
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
}, 30_000);

describe("a printed label, scanned by a phone", () => {
  it("prints this server's own origin, in upper case, into every short label", async () => {
    const labels = await labelsOf(shortBatch);
    expect(labels).toHaveLength(30);
    for (const label of labels) {
      expect(label.url).toBe(`${server.base.toUpperCase()}/V/${label.code}`);
      expect(label.code).toHaveLength(20);
    }
  });

  it("A4 sheet: every QR decodes to its label's URL; the decoded text opens the verdict with no tap", async () => {
    const templates = (await api("GET", "/v1/label-templates", undefined, producer)).items;
    const sheet = templates.find((t: { kind: string }) => t.kind === "sheet");
    const geometry = labelGeometry(sheet.id);
    if (!geometry) throw new Error(`no geometry for ${sheet.id}`);
    const labels = await labelsOf(shortBatch);
    const pdf = await bytes(`/v1/batches/${shortBatch}/labels.pdf?template=${sheet.id}`);
    const { decoded, pageTexts } = await readBack(pdf, geometry, labels.length);
    expect(decoded).toEqual(labels.map((label) => label.url));
    expect(pageTexts.join("").replace(/\s+/g, "")).toContain("岱衢族大黄鱼");

    const read = decoded[7] as string;
    expect(read).toMatch(/^HTTP:\/\/127\.0\.0\.1:\d+\/V\/[0-9A-Z]{20}$/);
    const seen = await openVerbatim(read, "198.51.100.7");
    expect(seen.path).toBe(`/V/${labels[7]?.code}`);
    expect(seen.verdict).toBe("genuine");
    expect(seen.product).toContain("岱衢族大黄鱼");
    expect(seen.message).toContain("正品");
  });

  it("thermal roll: a reprint of positions 2–3 decodes to those two labels", async () => {
    const labels = await labelsOf(shortBatch);
    const geometry = labelGeometry("roll-50x30");
    if (!geometry) throw new Error("no roll-50x30 template");
    const pdf = await bytes(
      `/v1/batches/${shortBatch}/labels.pdf?template=roll-50x30&from=2&count=2`,
    );
    const { decoded, pages } = await readBack(pdf, geometry, 2);
    expect(pages).toBe(2);
    expect(decoded).toEqual([labels[1]?.url, labels[2]?.url]);
  });

  it("GS1 Digital Link label: the decoded URI resolves to the verify page, which answers", async () => {
    const labels = await labelsOf(gtinBatch);
    const geometry = labelGeometry("roll-60x40");
    if (!geometry) throw new Error("no roll-60x40 template");
    const pdf = await bytes(`/v1/batches/${gtinBatch}/labels.pdf?template=roll-60x40`);
    const { decoded } = await readBack(pdf, geometry, labels.length);
    expect(decoded).toEqual(labels.map((label) => label.url));
    const read = decoded[0] as string;
    expect(read).toBe(`${server.base}/01/06901234567892/10/ZSDY-2026-1128/21/${labels[0]?.code}`);
    const seen = await openVerbatim(read, "198.51.100.8");
    expect(seen.path.toLowerCase()).toBe(`/v/${labels[0]?.code.toLowerCase()}`);
    expect(seen.verdict).toBe("genuine");
    expect(seen.product).toContain("舟山带鱼");
  });

  it("the QR PNG and SVG of a label decode to its URL, and that URL opens the verdict", async () => {
    const [label] = await labelsOf(shortBatch);
    if (!label) throw new Error("no label");
    const png = readQrImage(await bytes(`/v1/labels/${label.code}/qr.png`), "image/png");
    // MuPDF.js has no SVG handler: the browser renders the SVG, its screenshot is decoded.
    const svg = readQrImage(
      await renderSvg(await bytes(`/v1/labels/${label.code}/qr.svg`)),
      "image/png",
    );
    expect(png).toBe(label.url);
    expect(svg).toBe(label.url);
    const seen = await openVerbatim(svg as string, "198.51.100.9");
    expect(seen.verdict).toBe("genuine");
    expect(seen.product).toContain("岱衢族大黄鱼");
  });
});
