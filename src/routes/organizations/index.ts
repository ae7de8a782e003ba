import { createRouter } from "../../lib/create-router";
import * as handlers from "./organizations.handlers";
import * as routes from "./organizations.routes";

export const organizationsRouter = createRouter()
  .openapi(routes.importCsv, handlers.importCsv)
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.createSite, handlers.createSite)
  .openapi(routes.listSites, handlers.listSites);
