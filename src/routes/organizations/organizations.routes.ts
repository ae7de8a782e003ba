import { z } from "@hono/zod-openapi";
import { organizationKinds } from "../../db/schema";
import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema, searchFilter } from "../../lib/pagination";
import { regionFilter } from "../../lib/region-schema";
import { jsonPage, operationsOf } from "../../lib/route-specs";
import {
  CreateOrganizationSchema,
  CreateSiteSchema,
  OrganizationSchema,
  SiteSchema,
  UpdateOrganizationSchema,
} from "./organizations.schemas";
import { ImportReportSchema, MAX_IMPORT_ROWS } from "./organizations-import";

const registry = operationsOf("registry");

export const create = registry.post("/v1/organizations", "createOrganization", {
  summary: "Register a producer organization (admin)",
  access: ["admin"],
  request: { body: jsonBody(CreateOrganizationSchema) },
  responses: { 201: jsonContent(OrganizationSchema, "The organization") },
  errors: [409],
});

export const list = registry.get("/v1/organizations", "listOrganizations", {
  summary: "List organizations: all for admins, the region's for regulators, the own for producers",
  access: ["admin", "regulator", "producer"],
  request: {
    query: ListQuerySchema.extend({
      q: searchFilter("Part of the name, or the USCC"),
      kind: z.enum(organizationKinds).optional(),
      region_code: regionFilter("Organizations inside this region"),
    }),
  },
  responses: { 200: jsonPage(OrganizationSchema, "A page of organizations") },
});

export const get = registry.get("/v1/organizations/{id}", "getOrganization", {
  summary: "Read an organization",
  access: ["admin", "regulator", "producer"],
  responses: { 200: jsonContent(OrganizationSchema, "The organization") },
});

export const update = registry.patch("/v1/organizations/{id}", "updateOrganization", {
  summary: "Update an organization (admin); the USCC never changes",
  access: ["admin"],
  request: { body: jsonBody(UpdateOrganizationSchema) },
  responses: { 200: jsonContent(OrganizationSchema, "The organization") },
});

export const createSite = registry.post("/v1/organizations/{id}/sites", "createSite", {
  summary: "Add a site (farm, fishing ground, base, processing plant, port, warehouse)",
  access: ["admin", "producer"],
  request: { body: jsonBody(CreateSiteSchema) },
  responses: {
    201: jsonContent(SiteSchema, "The site, with the GI protected areas that contain it"),
  },
});

export const listSites = registry.get("/v1/organizations/{id}/sites", "listSites", {
  summary: "Sites of an organization",
  access: ["admin", "regulator", "producer"],
  request: { query: ListQuerySchema },
  responses: { 200: jsonPage(SiteSchema, "A page of sites") },
});

export const importCsv = registry.post("/v1/organizations/import", "importOrganizations", {
  summary: "Import organizations and authorizations from CSV (admin)",
  description: `Columns: name, uscc, kind, region_code, address, contact_name, contact_phone, contact_email, and for an authorization gi_product_id or gi_registration_no, valid_from, valid_until, annual_label_quota. An existing USCC reuses its organization. All or nothing: any invalid row answers 422 with the per-row report in \`report\` and writes nothing. At most ${MAX_IMPORT_ROWS} rows.`,
  access: ["admin"],
  request: {
    query: z.object({
      dry_run: z
        .enum(["true", "false"])
        .optional()
        .openapi({ description: "Report without writing" }),
    }),
    body: {
      required: true,
      content: {
        "text/csv": {
          schema: z.string().openapi({
            example: "name,uscc,kind,region_code\n东海合作社,93330903MA2A1B2C39,cooperative,330903",
          }),
        },
      },
    },
  },
  responses: {
    200: jsonContent(ImportReportSchema, "What was (or, with dry_run, would be) imported"),
  },
  errors: [422],
});
