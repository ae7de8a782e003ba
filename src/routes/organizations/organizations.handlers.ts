import { and, desc, eq, isNotNull, ne, or, sql } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { auditEntry } from "../../db/queries/audit";
import { giProducts, organizations, sites } from "../../db/schema";
import { assertReadable, readScope, regionCondition } from "../../lib/access";
import { ApiError } from "../../lib/errors";
import { pointInArea } from "../../lib/geo";
import { newId } from "../../lib/ids";
import { afterCursor, toPage } from "../../lib/pagination";
import { apiObject } from "../../lib/schemas/api-object";
import type { AppEnv, AppRouteHandler, AuthUser } from "../../types";
import type * as routes from "./organizations.routes";
import {
  type SiteRow,
  SiteSchema,
  toOrganizationDto,
  toOrganizationValues,
} from "./organizations.schemas";
import { importOrganizations } from "./organizations-import";

type OrganizationRow = typeof organizations.$inferSelect;

async function readableOrganization(
  c: Context<AppEnv>,
  user: AuthUser,
  id: string,
): Promise<OrganizationRow> {
  const row = await getDb(c.env.DB).query.organizations.findFirst({
    where: eq(organizations.id, id),
  });
  return assertReadable(user, row && { ...row, organizationId: row.id }, "organization", id);
}

async function assertUsccFree(c: Context<AppEnv>, uscc: string) {
  const clash = await getDb(c.env.DB).query.organizations.findFirst({
    where: eq(organizations.uscc, uscc),
    columns: { id: true },
  });
  if (clash)
    throw new ApiError("conflict", `USCC ${uscc} is already registered as ${clash.id}.`, {
      extra: { existing_id: clash.id },
    });
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  await assertUsccFree(c, body.uscc);
  const values = toOrganizationValues(newId("org"), body);
  const db = getDb(c.env.DB);
  const [[row]] = await db.batch([
    db.insert(organizations).values(values).returning(),
    auditEntry(c, {
      action: "organization.create",
      targetType: "organization",
      targetId: values.id,
      after: values,
    }),
  ]);
  if (!row) throw new Error("insert returned no row");
  c.header("Location", `/v1/organizations/${row.id}`);
  return c.json(toOrganizationDto(row), 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const user = c.get("user");
  const pattern = query.q ? `%${query.q.replace(/[%_\\]/g, (ch) => `\\${ch}`)}%` : undefined;
  const rows = await getDb(c.env.DB)
    .select()
    .from(organizations)
    .where(
      and(
        readScope(user, organizations.id, organizations.regionCode),
        afterCursor(query.cursor, organizations.createdAt, organizations.id),
        pattern
          ? or(
              sql`${organizations.name} LIKE ${pattern} ESCAPE '\\'`,
              eq(organizations.uscc, query.q?.toUpperCase() ?? ""),
            )
          : undefined,
        query.kind ? eq(organizations.kind, query.kind) : undefined,
        query.region_code
          ? regionCondition([query.region_code], organizations.regionCode)
          : undefined,
      ),
    )
    .orderBy(desc(organizations.createdAt), desc(organizations.id))
    .limit(query.limit + 1);
  return c.json(
    toPage(rows, query.limit, (r) => ({ k: r.createdAt, id: r.id }), toOrganizationDto),
    200,
  );
};

export const get: AppRouteHandler<typeof routes.get> = async (c) =>
  c.json(
    toOrganizationDto(await readableOrganization(c, c.get("user"), c.req.valid("param").id)),
    200,
  );

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  const before = await readableOrganization(c, c.get("user"), id);
  const changes: Partial<OrganizationRow> = {
    name: patch.name ?? before.name,
    kind: patch.kind ?? before.kind,
    regionCode: patch.region_code ?? before.regionCode,
    address: patch.address === undefined ? before.address : patch.address,
    contactName: patch.contact_name === undefined ? before.contactName : patch.contact_name,
    contactPhone: patch.contact_phone === undefined ? before.contactPhone : patch.contact_phone,
    contactEmail: patch.contact_email === undefined ? before.contactEmail : patch.contact_email,
    status: patch.status ?? before.status,
    updatedAt: new Date().toISOString(),
  };
  const db = getDb(c.env.DB);
  const [[row]] = await db.batch([
    db.update(organizations).set(changes).where(eq(organizations.id, id)).returning(),
    auditEntry(c, {
      action: "organization.update",
      targetType: "organization",
      targetId: id,
      before,
      after: changes,
    }),
  ]);
  if (!row) throw new ApiError("not_found", `No organization ${id} exists.`);
  return c.json(toOrganizationDto(row), 200);
};

/** A matcher of the GI products (not revoked) whose protected area contains a point. */
async function protectedAreaMatcher(c: Context<AppEnv>) {
  const products = await getDb(c.env.DB)
    .select({ id: giProducts.id, nameZh: giProducts.nameZh, area: giProducts.protectedArea })
    .from(giProducts)
    .where(and(isNotNull(giProducts.protectedArea), ne(giProducts.status, "revoked")));
  return (lat: number, lng: number) =>
    products
      .filter((p) => pointInArea(lat, lng, p.area as Parameters<typeof pointInArea>[2]))
      .map((p) => ({ gi_product_id: p.id, name_zh: p.nameZh }));
}

function toSiteDto(row: SiteRow, within: { gi_product_id: string; name_zh: string }[]) {
  return apiObject(SiteSchema, row, { within_protected_areas: within });
}

export const createSite: AppRouteHandler<typeof routes.createSite> = async (c) => {
  const { id } = c.req.valid("param");
  const body = c.req.valid("json");
  const org = await readableOrganization(c, c.get("user"), id);
  const values = {
    id: newId("site"),
    organizationId: org.id,
    name: body.name,
    kind: body.kind,
    lat: body.lat,
    lng: body.lng,
    regionCode: body.region_code,
  };
  const db = getDb(c.env.DB);
  const [[row]] = await db.batch([
    db.insert(sites).values(values).returning(),
    auditEntry(c, {
      action: "site.create",
      targetType: "site",
      targetId: values.id,
      after: values,
    }),
  ]);
  if (!row) throw new Error("insert returned no row");
  c.header("Location", `/v1/organizations/${org.id}/sites`);
  const containing = await protectedAreaMatcher(c);
  return c.json(toSiteDto(row, containing(row.lat, row.lng)), 201);
};

export const listSites: AppRouteHandler<typeof routes.listSites> = async (c) => {
  const { id } = c.req.valid("param");
  const query = c.req.valid("query");
  const org = await readableOrganization(c, c.get("user"), id);
  const rows = await getDb(c.env.DB)
    .select()
    .from(sites)
    .where(
      and(eq(sites.organizationId, org.id), afterCursor(query.cursor, sites.createdAt, sites.id)),
    )
    .orderBy(desc(sites.createdAt), desc(sites.id))
    .limit(query.limit + 1);
  const page = toPage(
    rows,
    query.limit,
    (r) => ({ k: r.createdAt, id: r.id }),
    (r) => r,
  );
  const containing = await protectedAreaMatcher(c);
  const items = page.items.map((r) => toSiteDto(r, containing(r.lat, r.lng)));
  return c.json({ items, next_cursor: page.next_cursor }, 200);
};

export const importCsv: AppRouteHandler<typeof routes.importCsv> = async (c) => {
  const contentType = c.req.header("Content-Type") ?? "";
  if (!/^text\/csv\b/i.test(contentType)) {
    throw new ApiError("unsupported_media_type", "Send the file as text/csv (UTF-8).");
  }
  const report = await importOrganizations(
    c,
    await c.req.text(),
    c.req.valid("query").dry_run === "true",
  );
  return c.json(report, 200);
};
