import { describe, expect, it } from "vitest";
import { mintLabelCodes } from "../../src/lib/label-code";
import { shortLabelUrl } from "../../src/lib/label-url";
import { labelQrPng, labelQrSvg, MAX_PNG_SCALE, QR_MARGIN, qrModules } from "../../src/lib/qr";

const [CODE = ""] = await mintLabelCodes({ "1": btoa("0123456789abcdef0123456789abcdef") }, "1", 1);
const URL_UPPER = shortLabelUrl("gi.example.cn", CODE);

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The chunks of a PNG file, checked for order and structure by the caller. */
function pngChunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    chunks.push({ type, data: png.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
  }
  return chunks;
}

describe("qrModules", () => {
  it("has a size of 4 × version + 17 and finder patterns in three corners", () => {
    const modules = qrModules(URL_UPPER);
    expect(modules.size).toBe(4 * modules.version + 17);
    const last = modules.size - 1;
    for (const [row, col] of [
      [0, 0],
      [0, 6],
      [6, 0],
      [6, 6],
      [0, last],
      [last, 0],
      [3, 3],
    ] as const) {
      expect(modules.isDark(row, col), `${row},${col}`).toBe(true);
    }
    expect(modules.isDark(1, 1)).toBe(false);
    expect(modules.isDark(7, 7)).toBe(false);
    expect(modules.isDark(-1, 0)).toBe(false);
    expect(modules.isDark(0, modules.size)).toBe(false);
  });

  it("keeps the upper-case short URL in alphanumeric mode: version 3 instead of 4", () => {
    // 44 characters: alphanumeric at level M fits version 3 (61), bytes need version 4 (62).
    expect(URL_UPPER).toHaveLength(44);
    expect(qrModules(URL_UPPER).version).toBe(3);
    expect(qrModules(URL_UPPER.toLowerCase()).version).toBe(4);
  });
});

describe("labelQrSvg", () => {
  it("is an SVG whose view box is the symbol plus a 4-module quiet zone", async () => {
    const svg = await labelQrSvg(URL_UPPER);
    const { size } = qrModules(URL_UPPER);
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain(`viewBox="0 0 ${size + 2 * QR_MARGIN} ${size + 2 * QR_MARGIN}"`);
    expect(svg).toContain('fill="#ffffff"');
    expect(svg).toMatch(/<path stroke="#000000" d="M\d/);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
  });
});

describe("labelQrPng", () => {
  it("is a PNG of the symbol with its quiet zone, dark where the modules are", async () => {
    const scale = 3;
    const png = await labelQrPng(URL_UPPER, scale);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks = pngChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"]);
    const [ihdr, idat] = chunks;
    if (!ihdr || !idat) throw new Error("missing chunks");
    const modules = qrModules(URL_UPPER);
    const side = (modules.size + 2 * QR_MARGIN) * scale;
    const header = new DataView(ihdr.data.slice().buffer);
    expect(header.getUint32(0)).toBe(side);
    expect(header.getUint32(4)).toBe(side);
    expect(header.getUint8(8)).toBe(1); // bit depth
    expect(header.getUint8(9)).toBe(0); // greyscale

    const scanlines = await inflate(idat.data);
    const rowBytes = Math.ceil(side / 8) + 1;
    expect(scanlines.length).toBe(rowBytes * side);
    const pixelIsDark = (x: number, y: number) =>
      (((scanlines[y * rowBytes + 1 + (x >> 3)] as number) >> (7 - (x & 7))) & 1) === 0;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const row = Math.floor(y / scale) - QR_MARGIN;
        const col = Math.floor(x / scale) - QR_MARGIN;
        if (pixelIsDark(x, y) !== modules.isDark(row, col)) {
          throw new Error(`pixel ${x},${y} differs from module ${row},${col}`);
        }
      }
    }
  });

  it("clamps the scale and defaults to 8 pixels per module", async () => {
    const modules = qrModules(URL_UPPER);
    const width = async (scale?: number) =>
      new DataView((await labelQrPng(URL_UPPER, scale)).slice(16, 20).buffer).getUint32(0);
    const quiet = modules.size + 2 * QR_MARGIN;
    expect(await width()).toBe(quiet * 8);
    expect(await width(1000)).toBe(quiet * MAX_PNG_SCALE);
    expect(await width(0)).toBe(quiet);
    expect(await width(Number.NaN)).toBe(quiet * 8);
  });
});
