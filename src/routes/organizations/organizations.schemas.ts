import { z } from "@hono/zod-openapi";
import {
  organizationKinds,
  organizationStatuses,
  type organizations,
  siteKinds,
  type sites,
} from "../../db/schema";
import { RegionCodeSchema } from "../../lib/region-schema";
import { apiObject } from "../../lib/schemas/api-object";
import { checkUscc } from "../../lib/uscc";

export const UsccSchema = z
  .string()
  .trim()
  .max(32)
  .transform((value, ctx) => {
    const check = checkUscc(value);
    if (check.valid) return check.uscc;
    ctx.addIssue({ code: "custom", message: `invalid USCC (GB 32100-2015): ${check.reason}` });
    return z.NEVER;
  })
  .openapi({
    type: "string",
    maxLength: 32,
    example: "93330903MA2A1B2C39",
    description:
      "统一社会信用代码, 18 characters, check character verified; normalised to upper case",
  });

export const OrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    uscc: z.string(),
    kind: z.enum(organizationKinds),
    region_code: z.string(),
    address: z.string().nullable(),
    contact_name: z.string().nullable(),
    contact_phone: z.string().nullable(),
    contact_email: z.string().nullable(),
    status: z.enum(organizationStatuses),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Organization");

export function toOrganizationDto(
  row: typeof organizations.$inferSelect,
): z.infer<typeof OrganizationSchema> {
  return apiObject(OrganizationSchema, row);
}

const text = (max: number) => z.string().trim().min(1).max(max);

type NewOrganization = {
  name: string;
  uscc: string;
  kind: (typeof organizationKinds)[number];
  region_code: string;
  address?: string | null;
  contact_name?: string | null;
  contact_phone?: string | null;
  contact_email?: string | null;
};

/** The row of a new organization from its API fields, as POST and the CSV import store it. */
export const toOrganizationValues = (id: string, input: NewOrganization) => ({
  id,
  name: input.name,
  uscc: input.uscc,
  kind: input.kind,
  regionCode: input.region_code,
  address: input.address ?? null,
  contactName: input.contact_name ?? null,
  contactPhone: input.contact_phone ?? null,
  contactEmail: input.contact_email ?? null,
});

export const organizationFields = {
  name: text(200).openapi({ example: "舟山市普陀区东海带鱼捕捞专业合作社" }),
  uscc: UsccSchema,
  kind: z.enum(organizationKinds),
  region_code: RegionCodeSchema,
  address: text(300).nullable().optional(),
  contact_name: text(100).nullable().optional(),
  contact_phone: z
    .string()
    .trim()
    .regex(/^[0-9+\-() ]{5,32}$/, "a phone number")
    .nullable()
    .optional(),
  contact_email: z.email().max(254).nullable().optional(),
};

export const CreateOrganizationSchema = z
  .object(organizationFields)
  .strict()
  .openapi("CreateOrganization");

export const UpdateOrganizationSchema = z
  .object(organizationFields)
  .omit({ uscc: true })
  .partial()
  .extend({ status: z.enum(organizationStatuses).optional() })
  .strict()
  .openapi("UpdateOrganization");

export const SiteSchema = z
  .object({
    id: z.string(),
    organization_id: z.string(),
    name: z.string(),
    kind: z.enum(siteKinds),
    lat: z.number(),
    lng: z.number(),
    region_code: z.string(),
    within_protected_areas: z
      .array(z.object({ gi_product_id: z.string(), name_zh: z.string() }))
      .openapi({ description: "GI products whose protected area contains this site" }),
    created_at: z.string(),
  })
  .openapi("Site");

export type SiteRow = typeof sites.$inferSelect;

export const CreateSiteSchema = z
  .object({
    name: text(200).openapi({ example: "沈家门渔港卸货码头" }),
    kind: z.enum(siteKinds),
    lat: z.number().min(-90).max(90).openapi({ example: 29.9445 }),
    lng: z.number().min(-180).max(180).openapi({ example: 122.3027 }),
    region_code: RegionCodeSchema,
  })
  .strict()
  .openapi("CreateSite");
