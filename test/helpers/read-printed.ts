// Reading printed labels back as a phone would: MuPDF (wasm) renders the PDF, SVG or PNG to
// pixels and jsQR decodes the QR from them. Shared by the PDF tests and the paper-to-verdict
// browser test.
import jsQR from "jsqr";
import * as mupdf from "mupdf";
import { type LabelGeometry, labelCorner } from "../../src/lib/label-templates";

const DPI = 200;
const PX_PER_MM = DPI / 25.4;

type Rgba = { rgba: Uint8ClampedArray; width: number; height: number };

function rgbaOf(pixmap: mupdf.Pixmap, x0: number, y0: number, width: number, height: number): Rgba {
  const pixels = pixmap.getPixels();
  const stride = pixmap.getStride();
  const n = pixmap.getNumberOfComponents() + (pixmap.getAlpha() ? 1 : 0);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y0 + y) * stride + (x0 + x) * n;
      const to = (y * width + x) * 4;
      rgba[to] = pixels[from] as number;
      rgba[to + 1] = pixels[from + 1] as number;
      rgba[to + 2] = pixels[from + 2] as number;
      rgba[to + 3] = 255;
    }
  }
  return { rgba, width, height };
}

/** The QR square (with its quiet zone and 1 mm more) of the label in `slot`, as RGBA. */
function qrCell(pixmap: mupdf.Pixmap, geometry: LabelGeometry, slot: number): Rgba {
  const origin = labelCorner(geometry, slot);
  const pad = 1;
  const x0 = Math.max(0, Math.floor((origin.x + geometry.qr.x - pad) * PX_PER_MM));
  const y0 = Math.max(0, Math.floor((origin.y + geometry.qr.y - pad) * PX_PER_MM));
  const side = Math.ceil((geometry.qr.width + 2 * pad) * PX_PER_MM);
  const width = Math.min(side, pixmap.getWidth() - x0);
  const height = Math.min(side, pixmap.getHeight() - y0);
  return rgbaOf(pixmap, x0, y0, width, height);
}

/** Renders every page and decodes every label's QR; returns the decoded texts and the text layer. */
export async function readBack(pdf: Uint8Array, geometry: LabelGeometry, count: number) {
  const doc = mupdf.Document.openDocument(pdf, "application/pdf");
  const decoded: (string | null)[] = [];
  const pageTexts: string[] = [];
  for (let index = 0; index < doc.countPages(); index++) {
    const page = doc.loadPage(index);
    pageTexts.push(page.toStructuredText("preserve-whitespace").asText());
    const pixmap = page.toPixmap(
      mupdf.Matrix.scale(DPI / 72, DPI / 72),
      mupdf.ColorSpace.DeviceRGB,
      false,
    );
    const onPage = Math.min(geometry.template.per_page, count - index * geometry.template.per_page);
    for (let slot = 0; slot < onPage; slot++) {
      const cell = qrCell(pixmap, geometry, slot);
      decoded.push(jsQR(cell.rgba, cell.width, cell.height)?.data ?? null);
    }
  }
  return { decoded, pageTexts, pages: doc.countPages() };
}

/** Decodes the one QR of an image (`image/png` or `image/svg+xml`), rendered at `scale`. */
export function readQrImage(bytes: Uint8Array, mime: string, scale = 4): string | null {
  const doc = mupdf.Document.openDocument(bytes, mime);
  const pixmap = doc
    .loadPage(0)
    .toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceRGB, false);
  const image = rgbaOf(pixmap, 0, 0, pixmap.getWidth(), pixmap.getHeight());
  return jsQR(image.rgba, image.width, image.height)?.data ?? null;
}
