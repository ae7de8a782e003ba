import { operation } from "../../lib/route-specs";
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

export const exportBatch = operation("get", "/v1/batches/{id}/epcis", {
  operationId: "exportBatchEpcis",
  tags: ["epcis"],
  summary: "The batch's trace as an EPCIS 2.0 document",
  access: ["producer", "regulator", "admin"],
  request: { params: BatchIdParam },
  responses: { 200: ld("EPCISDocument (JSON-LD)") },
  errors: [404],
});

export const capture = operation("post", "/epcis/capture", {
  operationId: "captureEpcisEvents",
  tags: ["epcis"],
  summary: "EPCIS 2.0 capture: store the events of a document, all or nothing",
  access: ["producer", "partner", "admin"],
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
  },
});

export const captureJob = operation("get", "/epcis/capture/{id}", {
  operationId: "getCaptureJob",
  tags: ["epcis"],
  summary: "A capture job: success, or each event's error",
  access: ["producer", "partner", "admin"],
  request: { params: JobIdParam },
  responses: {
    200: { description: "The job", content: { "application/json": { schema: CaptureJobSchema } } },
  },
  errors: [404],
});

export const listEvents = operation("get", "/epcis/events", {
  operationId: "queryEpcisEvents",
  tags: ["epcis"],
  summary: "EPCIS 2.0 events the caller may see, with the standard's simple query parameters",
  access: ["producer", "partner", "admin"],
  request: { query: EventsQuerySchema },
  responses: { 200: ld("EPCISQueryDocument; Link rel=next for the next page") },
});

export const getEvent = operation("get", "/epcis/events/{eventID}", {
  operationId: "getEpcisEvent",
  tags: ["epcis"],
  summary: "One EPCIS event by its eventID",
  access: ["producer", "partner", "admin"],
  request: { params: EventIdParam },
  responses: { 200: ld("The event (JSON-LD)") },
  errors: [404],
});
