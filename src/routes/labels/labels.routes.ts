import { z } from "@hono/zod-openapi";
import { verdicts } from "../../db/schema";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { operationsOf } from "../../lib/route-specs";
import { LabelSchema } from "./labels.schemas";

const labels = operationsOf("labels");

export const LabelDetailSchema = LabelSchema.extend({
  scans: z.array(
    z.object({
      id: z.string(),
      scanned_at: z.string(),
      verdict: z.enum(verdicts),
      reasons: z.array(z.string()),
      region_code: z.string().nullable(),
      lat: z.number().nullable(),
      lng: z.number().nullable(),
    }),
  ),
}).openapi("LabelDetail");

export const get = labels.get("/v1/labels/{code}", "getLabel", {
  summary: "One label with its latest 100 scans (producer own; regulator in region; admin)",
  access: ["producer", "regulator", "admin"],
  responses: { 200: jsonContent(LabelDetailSchema, "The label") },
});

export const qrSvg = labels.get("/v1/labels/{code}/qr.svg", "getLabelQrSvg", {
  summary: "The label's QR code as SVG (error correction M, quiet zone 4)",
  access: ["producer", "regulator", "admin"],
  responses: { 200: { description: "SVG", content: { "image/svg+xml": { schema: z.string() } } } },
});

export const qrPng = labels.get("/v1/labels/{code}/qr.png", "getLabelQrPng", {
  summary: "The label's QR code as PNG",
  access: ["producer", "regulator", "admin"],
  request: {
    query: z.object({
      scale: z.coerce
        .number()
        .int()
        .min(1)
        .max(20)
        .default(8)
        .openapi({ description: "Pixels per module" }),
    }),
  },
  responses: {
    200: {
      description: "PNG",
      content: { "image/png": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
});

export const voidLabels = labels.post("/v1/labels/void", "voidLabels", {
  summary: "Void labels (producer own; regulator in region; admin)",
  description:
    "All or nothing: if any code is unknown or out of reach, 404 lists them and nothing changes. Already voided codes are reported, not an error.",
  access: ["producer", "regulator", "admin"],
  request: {
    body: jsonBody(
      z
        .object({
          codes: z.array(z.string().min(1).max(64)).min(1).max(1000),
          reason: z.string().trim().min(2).max(500),
        })
        .strict()
        .openapi("VoidLabels"),
    ),
  },
  responses: {
    200: jsonContent(
      z
        .object({ voided: z.array(z.string()), already_voided: z.array(z.string()) })
        .openapi("VoidResult"),
      "What changed",
    ),
  },
  errors: [404],
});
