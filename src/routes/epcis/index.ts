import { createRouter } from "../../lib/create-router";
import * as handlers from "./epcis.handlers";
import * as routes from "./epcis.routes";
import * as capture from "./epcis-capture.handlers";

export const epcisRouter = createRouter()
  .openapi(routes.exportBatch, handlers.exportBatch)
  .openapi(routes.capture, capture.capture)
  .openapi(routes.captureJob, handlers.captureJob)
  .openapi(routes.listEvents, handlers.listEvents)
  .openapi(routes.getEvent, handlers.getEvent);
