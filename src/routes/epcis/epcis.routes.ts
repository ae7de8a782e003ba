import { operationsOf } from "../../lib/route-specs";
import { CaptureJobSchema, EpcisDocumentSchema, EventsQuerySchema } from "./epcis.schemas";

const epcis = operationsOf("epcis");

const ld = (description: string) => ({
  description,
  content: { "application/ld+json": { schema: EpcisDocumentSchema } },
});

export const exportBatch = epcis.get("/v1/batches/{id}/epcis", "exportBatchEpcis", {
  summary: "The batch's trace as an EPCIS 2.0 document",
  access: ["producer", "regulator", "admin"],
  responses: { 200: ld("EPCISDocument (JSON-LD)") },
});

export const capture = epcis.post("/epcis/capture", "captureEpcisEvents", {
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

export const captureJob = epcis.get("/epcis/capture/{id}", "getCaptureJob", {
  summary: "A capture job: success, or each event's error",
  access: ["producer", "partner", "admin"],
  responses: {
    200: { description: "The job", content: { "application/json": { schema: CaptureJobSchema } } },
  },
});

export const listEvents = epcis.get("/epcis/events", "queryEpcisEvents", {
  summary: "EPCIS 2.0 events the caller may see, with the standard's simple query parameters",
  access: ["producer", "partner", "admin"],
  request: { query: EventsQuerySchema },
  responses: { 200: ld("EPCISQueryDocument; Link rel=next for the next page") },
});

export const getEvent = epcis.get("/epcis/events/{eventID}", "getEpcisEvent", {
  summary: "One EPCIS event by its eventID",
  access: ["producer", "partner", "admin"],
  responses: { 200: ld("The event (JSON-LD)") },
});
