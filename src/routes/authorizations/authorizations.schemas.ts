import { z } from "@hono/zod-openapi";
import {
  authorizationStatuses,
  type authorizations,
  organizationStatuses,
  protectionTypes,
} from "../../db/schema";
import { effectiveAuthorizationStatus } from "../../lib/authorization-status";
import { apiObject } from "../../lib/schemas/api-object";
import { DateSchema } from "../../lib/schemas/date";

const effectiveStatuses = [...authorizationStatuses, "expired", "pending"] as const;

export const AuthorizationSchema = z
  .object({
    id: z.string(),
    number: z.string().openapi({ example: "GIA-2026-7K3M9Q" }),
    organization_id: z.string(),
    gi_product_id: z.string(),
    valid_from: z.string(),
    valid_until: z.string(),
    annual_label_quota: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Labels per calendar year; null is unlimited" }),
    status: z.enum(effectiveStatuses).openapi({
      description: "Stored status, or expired/pending when an active one is outside its dates",
    }),
    status_reason: z.string().nullable(),
    status_changed_by: z.string().nullable(),
    status_changed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Authorization");

export type AuthorizationRow = typeof authorizations.$inferSelect;

export function toAuthorizationDto(row: AuthorizationRow): z.infer<typeof AuthorizationSchema> {
  return apiObject(AuthorizationSchema, row, {
    status: effectiveAuthorizationStatus(row.status, row.validFrom, row.validUntil),
  });
}

export const CreateAuthorizationSchema = z
  .object({
    organization_id: z.string().min(1).max(64),
    gi_product_id: z.string().min(1).max(64),
    valid_from: DateSchema,
    valid_until: DateSchema,
    annual_label_quota: z.number().int().min(1).max(100_000_000).nullable().optional(),
  })
  .strict()
  .refine((body) => body.valid_from <= body.valid_until, {
    path: ["valid_until"],
    message: "must not be before valid_from",
  })
  .openapi("CreateAuthorization");

export const StatusChangeSchema = z
  .object({
    status: z.enum(authorizationStatuses),
    reason: z.string().trim().min(2).max(500),
  })
  .strict()
  .openapi("AuthorizationStatusChange");

export const PublicAuthorizationSchema = z
  .object({
    organization: z.object({
      name: z.string(),
      uscc: z.string(),
      region_code: z.string(),
      region_name: z.string().nullable(),
      status: z.enum(organizationStatuses).openapi({
        description: "A suspended organization's authorizations all read as suspended",
      }),
    }),
    authorizations: z.array(
      z.object({
        number: z.string(),
        status: z.enum(effectiveStatuses),
        valid_from: z.string(),
        valid_until: z.string(),
        gi_product: z.object({
          id: z.string(),
          name_zh: z.string(),
          name_en: z.string().nullable(),
          protection_type: z.enum(protectionTypes),
          registration_no: z.string(),
        }),
      }),
    ),
  })
  .openapi("PublicAuthorizationLookup");
