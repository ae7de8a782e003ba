import { z } from "@hono/zod-openapi";
import { reportStatuses } from "../../db/schema";
import { InstantSchema } from "../../lib/instant";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema } from "../../lib/pagination";
import { jsonPage, operationsOf } from "../../lib/route-specs";
import { ReportSchema } from "../../lib/schemas/report";

const reports = operationsOf("reports");

export const CreateReportSchema = z
  .object({
    code: z.string().trim().min(1).max(2048).optional().openapi({
      description: "The code on the pack or what the camera read (a /v/ URL, a GS1 Digital Link)",
    }),
    description: z
      .string()
      .trim()
      .min(5)
      .max(1000)
      .openapi({ example: "包装印刷模糊，二维码贴纸可以整张揭下，价格明显低于市场价" }),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    client_id: z.string().min(8).max(128).optional().openapi({
      description: "The app's per-device id, as for scans; stored only as a keyed hash",
    }),
  })
  .strict()
  .refine((body) => (body.lat === undefined) === (body.lng === undefined), {
    path: ["lng"],
    message: "give both lat and lng, or neither",
  })
  .openapi("CreateReport");

export const ReportCreatedSchema = z
  .object({ id: z.string(), status: z.enum(reportStatuses) })
  .openapi("ReportCreated");

export const create = reports.post("/v1/reports", "createReport", {
  access: "public",
  summary: "Report a suspected fake (anyone; a consumer token is optional)",
  description:
    "Stores the report whole (coordinates rounded to about 1 km, the client only as a keyed hash) and attaches it to a consumer_report alert (severity medium), raised or updated: on the label when the code is a real one, for its producer's region; otherwise on the prefecture where the report was made (or `unknown`). Limited to 10 a minute per connecting address and per signed-in user (429 with Retry-After).",
  // A phone on a weak network retries; with a key the retry does not count as a second report.
  idempotent: "reports.create",
  request: {
    body: jsonBody(CreateReportSchema),
  },
  responses: { 201: jsonContent(ReportCreatedSchema, "The report was stored") },
  errors: [429],
});

export const list = reports.get("/v1/reports", "listReports", {
  summary: "Consumers' reports in the caller's reach, newest first",
  description:
    "Regulator: reports made in its regions or about labels of producers in its regions; producer: reports about its own labels; admin: all.",
  access: ["admin", "regulator", "producer"],
  request: {
    query: ListQuerySchema.extend({
      status: z.enum(reportStatuses).optional(),
      label_code: z.string().max(64).optional(),
      since: InstantSchema.optional().openapi({
        description: "Only reports made at or after this instant",
      }),
    }),
  },
  responses: { 200: jsonPage(ReportSchema, "A page of reports") },
});

export const get = reports.get("/v1/reports/{id}", "getReport", {
  summary: "One consumer's report",
  access: ["admin", "regulator", "producer"],
  responses: { 200: jsonContent(ReportSchema, "The report") },
});
