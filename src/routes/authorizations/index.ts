import { createRouter } from "../../lib/create-router";
import * as handlers from "./authorizations.handlers";
import * as routes from "./authorizations.routes";

export const authorizationsRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.changeStatus, handlers.changeStatus)
  .openapi(routes.publicLookup, handlers.publicLookup);
