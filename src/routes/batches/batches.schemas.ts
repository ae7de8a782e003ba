import { z } from "@hono/zod-openapi";
import { type batches, batchStatuses, type traceEvents, traceEventTypes } from "../../db/schema";
import { InstantSchema } from "../../lib/instant";
import { apiObject } from "../../lib/schemas/api-object";
import {
  cbvBusinessStep,
  jsonDepth,
  MAX_EVENT_DATA_BYTES,
  MAX_EVENT_DATA_DEPTH,
} from "../../lib/trace-events";

const IsoTimestamp = InstantSchema;
const MAX_EVENT_DATA_KEYS = 100;
// propertyNames is JSON Schema 2020-12 (OpenAPI 3.1) but missing from the metadata type.
const eventDataLimits = {
  maxProperties: MAX_EVENT_DATA_KEYS,
  propertyNames: { type: "string", maxLength: 64 },
} as { maxProperties: number };

export const BatchSchema = z
  .object({
    id: z.string(),
    organization_id: z.string(),
    authorization_id: z.string(),
    site_id: z.string(),
    lot_code: z.string(),
    gtin: z.string().nullable().openapi({ description: "GTIN-14" }),
    quantity: z.number(),
    unit: z.string(),
    produced_at: z.string(),
    description: z.string().nullable(),
    status: z.enum(batchStatuses),
    status_reason: z.string().nullable(),
    released_at: z.string().nullable(),
    recalled_at: z.string().nullable(),
    label_count: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Batch");

export type BatchRow = typeof batches.$inferSelect;

export function toBatchDto(row: BatchRow): z.infer<typeof BatchSchema> {
  return apiObject(BatchSchema, row);
}

export const CreateBatchSchema = z
  .object({
    authorization_id: z.string().min(1).max(64),
    site_id: z.string().min(1).max(64),
    lot_code: z
      .string()
      .trim()
      .min(1)
      .max(20)
      .regex(/^[A-Za-z0-9\-._]+$/, "letters, digits, - . _ (GS1 AI 10 allows up to 20)")
      .openapi({ example: "ZSDY-20261120-01" }),
    quantity: z.number().positive().max(1e9),
    unit: z.string().trim().min(1).max(16).openapi({ example: "kg" }),
    produced_at: IsoTimestamp,
    gtin: z.string().trim().max(14).optional().openapi({
      description: "GTIN-8/12/13/14, check digit verified; stored as GTIN-14",
      example: "06901234567892",
    }),
    description: z.string().trim().max(1000).optional(),
  })
  .strict()
  .openapi("CreateBatch");

export const RecallSchema = z
  .object({ reason: z.string().trim().min(2).max(500) })
  .strict()
  .openapi("Recall");

const stepList = Object.entries(cbvBusinessStep)
  .map(([type, step]) => `${type} → ${step}`)
  .join(", ");

export const TraceEventSchema = z
  .object({
    id: z.string(),
    batch_id: z.string(),
    type: z.enum(traceEventTypes),
    cbv_business_step: z.string(),
    occurred_at: z.string(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    place_name: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
  })
  .openapi("TraceEvent", {
    description: `Event types map to GS1 CBV business steps: ${stepList}.`,
  });

export function toTraceEventDto(
  row: typeof traceEvents.$inferSelect,
): z.infer<typeof TraceEventSchema> {
  return apiObject(TraceEventSchema, row, {
    cbv_business_step: cbvBusinessStep[row.type],
    data: row.data ?? null,
  });
}

export const CreateTraceEventSchema = z
  .object({
    // "other" is only for captured EPCIS events, which carry their own business step.
    type: z
      .enum(traceEventTypes)
      .exclude(["other"])
      .openapi({ description: `GS1 CBV business steps: ${stepList}` }),
    occurred_at: IsoTimestamp,
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    place_name: z.string().trim().min(1).max(200).optional(),
    data: z
      .record(z.string().max(64), z.unknown())
      .refine((data) => Object.keys(data).length <= MAX_EVENT_DATA_KEYS, {
        message: `at most ${MAX_EVENT_DATA_KEYS} keys`,
      })
      .openapi(eventDataLimits)
      .optional()
      // Depth first: serialising a value nested thousands of levels deep would overflow.
      .superRefine((data, ctx) => {
        if (data === undefined) return;
        if (jsonDepth(data, MAX_EVENT_DATA_DEPTH) > MAX_EVENT_DATA_DEPTH) {
          ctx.addIssue({
            code: "custom",
            message: `nested at most ${MAX_EVENT_DATA_DEPTH} levels`,
          });
          return;
        }
        if (new TextEncoder().encode(JSON.stringify(data)).length > MAX_EVENT_DATA_BYTES)
          ctx.addIssue({
            code: "custom",
            message: `at most ${MAX_EVENT_DATA_BYTES} bytes of JSON`,
          });
      }),
  })
  .strict()
  .refine((event) => (event.lat === undefined) === (event.lng === undefined), {
    path: ["lng"],
    message: "give both lat and lng, or neither",
  })
  .openapi("CreateTraceEvent");
