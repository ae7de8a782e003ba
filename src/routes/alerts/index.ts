import { createRouter } from "../../lib/create-router";
import * as handlers from "./alerts.handlers";
import * as routes from "./alerts.routes";

export const alertsRouter = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.transition, handlers.transition)
  .openapi(routes.addNote, handlers.addNote);
