import { z } from "@hono/zod-openapi";
import { organizationStatuses, verdicts } from "../../db/schema";
import { attachmentHeaders, nextLinkHeaders } from "../../lib/exports/openapi-headers";
import { SCAN_CSV_COLUMNS } from "../../lib/exports/scan-columns";
import { InstantSchema } from "../../lib/instant";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema, pageOf } from "../../lib/pagination";
import { operationsOf } from "../../lib/route-specs";
import { ScanSchema } from "../../lib/schemas/scan";

const scans = operationsOf("scans");

export const ScanRequestSchema = z
  .object({
    code: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .openapi({ description: "The printed code, any case" }),
    url: z.string().min(1).max(2048).optional().openapi({
      description:
        "What the camera read: a /v/ URL, a GS1 Digital Link, or the WeChat q-wrapped URL",
    }),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    accuracy_m: z.number().min(0).max(1_000_000).optional(),
    client_id: z.string().min(8).max(128).optional().openapi({
      description: "A random id the app keeps per device; stored only as a keyed hash",
    }),
  })
  .strict()
  .refine((body) => (body.code === undefined) !== (body.url === undefined), {
    path: ["code"],
    message: "give exactly one of code and url",
  })
  .refine((body) => (body.lat === undefined) === (body.lng === undefined), {
    path: ["lng"],
    message: "give both lat and lng, or neither",
  })
  .openapi("ScanRequest");

const FirstScanSchema = z.object({
  at: z.string(),
  region_code: z.string().nullable(),
  region_name: z.string().nullable(),
});

export const ScanResultSchema = z
  .object({
    verdict: z.enum(verdicts),
    reasons: z.array(z.string()),
    message: z.string(),
    scan_id: z.string().optional().openapi({ description: "Id of the stored scan" }),
    scanned_at: z.string().optional(),
    location_token: z.string().optional().openapi({
      description:
        "Lets this client add its location to this scan (POST /v1/scans/{id}/location) until location_token_expires_at",
    }),
    location_token_expires_at: z.string().optional(),
    scan_count: z.number().int().optional().openapi({
      description:
        "Scans of the code, this one included (the N of the message's notice). Where scans are written through the queue (SCAN_INGEST=queue), scans of the last moment may not be counted yet.",
    }),
    first_scan: FirstScanSchema.nullable().optional(),
    product: z
      .object({
        id: z.string(),
        name_zh: z.string(),
        name_en: z.string().nullable(),
        category: z.string(),
        protection_type: z.string(),
        registration_no: z.string(),
        holder_name: z.string(),
        protected_region_codes: z.array(z.string()),
        quality_standard: z.string().nullable(),
        eu_china_agreement: z.boolean(),
        status: z.string(),
      })
      .optional(),
    batch: z
      .object({
        id: z.string(),
        lot_code: z.string(),
        gtin: z.string().nullable(),
        produced_at: z.string(),
        quantity: z.number(),
        unit: z.string(),
        status: z.string(),
      })
      .optional(),
    producer: z
      .object({
        name: z.string(),
        uscc: z.string(),
        kind: z.string(),
        region_code: z.string(),
        region_name: z.string().nullable(),
        status: z.enum(organizationStatuses).openapi({
          description: "suspended: every authorization of the producer reads as suspended",
        }),
      })
      .optional(),
    authorization: z
      .object({
        number: z.string(),
        status: z.string(),
        valid_from: z.string(),
        valid_until: z.string(),
      })
      .optional(),
    trace: z
      .array(
        z.object({
          type: z.string(),
          cbv_business_step: z.string(),
          step_name: z
            .string()
            .openapi({ description: "The step in the reader's language (Accept-Language)" }),
          occurred_at: z.string(),
          place_name: z.string().nullable(),
          lat: z.number().nullable(),
          lng: z.number().nullable(),
          data: z.record(z.string(), z.unknown()).nullable(),
        }),
      )
      .optional(),
  })
  .openapi("ScanResult", {
    description:
      "For an unknown or forged code only verdict (invalid), reasons and message: the same answer for both.",
  });

export const scan = scans.post("/v1/scans", "createScan", {
  access: "public",
  summary: "Verify a scanned label (anyone; a consumer token is optional)",
  description:
    "Every scan is stored. The message is Chinese, or English with Accept-Language: en. Rate limited per connecting address and per signed-in user (429 with Retry-After). With an Idempotency-Key (one per scan) a retry is the same scan: stored once, the first answer replayed.",
  // The mini-program and the verify page send a key per scan: a retry after a lost answer
  // must not count as a second scan (and a second client) of the code.
  idempotent: {
    scope: "scans.create",
    header: "One per scan; a retry with the same key and body is the same scan",
  },
  request: { body: jsonBody(ScanRequestSchema) },
  responses: { 200: jsonContent(ScanResultSchema, "The verdict") },
  errors: [429],
});

export const list = scans.get("/v1/scans", "listScans", {
  summary:
    "Stored scans in the caller's reach (regulator: scan or producer region; producer: own; consumer: its own scans)",
  description:
    "Newest first. JSON comes in pages with a `Link` to the next one (same format, filters and limit). `format=csv` and `format=geojson` stream every matching scan (`limit` and `cursor` do not apply) with the same filters and scope. The CSV is UTF-8 with a BOM (Excel opens it as UTF-8) and puts beside each identifier the words a reader wants, in the language of `Accept-Language` (Chinese unless English is asked for): product, producer, lot, verdict and rules in words, region name, and the time in Beijing beside the UTC instant. The GeoJSON is an RFC 7946 FeatureCollection of the scans with a location, with the same properties.",
  access: ["admin", "regulator", "producer", "consumer"],
  request: {
    query: ListQuerySchema.extend({
      label_code: z.string().max(64).optional(),
      batch_id: z.string().max(64).optional(),
      verdict: z.enum(verdicts).optional(),
      since: InstantSchema.optional(),
      format: z.enum(["json", "geojson", "csv"]).default("json"),
    }),
  },
  responses: {
    200: {
      description:
        "A page of scans as JSON, or every matching scan as a GeoJSON FeatureCollection of the located ones or as CSV",
      headers: { ...nextLinkHeaders, ...attachmentHeaders },
      content: {
        "application/json": { schema: pageOf(ScanSchema) },
        "application/geo+json": {
          schema: z.object({
            type: z.literal("FeatureCollection"),
            features: z.array(
              z.object({
                type: z.literal("Feature"),
                id: z.string(),
                geometry: z.object({
                  type: z.literal("Point"),
                  coordinates: z.array(z.number()).openapi({ description: "[lng, lat]" }),
                }),
                properties: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
        "text/csv": {
          schema: z.string().openapi({ example: `${SCAN_CSV_COLUMNS.join(",")}\r\n` }),
        },
      },
    },
  },
});

export const ScanLocationRequestSchema = z
  .object({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    accuracy_m: z.number().min(0).max(1_000_000).optional(),
    token: z
      .string()
      .min(1)
      .max(128)
      .openapi({ description: "location_token of the scan's answer" }),
  })
  .strict()
  .openapi("ScanLocationRequest");

export const addLocation = scans.post("/v1/scans/{id}/location", "addScanLocation", {
  access: "public",
  summary:
    "Add the device's approximate location to a scan, after its verdict (the scanning client)",
  description:
    "With the consumer's consent, after the verdict: the location (rounded to about 1 km like every stored location) is added to the same scan and the location rules run again; the answer is the scan's result with them. Accepted only with the scan's location_token (403 otherwise), within minutes of the scan (409 location_window_closed after), once per scan (409 conflict). Where scans are written by the queue consumer (SCAN_INGEST=queue), a location that arrives before its scan is stored answers 409 scan_pending with Retry-After: send it again then.",
  request: { body: jsonBody(ScanLocationRequestSchema) },
  responses: { 200: jsonContent(ScanResultSchema, "The scan's result with its location") },
  errors: [403, 409, 422],
});
