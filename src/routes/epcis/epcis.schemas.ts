import { z } from "@hono/zod-openapi";

export const EpcisDocumentSchema = z.record(z.string(), z.unknown()).openapi("EPCISDocument", {
  description: "An EPCIS 2.0 JSON-LD document (GS1 EPCIS 2.0 JSON schema), `type: EPCISDocument`.",
});

export const CaptureJobSchema = z
  .object({
    captureID: z.string(),
    running: z.boolean(),
    success: z.boolean(),
    createdAt: z.string(),
    finishedAt: z.string(),
    eventCount: z.number().int(),
    capturedCount: z.number().int(),
    duplicateCount: z.number().int(),
    errors: z.array(
      z.object({
        eventIndex: z.number().int(),
        eventID: z.string().nullable(),
        reason: z.string(),
      }),
    ),
  })
  .openapi("CaptureJob");

const timestamp = z.iso.datetime({ offset: true });

export const EventsQuerySchema = z.object({
  EQ_bizStep: z.string().max(200).optional(),
  MATCH_epc: z.string().max(2048).optional(),
  MATCH_epcClass: z.string().max(2048).optional(),
  GE_eventTime: timestamp.optional(),
  LT_eventTime: timestamp.optional(),
  perPage: z.coerce.number().int().min(1).max(200).default(50),
  nextPageToken: z.string().max(200).optional(),
});
