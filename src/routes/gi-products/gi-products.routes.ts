import { z } from "@hono/zod-openapi";
import { giCategories, giProductStatuses, protectionTypes } from "../../db/schema";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema, searchFilter } from "../../lib/pagination";
import { regionFilter } from "../../lib/region-schema";
import { jsonPage, operationsOf } from "../../lib/route-specs";
import {
  CreateGiProductSchema,
  GiProductSchema,
  UpdateGiProductSchema,
} from "./gi-products.schemas";

const registry = operationsOf("registry");

export const create = registry.post("/v1/gi-products", "createGiProduct", {
  summary: "Register a GI product (admin)",
  access: ["admin"],
  request: { body: jsonBody(CreateGiProductSchema) },
  responses: { 201: jsonContent(GiProductSchema, "The registered product") },
  errors: [409],
});

export const list = registry.get("/v1/gi-products", "listGiProducts", {
  access: "public",
  summary: "Search the GI registry (public)",
  request: {
    query: ListQuerySchema.extend({
      q: searchFilter("Part of the Chinese or English name"),
      category: z.enum(giCategories).optional(),
      protection_type: z.enum(protectionTypes).optional(),
      status: z.enum(giProductStatuses).optional(),
      region_code: regionFilter(
        "Products whose protected regions overlap this region (a province matches its prefectures and counties, a county the prefecture that contains it)",
      ),
      eu_china_agreement: z.enum(["true", "false"]).optional(),
    }),
  },
  responses: { 200: jsonPage(GiProductSchema, "A page of products") },
});

export const get = registry.get("/v1/gi-products/{id}", "getGiProduct", {
  access: "public",
  summary: "Read a GI product (public)",
  responses: { 200: jsonContent(GiProductSchema, "The product") },
});

export const update = registry.patch("/v1/gi-products/{id}", "updateGiProduct", {
  summary: "Update a GI product or change its status (admin)",
  access: ["admin"],
  request: { body: jsonBody(UpdateGiProductSchema) },
  responses: { 200: jsonContent(GiProductSchema, "The updated product") },
  errors: [409],
});
