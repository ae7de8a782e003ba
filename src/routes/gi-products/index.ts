import { createRouter } from "../../lib/create-router";
import * as handlers from "./gi-products.handlers";
import * as routes from "./gi-products.routes";

export const giProductsRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update);
