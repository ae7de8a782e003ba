import { z } from "@hono/zod-openapi";
import { attachmentHeaders, nextLinkHeaders } from "../../lib/exports/openapi-headers";
import { DEFAULT_LABEL_TEMPLATE, labelTemplateIds } from "../../lib/label-templates";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema, pageOf } from "../../lib/pagination";
import { operationsOf } from "../../lib/route-specs";
import { IssuedLabelsSchema, IssueLabelsSchema, LabelSchema } from "./labels.schemas";

const labels = operationsOf("labels");

export const issueLabels = labels.post("/v1/batches/{id}/labels", "issueLabels", {
  summary: "Issue 1 to 10,000 labels for a batch (producer)",
  description:
    "All or nothing, within the authorization's annual quota even under concurrency (422 quota_exceeded with `remaining`). Not for recalled batches or inactive authorizations.",
  access: ["producer"],
  idempotent: "labels.issue",
  request: { body: jsonBody(IssueLabelsSchema) },
  responses: { 201: jsonContent(IssuedLabelsSchema, "The new labels") },
  errors: [422],
});

export const listLabels = labels.get("/v1/batches/{id}/labels", "listLabels", {
  summary: "Labels of a batch as JSON pages, or all of them as one CSV stream",
  description:
    "In the batch's label order, the order labels were issued in (issue time, then code), the same in JSON and CSV: the nth label here is position n of `labels.pdf?from=`. JSON comes in pages with a `Link` to the next one. `format=csv` streams every label of the batch (`limit` and `cursor` do not apply) as UTF-8 with a BOM, so that Excel opens it as UTF-8: code, url, position, then product, lot, status, scans and first scan in words of the `Accept-Language` (Chinese unless English is asked for), first-scan time in UTC and Beijing time.",
  access: ["producer", "regulator", "admin"],
  request: {
    query: ListQuerySchema.extend({ format: z.enum(["json", "csv"]).default("json") }),
  },
  responses: {
    200: {
      description: "A page of labels (json) or every label (csv)",
      headers: { ...nextLinkHeaders, ...attachmentHeaders },
      content: {
        "application/json": { schema: pageOf(LabelSchema) },
        "text/csv": {
          schema: z.string().openapi({
            example:
              "code,url,position,product,lot_code,status,status_text,scan_count,first_scan_at,first_scan_at_beijing,first_scan_region,first_scan_region_name\r\n1ABC…,HTTPS://…/V/1ABC…,1,舟山带鱼,ZSDY-20261120-01,active,有效,0,,,,\r\n",
          }),
        },
      },
    },
  },
});

/** Labels one PDF prints at most: a 2,000-label PDF is about 1.5 MB and a second of Worker CPU. */
export const MAX_PDF_LABELS = 2000;

export const LabelsPdfQuery = z.object({
  template: z
    .enum(labelTemplateIds, { error: `template must be one of ${labelTemplateIds.join(", ")}` })
    .default(DEFAULT_LABEL_TEMPLATE)
    .openapi({ description: "A label template id (GET /v1/label-templates)" }),
  from: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .openapi({ description: "1-based position of the first label in the batch's label order" }),
  count: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PDF_LABELS)
    .optional()
    .openapi({
      description: `How many positions to print (default: the rest, at most ${MAX_PDF_LABELS})`,
    }),
});

export const labelsPdf = labels.get("/v1/batches/{id}/labels.pdf", "printLabels", {
  summary: "Printable labels of a batch on a label template, all or a range (producer)",
  description: `Positions count every label of the batch in its label order (issue time, then code: the order of \`GET /v1/batches/{id}/labels\` and its CSV), so a range can be reprinted after a printer jam; voided labels in the range are skipped, and each label prints its position. Default template ${DEFAULT_LABEL_TEMPLATE}. 400 for an unknown template, a range outside the batch or a batch without labels; 422 unprintable_text when a name holds a character the label font lacks.`,
  access: ["producer", "admin"],
  request: { query: LabelsPdfQuery },
  responses: {
    200: {
      description: "PDF",
      content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
  errors: [422],
});
