// Label stock the PDF prints on: borderless A4 sticker sheets sold in China and thermal roll
// labels (one label per page, the page the size of the label). Geometry in millimetres, y down
// from the label's top-left corner.
//
// Every label: the QR on the left, its dark modules `margin_mm` inside the label edge and its
// 4-module quiet zone inside the label; the text in a column to the right, `margin_mm` inside
// the other edges, never over the quiet zone. The QR is as large as the label allows while the
// text column keeps TEXT_MIN_SHARE of the label's width. `qr_module_mm` is the module size for
// the longest URL we print (LONGEST_LABEL_URL); shorter URLs need fewer modules and get larger
// ones in the same square.
//
// Margins: 4 mm on A4 sheets (the outer labels of a borderless sheet reach the paper edge, and
// office lasers and inkjets leave about 4 mm unprinted), 1.5 mm on rolls (thermal heads print to
// the label edge; die-cut labels sit within about ±1 mm of where the printer expects them).
// Module size floor 0.4 mm: a phone's scanner preview (about 1,920 px across a 380 mm wide view
// at 30 cm, 0.2 mm a pixel) then gets 2 pixels a module at 30 cm and more when closer.
import { QR_MARGIN, qrModules } from "./qr";

export type Size = { width: number; height: number };
export type Box = { x: number; y: number; width: number; height: number };

export type LabelTemplate = {
  id: string;
  name: string;
  kind: "sheet" | "roll";
  page_mm: Size;
  label_mm: Size;
  per_page: number;
  qr_module_mm: number;
};

export type LabelGeometry = {
  template: LabelTemplate;
  columns: number;
  rows: number;
  /** Top-left corner of the first label on the page. */
  first_mm: { x: number; y: number };
  margin_mm: number;
  /** The QR square including its quiet zone, in label coordinates. */
  qr: Box;
  /** Where text may go, in label coordinates. */
  text: Box;
};

/**
 * A GS1 Digital Link with a 20-character lot and a 20-character serial on a 32-character host,
 * lower-case so the QR needs byte mode: longer than any URL a label of ours carries.
 */
export const LONGEST_LABEL_URL = `https://${"trace.gi-registry.example.gov.cn"}/01/06901234567892/10/${"zsdy-2026.11.20-ab_9"}/21/${"1abcdefghjkmnpqrstvw"}`;

export const MIN_QR_MODULE_MM = 0.4;
const TEXT_MIN_SHARE = 0.38;
const TEXT_GAP_MM = 0.5;
const QUIET_ZONE_EDGE_MM = 0.5;

type Stock = {
  id: string;
  name: string;
  kind: "sheet" | "roll";
  columns: number;
  rows: number;
  label: Size;
};

const A4: Size = { width: 210, height: 297 };

const stocks: Stock[] = [
  {
    id: "a4-4x7-52.5x42.4",
    name: "A4 不干胶 4×7（52.5×42.4 mm，28 枚）",
    kind: "sheet",
    columns: 4,
    rows: 7,
    label: { width: 52.5, height: 42.4 },
  },
  {
    id: "a4-3x8-70x37",
    name: "A4 不干胶 3×8（70×37 mm，24 枚）",
    kind: "sheet",
    columns: 3,
    rows: 8,
    label: { width: 70, height: 37 },
  },
  {
    id: "a4-4x10-52.5x29.7",
    name: "A4 不干胶 4×10（52.5×29.7 mm，40 枚）",
    kind: "sheet",
    columns: 4,
    rows: 10,
    label: { width: 52.5, height: 29.7 },
  },
  {
    id: "roll-40x30",
    name: "热敏卷标 40×30 mm",
    kind: "roll",
    columns: 1,
    rows: 1,
    label: { width: 40, height: 30 },
  },
  {
    id: "roll-50x30",
    name: "热敏卷标 50×30 mm",
    kind: "roll",
    columns: 1,
    rows: 1,
    label: { width: 50, height: 30 },
  },
  {
    id: "roll-60x40",
    name: "热敏卷标 60×40 mm",
    kind: "roll",
    columns: 1,
    rows: 1,
    label: { width: 60, height: 40 },
  },
];

/** The template the PDF uses when none is asked for: the 28-label A4 sheet it always printed. */
export const DEFAULT_LABEL_TEMPLATE = "a4-4x7-52.5x42.4";

const round = (mm: number, step = 0.01) => Math.round(mm / step) * step;

function geometryOf(stock: Stock, darkModules: number): LabelGeometry {
  const { width, height } = stock.label;
  const margin = stock.kind === "sheet" ? 4 : 1.5;
  const withQuietZone = darkModules + 2 * QR_MARGIN;
  // Largest module that keeps the dark modules inside the margin, the quiet zone inside the
  // label, and the text column its share of the width.
  const byHeight = Math.min(
    (height - 2 * margin) / darkModules,
    (height - 2 * QUIET_ZONE_EDGE_MM) / withQuietZone,
  );
  const textWidth = TEXT_MIN_SHARE * width;
  const byWidth = Math.min(
    (width - margin - TEXT_GAP_MM - textWidth - margin) / (darkModules + QR_MARGIN),
    (width - QUIET_ZONE_EDGE_MM - TEXT_GAP_MM - textWidth - margin) / withQuietZone,
  );
  const module = Math.floor(Math.min(byHeight, byWidth) * 1000) / 1000;
  const side = module * withQuietZone;
  const qrX = Math.max(QUIET_ZONE_EDGE_MM, margin - QR_MARGIN * module);
  const qr = { x: qrX, y: (height - side) / 2, width: side, height: side };
  const textX = qr.x + side + TEXT_GAP_MM;
  const page = stock.kind === "sheet" ? A4 : stock.label;
  return {
    template: {
      id: stock.id,
      name: stock.name,
      kind: stock.kind,
      page_mm: page,
      label_mm: stock.label,
      per_page: stock.columns * stock.rows,
      qr_module_mm: round(module, 0.001),
    },
    columns: stock.columns,
    rows: stock.rows,
    // Sheets are borderless across; what the rows leave of the page height is split top and bottom.
    first_mm: {
      x: (page.width - stock.columns * width) / 2,
      y: (page.height - stock.rows * height) / 2,
    },
    margin_mm: margin,
    qr,
    text: { x: textX, y: margin, width: width - margin - textX, height: height - 2 * margin },
  };
}

const darkModules = qrModules(LONGEST_LABEL_URL).size;
const geometries = new Map(stocks.map((s) => [s.id, geometryOf(s, darkModules)]));

export const labelTemplateIds = stocks.map((s) => s.id) as [string, ...string[]];

export function listLabelTemplates(): LabelTemplate[] {
  return [...geometries.values()].map((g) => g.template);
}

export function labelGeometry(id: string): LabelGeometry | undefined {
  return geometries.get(id);
}

/** Top-left corner of the label in `slot` (0-based, row by row) on its page, in mm. */
export function labelCorner(geometry: LabelGeometry, slot: number): { x: number; y: number } {
  const column = slot % geometry.columns;
  const row = Math.floor(slot / geometry.columns);
  return {
    x: geometry.first_mm.x + column * geometry.template.label_mm.width,
    y: geometry.first_mm.y + row * geometry.template.label_mm.height,
  };
}
