import { createRouter } from "../../lib/create-router";
import { addLocation } from "./scan-location.handlers";
import * as handlers from "./scans.handlers";
import * as routes from "./scans.routes";

export const scansRouter = createRouter()
  .openapi(routes.scan, handlers.scan)
  .openapi(routes.list, handlers.list)
  .openapi(routes.addLocation, addLocation);
