import { createRoute, z } from "@hono/zod-openapi";
import { alertSeverities, alertStatuses } from "../../db/schema";
import { errorResponses, jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema, pageOf } from "../../lib/pagination";
import { IdParam } from "../../lib/route-params";
import { authenticated } from "../../middleware/auth";
import {
  AlertDetailSchema,
  AlertSchema,
  TransitionResultSchema,
  TransitionSchema,
} from "./alerts.schemas";

export const list = createRoute({
  method: "get",
  path: "/v1/alerts",
  tags: ["alerts"],
  summary: "Alerts in the caller's reach, most recently seen first",
  description:
    "Regulator: alerts whose producer region or scan region lies in its regions; producer: its own organization's; admin: all.",
  ...authenticated("admin", "regulator", "producer"),
  request: {
    query: ListQuerySchema.extend({
      status: z.enum(alertStatuses).optional(),
      severity: z.enum(alertSeverities).optional(),
      rule: z
        .string()
        .regex(/^[a-z_]{1,40}$/, "a rule id such as many_clients")
        .optional()
        .openapi({ example: "impossible_travel" }),
      since: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({ description: "Only alerts last seen at or after this instant" }),
      subject_id: z.string().min(1).max(128).optional().openapi({
        description:
          "Only alerts about this subject (label code, batch id, …): the alerts of one case",
      }),
    }),
  },
  responses: { 200: jsonContent(pageOf(AlertSchema), "A page of alerts"), ...errorResponses },
});

export const get = createRoute({
  method: "get",
  path: "/v1/alerts/{id}",
  tags: ["alerts"],
  summary: "One alert with its history, the scans behind it and a GeoJSON map of them",
  description:
    "Scans: of the label (label alert), of the batch (batch alert), of the authorization's batches within the alert's time span (authorization alert), or the invalid scans of the client or region within that span (forgery probes). At most 500, newest first.",
  ...authenticated("admin", "regulator", "producer"),
  request: { params: IdParam },
  responses: { 200: jsonContent(AlertDetailSchema, "The alert"), ...errorResponses },
});

export const transition = createRoute({
  method: "post",
  path: "/v1/alerts/{id}/transition",
  tags: ["alerts"],
  summary: "Move an alert along its review lifecycle (admin; regulator whose regions cover it)",
  description:
    "new → acknowledged → investigating → confirmed | dismissed; also new → investigating, new or acknowledged → dismissed, acknowledged → confirmed. Confirmed and dismissed are final (409). Confirming may take actions (void_labels, suspend_authorization, recall_batch) in the same transaction as the status change; an action that does not fit the alert's subject answers 422, and actions need a regulator of the producer's region (403 otherwise). A concurrent change of the same alert answers 409 and changes nothing.",
  ...authenticated("admin", "regulator"),
  request: { params: IdParam, body: jsonBody(TransitionSchema) },
  responses: {
    200: jsonContent(
      TransitionResultSchema,
      "The alert after the change, with what the actions did",
    ),
    ...errorResponses,
  },
});
