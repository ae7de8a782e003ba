import { z } from "@hono/zod-openapi";
import { alertSeverities, alertStatuses } from "../../db/schema";
import { InstantSchema } from "../../lib/instant";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema } from "../../lib/pagination";
import { jsonPage, operationsOf } from "../../lib/route-specs";
import {
  AlertDetailSchema,
  AlertEventSchema,
  AlertNoteSchema,
  AlertSchema,
  TransitionResultSchema,
  TransitionSchema,
} from "./alerts.schemas";

const alerts = operationsOf("alerts");

export const list = alerts.get("/v1/alerts", "listAlerts", {
  summary: "Alerts in the caller's reach, most recently seen first",
  description:
    "Regulator: alerts whose producer region or scan region lies in its regions; producer: its own organization's; admin: all.",
  access: ["admin", "regulator", "producer"],
  request: {
    query: ListQuerySchema.extend({
      status: z.enum(alertStatuses).optional(),
      severity: z.enum(alertSeverities).optional(),
      rule: z
        .string()
        .regex(/^[a-z_]{1,40}$/, "a rule id such as many_clients")
        .optional()
        .openapi({ example: "impossible_travel" }),
      since: InstantSchema.optional().openapi({
        description: "Only alerts last seen at or after this instant",
      }),
      subject_id: z.string().min(1).max(128).optional().openapi({
        description:
          "Only alerts about this subject (label code, batch id, …): the alerts of one case",
      }),
    }),
  },
  responses: { 200: jsonPage(AlertSchema, "A page of alerts") },
});

export const get = alerts.get("/v1/alerts/{id}", "getAlert", {
  summary: "One alert with its history, the scans behind it and a GeoJSON map of them",
  description:
    "Scans: of the label (label alert), of the batch (batch alert), of the authorization's batches within the alert's time span (authorization alert), or the invalid scans of the client or region within that span (forgery probes). At most 500, newest first.",
  access: ["admin", "regulator", "producer"],
  responses: { 200: jsonContent(AlertDetailSchema, "The alert") },
});

export const transition = alerts.post("/v1/alerts/{id}/transition", "transitionAlert", {
  summary: "Move an alert along its review lifecycle (admin; regulator whose regions cover it)",
  description:
    "new → acknowledged → investigating → confirmed | dismissed; also new → investigating, new or acknowledged → dismissed, acknowledged → confirmed. Confirmed and dismissed are final (409); a later hit on the same subject opens a new alert. Only admins and regulators of the owning region (the producer's; the scan region for an alert without a producer) move an alert (403 for a regulator who sees it only through scans on its markets: it may add a note). Confirming may take actions (void_labels, suspend_authorization, recall_batch) in the same transaction as the status change; an action that does not fit the alert's subject answers 422. A concurrent change of the same alert answers 409 and changes nothing.",
  access: ["admin", "regulator"],
  request: { body: jsonBody(TransitionSchema) },
  responses: {
    200: jsonContent(
      TransitionResultSchema,
      "The alert after the change, with what the actions did",
    ),
  },
  errors: [409, 422],
});

export const addNote = alerts.post("/v1/alerts/{id}/notes", "addAlertNote", {
  summary: "Add a note to an alert without changing its status (admin; regulator who sees it)",
  description:
    "For a bureau that sees the alert through scans on its markets and wants the owning bureau to know what it found. Recorded in the alert's history with from_status = to_status.",
  access: ["admin", "regulator"],
  request: { body: jsonBody(AlertNoteSchema) },
  responses: { 201: jsonContent(AlertEventSchema, "The note as a history entry") },
});
