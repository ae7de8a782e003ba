import { z } from "@hono/zod-openapi";
import { batchStatuses } from "../../db/schema";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema } from "../../lib/pagination";
import { jsonPage, operationsOf } from "../../lib/route-specs";
import {
  BatchSchema,
  CreateBatchSchema,
  CreateTraceEventSchema,
  RecallSchema,
  TraceEventSchema,
} from "./batches.schemas";

const batches = operationsOf("batches");

export const create = batches.post("/v1/batches", "createBatch", {
  summary: "Register a batch (producer)",
  description:
    "Under one of the producer's own active authorizations and one of its own sites. If the GI product defines a protected area and the site is outside it, 422 outside_protected_area.",
  access: ["producer"],
  idempotent: "batches.create",
  request: { body: jsonBody(CreateBatchSchema) },
  responses: { 201: jsonContent(BatchSchema, "The batch, in draft") },
  errors: [422],
});

export const list = batches.get("/v1/batches", "listBatches", {
  summary: "List batches in the caller's reach, newest first",
  access: ["producer", "regulator", "admin"],
  request: {
    query: ListQuerySchema.extend({
      status: z.enum(batchStatuses).optional(),
      authorization_id: z.string().max(64).optional(),
      lot_code: z.string().max(20).optional(),
    }),
  },
  responses: { 200: jsonPage(BatchSchema, "A page of batches") },
});

export const get = batches.get("/v1/batches/{id}", "getBatch", {
  summary: "Read a batch",
  access: ["producer", "regulator", "admin"],
  responses: { 200: jsonContent(BatchSchema, "The batch") },
});

export const release = batches.post("/v1/batches/{id}/release", "releaseBatch", {
  summary: "Release a draft batch to market (producer)",
  access: ["producer"],
  responses: { 200: jsonContent(BatchSchema, "The released batch") },
  errors: [409],
});

export const recall = batches.post("/v1/batches/{id}/recall", "recallBatch", {
  summary: "Recall a batch (producer; regulator in region; admin)",
  description: "Every label of a recalled batch answers the verdict recalled from then on.",
  access: ["producer", "regulator", "admin"],
  request: { body: jsonBody(RecallSchema) },
  responses: { 200: jsonContent(BatchSchema, "The recalled batch") },
  errors: [409],
});

export const createEvent = batches.post("/v1/batches/{id}/events", "createTraceEvent", {
  summary: "Append a trace event (producer); events are never edited or deleted",
  access: ["producer"],
  request: { body: jsonBody(CreateTraceEventSchema) },
  responses: { 201: jsonContent(TraceEventSchema, "The event") },
  errors: [409],
});

export const listEvents = batches.get("/v1/batches/{id}/events", "listTraceEvents", {
  summary: "The trace chain of a batch, oldest first",
  access: ["producer", "regulator", "admin"],
  responses: { 200: jsonContent(z.object({ items: z.array(TraceEventSchema) }), "The events") },
});
