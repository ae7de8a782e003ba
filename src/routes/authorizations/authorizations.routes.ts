import { z } from "@hono/zod-openapi";
import { authorizationStatuses } from "../../db/schema";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema } from "../../lib/pagination";
import { jsonPage, operationsOf } from "../../lib/route-specs";
import {
  AuthorizationSchema,
  CreateAuthorizationSchema,
  PublicAuthorizationSchema,
  StatusChangeSchema,
} from "./authorizations.schemas";

const registry = operationsOf("registry");
const publicLookups = operationsOf("public");

export const create = registry.post("/v1/authorizations", "createAuthorization", {
  summary: "Authorize an organization to use a GI mark (admin)",
  description:
    "An organization cannot hold two overlapping active or suspended authorizations for one GI product (409).",
  access: ["admin"],
  request: { body: jsonBody(CreateAuthorizationSchema) },
  responses: { 201: jsonContent(AuthorizationSchema, "The authorization") },
  errors: [409, 422],
});

export const list = registry.get("/v1/authorizations", "listAuthorizations", {
  summary: "List authorizations in the caller's reach",
  access: ["admin", "regulator", "producer"],
  request: {
    query: ListQuerySchema.extend({
      organization_id: z.string().max(64).optional(),
      gi_product_id: z.string().max(64).optional(),
      status: z.enum(authorizationStatuses).optional().openapi({ description: "Stored status" }),
    }),
  },
  responses: { 200: jsonPage(AuthorizationSchema, "A page of authorizations") },
});

export const get = registry.get("/v1/authorizations/{id}", "getAuthorization", {
  summary: "Read an authorization",
  access: ["admin", "regulator", "producer"],
  responses: { 200: jsonContent(AuthorizationSchema, "The authorization") },
});

export const changeStatus = registry.post(
  "/v1/authorizations/{id}/status",
  "changeAuthorizationStatus",
  {
    summary: "Suspend, reinstate or revoke (admin; regulator whose region covers the organization)",
    description: "A reason is required. Revocation is final.",
    access: ["admin", "regulator", "producer"],
    request: { body: jsonBody(StatusChangeSchema) },
    responses: { 200: jsonContent(AuthorizationSchema, "The authorization after the change") },
    errors: [409],
  },
);

export const publicLookup = publicLookups.get(
  "/v1/public/authorizations",
  "lookUpPublicAuthorizations",
  {
    access: "public",
    summary: "Is this company authorized to use this GI? (anyone)",
    description: "Give exactly one of uscc or number. Contacts and quotas are never shown.",
    request: {
      query: z.object({
        uscc: z.string().trim().min(1).max(32).optional(),
        number: z.string().trim().min(1).max(64).optional(),
      }),
    },
    responses: {
      200: jsonContent(PublicAuthorizationSchema, "The organization and its authorizations"),
    },
    errors: [404],
  },
);
