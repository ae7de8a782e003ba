// QR codes for labels: SVG (qrcode's renderer), PNG and a module matrix for vector drawing.
//
// The PNG is encoded here (1-bit greyscale, deflated with the platform's CompressionStream):
// both wrangler's bundler and the Workers test pool resolve qrcode through its "browser" field,
// whose entry has no toBuffer (that lives in the Node entry, on top of pngjs and Node zlib) and
// whose toDataURL needs a canvas. Checked in workerd: toBuffer is undefined, toDataURL throws.
import QRCode from "qrcode";

export const QR_ERROR_CORRECTION = "M";
/** Quiet zone in modules, as ISO/IEC 18004 requires. */
export const QR_MARGIN = 4;
export const DEFAULT_PNG_SCALE = 8;
export const MAX_PNG_SCALE = 32;

export type QrModules = {
  version: number;
  /** Modules per side, without the quiet zone (4 × version + 17). */
  size: number;
  isDark(row: number, col: number): boolean;
};

export function qrModules(text: string): QrModules {
  const symbol = QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION });
  const { size, data } = symbol.modules;
  return {
    version: symbol.version,
    size,
    isDark: (row, col) =>
      row >= 0 && col >= 0 && row < size && col < size && data[row * size + col] === 1,
  };
}

export function labelQrSvg(text: string): Promise<string> {
  return QRCode.toString(text, {
    type: "svg",
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    margin: QR_MARGIN,
  });
}

/** A PNG of `scale` pixels per module (clamped to 1..32), quiet zone included. */
export async function labelQrPng(text: string, scale = DEFAULT_PNG_SCALE): Promise<Uint8Array> {
  const pixelsPerModule = Math.min(
    MAX_PNG_SCALE,
    Math.max(1, Math.round(Number.isFinite(scale) ? scale : DEFAULT_PNG_SCALE)),
  );
  const modules = qrModules(text);
  const side = (modules.size + 2 * QR_MARGIN) * pixelsPerModule;
  // Greyscale, 1 bit per pixel: 1 is white. Each scanline starts with filter type 0 (None).
  const rowBytes = Math.ceil(side / 8) + 1;
  const scanlines = new Uint8Array(rowBytes * side).fill(0xff);
  for (let y = 0; y < side; y++) {
    const rowStart = y * rowBytes;
    scanlines[rowStart] = 0;
    const row = Math.floor(y / pixelsPerModule) - QR_MARGIN;
    for (let x = 0; x < side; x++) {
      if (modules.isDark(row, Math.floor(x / pixelsPerModule) - QR_MARGIN)) {
        const byteIndex = rowStart + 1 + (x >> 3);
        scanlines[byteIndex] = (scanlines[byteIndex] as number) & ~(0x80 >> (x & 7));
      }
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, side);
  view.setUint32(4, side);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
  return concatBytes([
    PNG_SIGNATURE,
    pngChunk("IHDR", header),
    pngChunk("IDAT", await zlibDeflate(scanlines)),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** zlib format (RFC 1950), which is what PNG's IDAT holds. */
async function zlibDeflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
