import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../lib/openapi";
import { authenticated } from "../../middleware/auth";
import {
  BatchIdParam,
  CaptureJobSchema,
  EpcisDocumentSchema,
  EventIdParam,
  EventsQuerySchema,
  JobIdParam,
} from "./epcis.schemas";

const ld = (description: string) => ({
  description,
  content: { "application/ld+json": { schema: EpcisDocumentSchema } },
});

export const exportBatch = createRoute({
  method: "get",
  path: "/v1/batches/{id}/epcis",
  operationId: "exportBatchEpcis",
  tags: ["epcis"],
  summary: "The batch's trace as an EPCIS 2.0 document",
  ...authenticated("producer", "regulator", "admin"),
  request: { params: BatchIdParam },
  responses: { 200: ld("EPCISDocument (JSON-LD)"), ...errorResponses(400, 401, 403, 404) },
});

export const capture = createRoute({
  method: "post",
  path: "/epcis/capture",
  operationId: "captureEpcisEvents",
  tags: ["epcis"],
  summary: "EPCIS 2.0 capture: store the events of a document, all or nothing",
  ...authenticated("producer", "partner", "admin"),
  request: {
    body: {
      required: true,
      description: "Sent as application/ld+json or application/json",
      content: { "application/ld+json": { schema: EpcisDocumentSchema } },
    },
  },
  responses: {
    202: {
      description: "Accepted; the capture job (Location) says whether it succeeded",
      content: { "application/json": { schema: CaptureJobSchema } },
    },
    ...errorResponses(400, 401, 403, 413, 415),
  },
});

export const captureJob = createRoute({
  method: "get",
  path: "/epcis/capture/{id}",
  operationId: "getCaptureJob",
  tags: ["epcis"],
  summary: "A capture job: success, or each event's error",
  ...authenticated("producer", "partner", "admin"),
  request: { params: JobIdParam },
  responses: {
    200: { description: "The job", content: { "application/json": { schema: CaptureJobSchema } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export const listEvents = createRoute({
  method: "get",
  path: "/epcis/events",
  operationId: "queryEpcisEvents",
  tags: ["epcis"],
  summary: "EPCIS 2.0 events the caller may see, with the standard's simple query parameters",
  ...authenticated("producer", "partner", "admin"),
  request: { query: EventsQuerySchema },
  responses: {
    200: ld("EPCISQueryDocument; Link rel=next for the next page"),
    ...errorResponses(400, 401, 403),
  },
});

export const getEvent = createRoute({
  method: "get",
  path: "/epcis/events/{eventID}",
  operationId: "getEpcisEvent",
  tags: ["epcis"],
  summary: "One EPCIS event by its eventID",
  ...authenticated("producer", "partner", "admin"),
  request: { params: EventIdParam },
  responses: { 200: ld("The event (JSON-LD)"), ...errorResponses(400, 401, 403, 404) },
});
