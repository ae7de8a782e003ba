import { createRoute, z } from "@hono/zod-openapi";
import { batchStatuses } from "../../db/schema";
import { errorResponses, jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema, pageOf } from "../../lib/pagination";
import { IdParam } from "../../lib/route-params";
import { authenticated } from "../../middleware/auth";
import { IdempotencyHeader, idempotent } from "../../middleware/idempotency";
import {
  BatchSchema,
  CreateBatchSchema,
  CreateTraceEventSchema,
  RecallSchema,
  TraceEventSchema,
} from "./batches.schemas";

export const create = createRoute({
  method: "post",
  path: "/v1/batches",
  operationId: "createBatch",
  tags: ["batches"],
  summary: "Register a batch (producer)",
  description:
    "Under one of the producer's own active authorizations and one of its own sites. If the GI product defines a protected area and the site is outside it, 422 outside_protected_area.",
  security: [{ bearer: [] }],
  middleware: [...authenticated("producer").middleware, idempotent("batches.create")],
  request: { headers: IdempotencyHeader, body: jsonBody(CreateBatchSchema) },
  responses: {
    201: jsonContent(BatchSchema, "The batch, in draft"),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422),
  },
});

export const list = createRoute({
  method: "get",
  path: "/v1/batches",
  operationId: "listBatches",
  tags: ["batches"],
  summary: "List batches in the caller's reach, newest first",
  ...authenticated("producer", "regulator", "admin"),
  request: {
    query: ListQuerySchema.extend({
      status: z.enum(batchStatuses).optional(),
      authorization_id: z.string().max(64).optional(),
      lot_code: z.string().max(20).optional(),
    }),
  },
  responses: {
    200: jsonContent(pageOf(BatchSchema), "A page of batches"),
    ...errorResponses(400, 401, 403),
  },
});

export const get = createRoute({
  method: "get",
  path: "/v1/batches/{id}",
  operationId: "getBatch",
  tags: ["batches"],
  summary: "Read a batch",
  ...authenticated("producer", "regulator", "admin"),
  request: { params: IdParam },
  responses: { 200: jsonContent(BatchSchema, "The batch"), ...errorResponses(400, 401, 403, 404) },
});

export const release = createRoute({
  method: "post",
  path: "/v1/batches/{id}/release",
  operationId: "releaseBatch",
  tags: ["batches"],
  summary: "Release a draft batch to market (producer)",
  ...authenticated("producer"),
  request: { params: IdParam },
  responses: {
    200: jsonContent(BatchSchema, "The released batch"),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export const recall = createRoute({
  method: "post",
  path: "/v1/batches/{id}/recall",
  operationId: "recallBatch",
  tags: ["batches"],
  summary: "Recall a batch (producer; regulator in region; admin)",
  description: "Every label of a recalled batch answers the verdict recalled from then on.",
  ...authenticated("producer", "regulator", "admin"),
  request: { params: IdParam, body: jsonBody(RecallSchema) },
  responses: {
    200: jsonContent(BatchSchema, "The recalled batch"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415),
  },
});

export const createEvent = createRoute({
  method: "post",
  path: "/v1/batches/{id}/events",
  operationId: "createTraceEvent",
  tags: ["batches"],
  summary: "Append a trace event (producer); events are never edited or deleted",
  ...authenticated("producer"),
  request: { params: IdParam, body: jsonBody(CreateTraceEventSchema) },
  responses: {
    201: jsonContent(TraceEventSchema, "The event"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415),
  },
});

export const listEvents = createRoute({
  method: "get",
  path: "/v1/batches/{id}/events",
  operationId: "listTraceEvents",
  tags: ["batches"],
  summary: "The trace chain of a batch, oldest first",
  ...authenticated("producer", "regulator", "admin"),
  request: { params: IdParam },
  responses: {
    200: jsonContent(z.object({ items: z.array(TraceEventSchema) }), "The events"),
    ...errorResponses(400, 401, 403, 404),
  },
});
