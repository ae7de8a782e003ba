import { z } from "@hono/zod-openapi";
import { reportStatuses, type reports } from "../../db/schema";
import { regionName } from "../regions";
import { apiObject } from "./api-object";

/** A consumer's report as regulators, admins and the reported producer read it. */
export const ReportSchema = z
  .object({
    id: z.string(),
    label_code: z
      .string()
      .nullable()
      .openapi({ description: "Null when the code is not a real one" }),
    description: z.string(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    region_code: z.string().nullable().openapi({ description: "Where the report was made" }),
    region_name: z.string().nullable(),
    organization_id: z.string().nullable(),
    alert_id: z.string().nullable(),
    status: z.enum(reportStatuses),
    created_at: z.string(),
  })
  .openapi("Report");

export type ReportRow = typeof reports.$inferSelect;

export const toReportDto = (row: ReportRow): z.infer<typeof ReportSchema> =>
  apiObject(ReportSchema, row, {
    region_name: row.regionCode ? regionName(row.regionCode) : null,
  });
