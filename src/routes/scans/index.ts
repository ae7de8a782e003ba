import { createRouter } from "../../lib/create-router";
import * as handlers from "./scans.handlers";
import * as routes from "./scans.routes";

export const scansRouter = createRouter()
  .openapi(routes.scan, handlers.scan)
  .openapi(routes.list, handlers.list);
