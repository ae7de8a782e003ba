import { describe, expect, it } from "vitest";
import {
  type Box,
  DEFAULT_LABEL_TEMPLATE,
  LONGEST_LABEL_URL,
  labelCorner,
  labelGeometry,
  labelTemplateIds,
  listLabelTemplates,
  MIN_QR_MODULE_MM,
} from "../../src/lib/label-templates";
import { QR_MARGIN, qrModules } from "../../src/lib/qr";

const EPSILON = 1e-9;
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width - EPSILON &&
  b.x < a.x + a.width - EPSILON &&
  a.y < b.y + b.height - EPSILON &&
  b.y < a.y + a.height - EPSILON;
const inside = (inner: Box, outer: Box, inset = 0) =>
  inner.x >= outer.x + inset - 1e-9 &&
  inner.y >= outer.y + inset - 1e-9 &&
  inner.x + inner.width <= outer.x + outer.width - inset + 1e-9 &&
  inner.y + inner.height <= outer.y + outer.height - inset + 1e-9;

describe("label templates", () => {
  it("lists the A4 sheets and the thermal rolls of the issue, with English ids and Chinese names", () => {
    const templates = listLabelTemplates();
    expect(templates.map((t) => t.id)).toEqual(labelTemplateIds);
    expect(labelTemplateIds).toEqual(
      expect.arrayContaining([
        "a4-3x8-70x37",
        "a4-4x10-52.5x29.7",
        "a4-4x7-52.5x42.4",
        "roll-40x30",
        "roll-50x30",
        "roll-60x40",
      ]),
    );
    expect(labelTemplateIds).toContain(DEFAULT_LABEL_TEMPLATE);
    for (const t of templates) {
      expect(t.id).toMatch(/^[a-z0-9.x-]+$/);
      expect(t.name).toMatch(/\p{Script=Han}/u);
      if (t.kind === "roll") {
        expect(t.page_mm).toEqual(t.label_mm);
        expect(t.per_page).toBe(1);
      } else {
        expect(t.page_mm).toEqual({ width: 210, height: 297 });
      }
    }
    const sheet = (id: string) => templates.find((t) => t.id === id);
    expect(sheet("a4-3x8-70x37")).toMatchObject({
      per_page: 24,
      label_mm: { width: 70, height: 37 },
    });
    expect(sheet("a4-4x10-52.5x29.7")).toMatchObject({ per_page: 40 });
  });

  it("sizes the QR for the longest URL we print: a Digital Link with a 20-character lot and serial", () => {
    expect(LONGEST_LABEL_URL).toMatch(/\/01\/\d{14}\/10\/[^/]{20}\/21\/[^/]{20}$/);
    const modules = qrModules(LONGEST_LABEL_URL).size + 2 * QR_MARGIN;
    for (const id of labelTemplateIds) {
      const g = labelGeometry(id);
      if (!g) throw new Error(id);
      expect(g.template.qr_module_mm, id).toBeGreaterThanOrEqual(MIN_QR_MODULE_MM);
      expect(g.qr.width / modules, id).toBeCloseTo(g.template.qr_module_mm, 3);
    }
  });

  it("keeps text off the QR and its quiet zone, and everything inside the label and its margin", () => {
    for (const id of labelTemplateIds) {
      const g = labelGeometry(id);
      if (!g) throw new Error(id);
      const label = { x: 0, y: 0, ...g.template.label_mm };
      const module = g.qr.width / (qrModules(LONGEST_LABEL_URL).size + 2 * QR_MARGIN);
      const dark = {
        x: g.qr.x + QR_MARGIN * module,
        y: g.qr.y + QR_MARGIN * module,
        width: g.qr.width - 2 * QR_MARGIN * module,
        height: g.qr.height - 2 * QR_MARGIN * module,
      };
      expect(overlaps(g.text, g.qr), id).toBe(false);
      expect(inside(g.qr, label), `${id}: quiet zone inside the label`).toBe(true);
      expect(inside(dark, label, g.margin_mm), `${id}: modules inside the margin`).toBe(true);
      expect(inside(g.text, label, g.margin_mm), `${id}: text inside the margin`).toBe(true);
      expect(g.text.width, id).toBeGreaterThan(0.35 * label.width);
    }
  });

  it("tiles the labels of a sheet inside the page without overlap", () => {
    for (const id of labelTemplateIds) {
      const g = labelGeometry(id);
      if (!g) throw new Error(id);
      const page = { x: 0, y: 0, ...g.template.page_mm };
      const boxes = Array.from({ length: g.template.per_page }, (_, slot) => ({
        ...labelCorner(g, slot),
        ...g.template.label_mm,
      }));
      for (const [i, box] of boxes.entries()) {
        expect(inside(box, page), `${id} slot ${i}`).toBe(true);
        for (const other of boxes.slice(i + 1)) expect(overlaps(box, other)).toBe(false);
      }
    }
  });
});
