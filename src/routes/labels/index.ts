import { createRouter } from "../../lib/create-router";
import * as batchLabelHandlers from "./batch-labels.handlers";
import * as batchLabelRoutes from "./batch-labels.routes";
import * as handlers from "./labels.handlers";
import * as routes from "./labels.routes";

export const labelsRouter = createRouter()
  .openapi(routes.voidLabels, handlers.voidLabels)
  .openapi(routes.get, handlers.get)
  .openapi(routes.qrSvg, handlers.qrSvg)
  .openapi(routes.qrPng, handlers.qrPng)
  .openapi(batchLabelRoutes.issueLabels, batchLabelHandlers.issueLabels)
  .openapi(batchLabelRoutes.labelsPdf, batchLabelHandlers.labelsPdf)
  .openapi(batchLabelRoutes.listLabels, batchLabelHandlers.listLabels);
