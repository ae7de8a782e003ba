import { createRouter } from "../../lib/create-router";
import * as handlers from "./batches.handlers";
import * as routes from "./batches.routes";

export const batchesRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.release, handlers.release)
  .openapi(routes.recall, handlers.recall)
  .openapi(routes.createEvent, handlers.createEvent)
  .openapi(routes.listEvents, handlers.listEvents);
