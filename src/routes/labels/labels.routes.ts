import { createRoute, z } from "@hono/zod-openapi";
import { verdicts } from "../../db/schema";
import { errorResponses, jsonBody, jsonContent } from "../../lib/openapi";
import { authenticated } from "../../middleware/auth";
import { LabelSchema } from "./labels.schemas";

const CodeParam = z.object({
  code: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "code", in: "path" }, example: "1ABCDEFGHJKMNPQRSTVWX" }),
});

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

export const get = createRoute({
  method: "get",
  path: "/v1/labels/{code}",
  operationId: "getLabel",
  tags: ["labels"],
  summary: "One label with its latest 100 scans (producer own; regulator in region; admin)",
  ...authenticated("producer", "regulator", "admin"),
  request: { params: CodeParam },
  responses: {
    200: jsonContent(LabelDetailSchema, "The label"),
    ...errorResponses(400, 401, 403, 404),
  },
});

export const qrSvg = createRoute({
  method: "get",
  path: "/v1/labels/{code}/qr.svg",
  operationId: "getLabelQrSvg",
  tags: ["labels"],
  summary: "The label's QR code as SVG (error correction M, quiet zone 4)",
  ...authenticated("producer", "regulator", "admin"),
  request: { params: CodeParam },
  responses: {
    200: { description: "SVG", content: { "image/svg+xml": { schema: z.string() } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const qrPng = createRoute({
  method: "get",
  path: "/v1/labels/{code}/qr.png",
  operationId: "getLabelQrPng",
  tags: ["labels"],
  summary: "The label's QR code as PNG",
  ...authenticated("producer", "regulator", "admin"),
  request: {
    params: CodeParam,
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
    ...errorResponses(400, 401, 403, 404),
  },
});

export const voidLabels = createRoute({
  method: "post",
  path: "/v1/labels/void",
  operationId: "voidLabels",
  tags: ["labels"],
  summary: "Void labels (producer own; regulator in region; admin)",
  description:
    "All or nothing: if any code is unknown or out of reach, 404 lists them and nothing changes. Already voided codes are reported, not an error.",
  ...authenticated("producer", "regulator", "admin"),
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
    ...errorResponses(400, 401, 403, 404, 413, 415),
  },
});
