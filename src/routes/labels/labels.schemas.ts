import { z } from "@hono/zod-openapi";

export const LabelSchema = z
  .object({
    code: z.string(),
    url: z.string(),
    batch_id: z.string(),
    status: z.enum(["active", "voided"]),
    void_reason: z.string().nullable(),
    scan_count: z.number().int(),
    first_scan_at: z.string().nullable(),
    first_scan_region: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Label");

export const IssueLabelsSchema = z
  .object({ count: z.number().int().min(1).max(10_000).openapi({ example: 100 }) })
  .strict()
  .openapi("IssueLabels");

export const IssuedLabelsSchema = z
  .object({
    issued: z.number().int(),
    labels: z.array(z.object({ code: z.string(), url: z.string() })),
  })
  .openapi("IssuedLabels");
