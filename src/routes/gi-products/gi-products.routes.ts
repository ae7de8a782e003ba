import { createRoute, z } from "@hono/zod-openapi";
import { giCategories, giProductStatuses, protectionTypes } from "../../db/schema";
import { errorResponses, jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema, pageOf } from "../../lib/pagination";
import { IdParam } from "../../lib/route-params";
import { authenticated } from "../../middleware/auth";
import {
  CreateGiProductSchema,
  GiProductSchema,
  UpdateGiProductSchema,
} from "./gi-products.schemas";

export const create = createRoute({
  method: "post",
  path: "/v1/gi-products",
  operationId: "createGiProduct",
  tags: ["registry"],
  summary: "Register a GI product (admin)",
  ...authenticated("admin"),
  request: { body: jsonBody(CreateGiProductSchema) },
  responses: {
    201: jsonContent(GiProductSchema, "The registered product"),
    ...errorResponses(400, 401, 403, 409, 413, 415),
  },
});

export const list = createRoute({
  method: "get",
  path: "/v1/gi-products",
  operationId: "listGiProducts",
  tags: ["registry"],
  security: [],
  summary: "Search the GI registry (public)",
  request: {
    query: ListQuerySchema.extend({
      q: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .optional()
        .openapi({ description: "Part of the Chinese or English name" }),
      category: z.enum(giCategories).optional(),
      protection_type: z.enum(protectionTypes).optional(),
      status: z.enum(giProductStatuses).optional(),
      region_code: z
        .string()
        .regex(/^\d{6}$/)
        .optional()
        .openapi({
          description:
            "Products whose protected regions overlap this region (a province matches its prefectures and counties, a county the prefecture that contains it)",
        }),
      eu_china_agreement: z.enum(["true", "false"]).optional(),
    }),
  },
  responses: {
    200: jsonContent(pageOf(GiProductSchema), "A page of products"),
    ...errorResponses(400),
  },
});

export const get = createRoute({
  method: "get",
  path: "/v1/gi-products/{id}",
  operationId: "getGiProduct",
  tags: ["registry"],
  security: [],
  summary: "Read a GI product (public)",
  request: { params: IdParam },
  responses: { 200: jsonContent(GiProductSchema, "The product"), ...errorResponses(400, 404) },
});

export const update = createRoute({
  method: "patch",
  path: "/v1/gi-products/{id}",
  operationId: "updateGiProduct",
  tags: ["registry"],
  summary: "Update a GI product or change its status (admin)",
  ...authenticated("admin"),
  request: { params: IdParam, body: jsonBody(UpdateGiProductSchema) },
  responses: {
    200: jsonContent(GiProductSchema, "The updated product"),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415),
  },
});
