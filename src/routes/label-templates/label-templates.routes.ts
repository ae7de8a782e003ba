import { z } from "@hono/zod-openapi";
import { jsonContent } from "../../lib/openapi";
import { operationsOf } from "../../lib/route-specs";

const labels = operationsOf("labels");

const SizeSchema = z.object({ width: z.number(), height: z.number() });

export const LabelTemplateSchema = z
  .object({
    id: z.string().openapi({ example: "a4-3x8-70x37" }),
    name: z.string().openapi({ example: "A4 不干胶 3×8（70×37 mm，24 枚）" }),
    kind: z.enum(["sheet", "roll"]),
    page_mm: SizeSchema,
    label_mm: SizeSchema,
    per_page: z.number().int(),
    qr_module_mm: z.number().openapi({
      description:
        "QR module size for the longest URL a label carries (a GS1 Digital Link with a 20-character lot and serial); shorter URLs get larger modules",
    }),
  })
  .openapi("LabelTemplate");

export const list = labels.get("/v1/label-templates", "listLabelTemplates", {
  summary: "Label stock the PDF prints on: A4 sticker sheets and thermal rolls",
  description:
    "Pass an `id` as `template` to `GET /v1/batches/{id}/labels.pdf`. The default template is `a4-4x7-52.5x42.4`.",
  access: ["producer", "admin"],
  responses: {
    200: jsonContent(z.object({ items: z.array(LabelTemplateSchema) }), "Every template"),
  },
});
