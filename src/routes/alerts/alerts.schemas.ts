import { z } from "@hono/zod-openapi";
import {
  type alertEvents,
  alertSeverities,
  alertStatuses,
  alertSubjects,
  type alerts,
  type scans,
  verdicts,
} from "../../db/schema";
import { alertActions } from "../../lib/alert-lifecycle";
import { regionName } from "../../lib/regions";
import { apiObject } from "../../lib/schemas/api-object";
import { ReportSchema } from "../../lib/schemas/report";
import { ScanSchema } from "../../lib/schemas/scan";

export type AlertRow = typeof alerts.$inferSelect;
export type AlertEventRow = typeof alertEvents.$inferSelect;
export type ScanRow = typeof scans.$inferSelect;

export const AlertSchema = z
  .object({
    id: z.string(),
    rule: z.string().openapi({ description: "A risk rule id (section 5) or consumer_report" }),
    subject_type: z.enum(alertSubjects),
    subject_id: z.string().openapi({
      description: "Label code, batch id, authorization id, source key hash or region code",
    }),
    label_code: z.string().nullable(),
    batch_id: z.string().nullable(),
    authorization_id: z.string().nullable(),
    organization_id: z.string().nullable(),
    region_code: z.string().nullable().openapi({ description: "The producer's region" }),
    region_name: z.string().nullable(),
    scan_region_code: z
      .string()
      .nullable()
      .openapi({ description: "Where the scans or the report that raised it happened" }),
    scan_region_name: z.string().nullable(),
    severity: z.enum(alertSeverities),
    status: z.enum(alertStatuses),
    count: z.number().int().openapi({ description: "Findings merged into it within the cooldown" }),
    first_seen_at: z.string(),
    last_seen_at: z.string(),
    details: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Alert");

const nameOf = (code: string | null) => (code ? regionName(code) : null);

export function toAlertDto(row: AlertRow): z.infer<typeof AlertSchema> {
  return apiObject(AlertSchema, row, {
    region_name: nameOf(row.regionCode),
    scan_region_name: nameOf(row.scanRegionCode),
    details: row.details ?? null,
  });
}

export const AlertEventSchema = z
  .object({
    id: z.string(),
    from_status: z.enum(alertStatuses).nullable(),
    to_status: z.enum(alertStatuses),
    note: z.string().nullable(),
    actions: z.array(z.string()),
    actor_user_id: z
      .string()
      .nullable()
      .openapi({ description: "Null when the risk engine raised it" }),
    at: z.string(),
  })
  .openapi("AlertEvent");

export function toAlertEventDto(row: AlertEventRow): z.infer<typeof AlertEventSchema> {
  return apiObject(AlertEventSchema, row);
}

export const ScanFeatureCollectionSchema = z
  .object({
    type: z.literal("FeatureCollection"),
    features: z.array(
      z.object({
        type: z.literal("Feature"),
        geometry: z.object({
          type: z.literal("Point"),
          coordinates: z.tuple([z.number(), z.number()]).openapi({ description: "[lng, lat]" }),
        }),
        properties: z.object({
          scanned_at: z.string(),
          verdict: z.enum(verdicts),
          region_code: z.string().nullable(),
        }),
      }),
    ),
  })
  .openapi("ScanFeatureCollection", { description: "The located scans (RFC 7946)" });

/** The scans that carry coordinates, as GeoJSON points ([lng, lat] per RFC 7946). */
export function scanFeatureCollection(
  rows: ScanRow[],
): z.infer<typeof ScanFeatureCollectionSchema> {
  return {
    type: "FeatureCollection",
    features: rows.flatMap((row) =>
      row.lat === null || row.lng === null
        ? []
        : [
            {
              type: "Feature" as const,
              geometry: {
                type: "Point" as const,
                coordinates: [row.lng, row.lat] as [number, number],
              },
              properties: {
                scanned_at: row.scannedAt,
                verdict: row.verdict,
                region_code: row.regionCode,
              },
            },
          ],
    ),
  };
}

export const AlertDetailSchema = AlertSchema.extend({
  events: z.array(AlertEventSchema).openapi({ description: "The lifecycle history, oldest first" }),
  scans: z
    .array(ScanSchema)
    .openapi({ description: "The scans behind it, newest first, at most 500" }),
  reports: z
    .array(ReportSchema)
    .openapi({ description: "Consumers' reports attached to it, newest first, at most 500" }),
  geojson: ScanFeatureCollectionSchema,
}).openapi("AlertDetail");

export const TransitionSchema = z
  .object({
    to: z.enum(alertStatuses).openapi({ example: "confirmed" }),
    note: z.string().trim().min(2).max(1000).openapi({ example: "现场核查确认为假冒包装" }),
    actions: z.array(z.enum(alertActions)).max(alertActions.length).optional().openapi({
      description: "Only with to=confirmed; executed with the status change, all or nothing",
    }),
  })
  .strict()
  .refine((body) => !body.actions?.length || body.to === "confirmed", {
    path: ["actions"],
    message: "actions are taken only when confirming (to=confirmed)",
  })
  .refine((body) => new Set(body.actions ?? []).size === (body.actions ?? []).length, {
    path: ["actions"],
    message: "each action at most once",
  })
  .openapi("AlertTransition");

export const AlertNoteSchema = z
  .object({
    note: z.string().trim().min(2).max(1000).openapi({ example: "本市市场发现同码包装 12 件" }),
  })
  .strict()
  .openapi("AlertNote");

export const TransitionResultSchema = AlertSchema.extend({
  effects: z
    .object({
      voided_labels: z.number().int().openapi({ description: "Labels voided by void_labels" }),
      authorization_suspended: z.boolean(),
      batch_recalled: z.boolean(),
    })
    .openapi({
      description:
        "What the actions changed; an object already in the target state is left as it is",
    }),
}).openapi("AlertTransitionResult");
