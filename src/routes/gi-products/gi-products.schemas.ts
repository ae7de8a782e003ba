import { z } from "@hono/zod-openapi";
import { giCategories, giProductStatuses, type giProducts, protectionTypes } from "../../db/schema";
import { RegionCodeSchema } from "../../lib/region-schema";
import { apiObject } from "../../lib/schemas/api-object";

export const GiProductSchema = z
  .object({
    id: z.string().openapi({ example: "gi_dm0zhoushandaiyu" }),
    name_zh: z.string().openapi({ example: "舟山带鱼" }),
    name_en: z.string().nullable().openapi({ example: "Zhoushan Hairtail" }),
    category: z.enum(giCategories),
    protection_type: z.enum(protectionTypes),
    registration_no: z.string(),
    holder_name: z.string(),
    protected_region_codes: z.array(z.string()),
    protected_area: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "GeoJSON Polygon or MultiPolygon (RFC 7946)" }),
    quality_standard: z.string().nullable(),
    shelf_life_days: z.number().int().nullable(),
    eu_china_agreement: z.boolean(),
    status: z.enum(giProductStatuses),
    status_reason: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("GiProduct");

export type GiProductRow = typeof giProducts.$inferSelect;

export function toGiProductDto(row: GiProductRow): z.infer<typeof GiProductSchema> {
  return apiObject(GiProductSchema, row, {
    protected_area: (row.protectedArea as Record<string, unknown> | null) ?? null,
  });
}

const text = (max: number) => z.string().trim().min(1).max(max);

const productFields = {
  name_zh: text(100).openapi({ example: "舟山带鱼" }),
  name_en: text(200).nullable().optional().openapi({ example: "Zhoushan Hairtail" }),
  category: z.enum(giCategories),
  protection_type: z.enum(protectionTypes),
  registration_no: text(64).openapi({
    description:
      "gi_product: announcement like 2005年第171号; certification_mark/collective_mark: 5–9 digits; agri_product_gi: AGI + 5 digits. Demo data is prefixed DEMO-.",
    example: "5981316",
  }),
  holder_name: text(200),
  protected_region_codes: z.array(RegionCodeSchema).min(1).max(100),
  protected_area: z
    .unknown()
    .optional()
    .openapi({ description: "GeoJSON Polygon or MultiPolygon; null removes it" }),
  quality_standard: text(500).nullable().optional(),
  shelf_life_days: z.number().int().min(1).max(3650).nullable().optional(),
  eu_china_agreement: z.boolean().optional(),
};

export const CreateGiProductSchema = z.object(productFields).strict().openapi("CreateGiProduct");

export const UpdateGiProductSchema = z
  .object(productFields)
  .partial()
  .extend({
    status: z.enum(giProductStatuses).optional(),
    status_reason: text(500).optional().openapi({ description: "Required when status changes" }),
  })
  .strict()
  .openapi("UpdateGiProduct");
