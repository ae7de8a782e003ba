import { z } from "@hono/zod-openapi";
import { type scans, verdicts } from "../../db/schema";
import { apiObject } from "./api-object";

/** A stored scan as regulators, producers and consumers read it (GET /v1/scans, alert detail). */
export const ScanSchema = z
  .object({
    id: z.string(),
    scanned_at: z.string(),
    label_code: z.string().nullable(),
    batch_id: z.string().nullable(),
    raw_input: z.string().nullable(),
    verdict: z.enum(verdicts),
    reasons: z.array(z.string()),
    region_code: z.string().nullable(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    location_source: z.string(),
    user_agent_class: z.string().nullable(),
  })
  .openapi("Scan");

type ScanRow = typeof scans.$inferSelect;

export const toScanDto = (row: ScanRow): z.infer<typeof ScanSchema> => apiObject(ScanSchema, row);
