import { and, desc, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { auditStatementWhen, updateOneWithAudit } from "../../db/queries/audit";
import { insertGrantUnlessOverlapping } from "../../db/queries/authorization-grant";
import { authorizations, giProducts, organizations } from "../../db/schema";
import { rowExists } from "../../db/sql";
import { assertReadable, canEnforce, notFound, readScope } from "../../lib/access";
import {
  canChangeAuthorizationStatus,
  effectiveAuthorizationStatus,
  underOrganization,
} from "../../lib/authorization-status";
import { ApiError, fieldError } from "../../lib/errors";
import { newAuthorizationNumber, newId } from "../../lib/ids";
import { afterCursor, toPage } from "../../lib/pagination";
import { regionName } from "../../lib/regions";
import { checkUscc } from "../../lib/uscc";
import type { AppEnv, AppRouteHandler } from "../../types";
import type * as routes from "./authorizations.routes";
import { type AuthorizationRow, toAuthorizationDto } from "./authorizations.schemas";

async function readableAuthorization(c: Context<AppEnv>, id: string) {
  const [row] = await getDb(c.env.DB)
    .select({ authorization: authorizations, regionCode: organizations.regionCode })
    .from(authorizations)
    .innerJoin(organizations, eq(organizations.id, authorizations.organizationId))
    .where(eq(authorizations.id, id));
  const owner = row && { ...row, organizationId: row.authorization.organizationId };
  return assertReadable(c.get("user"), owner, "authorization", id);
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  const db = getDb(c.env.DB);
  const [org, product] = await db.batch([
    db
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, body.organization_id)),
    db
      .select({ id: giProducts.id, status: giProducts.status })
      .from(giProducts)
      .where(eq(giProducts.id, body.gi_product_id)),
  ]);
  const errors = [
    ...(org.length === 0
      ? [{ path: "body.organization_id", message: "no such organization" }]
      : []),
    ...(product.length === 0
      ? [{ path: "body.gi_product_id", message: "no such GI product" }]
      : []),
  ];
  if (errors.length > 0)
    throw new ApiError("validation_failed", "The authorization refers to missing objects.", {
      errors,
    });
  if (product[0]?.status !== "active") {
    throw new ApiError(
      "unprocessable",
      `GI product ${body.gi_product_id} is ${product[0]?.status}; it cannot be authorized.`,
    );
  }
  const id = newId("auth");
  const number = newAuthorizationNumber(Number(body.valid_from.slice(0, 4)));
  const quota = body.annual_label_quota ?? null;
  // One batch: the insert only happens when nothing overlaps, and its audit record only when
  // the insert happened, so two concurrent grants cannot both succeed.
  const insert = insertGrantUnlessOverlapping(c.env.DB, {
    id,
    number,
    organizationId: body.organization_id,
    giProductId: body.gi_product_id,
    validFrom: body.valid_from,
    validUntil: body.valid_until,
    annualLabelQuota: quota,
  });
  const audit = auditStatementWhen(
    c,
    {
      action: "authorization.create",
      targetType: "authorization",
      targetId: id,
      after: { ...body, id, number },
    },
    rowExists(authorizations.id, id),
  );
  const [inserted] = await c.env.DB.batch([insert, audit]);
  if (!inserted?.meta.changes) {
    const [clash] = await db
      .select({ id: authorizations.id, number: authorizations.number })
      .from(authorizations)
      .where(
        and(
          eq(authorizations.organizationId, body.organization_id),
          eq(authorizations.giProductId, body.gi_product_id),
          inArray(authorizations.status, ["active", "suspended"]),
        ),
      );
    throw new ApiError(
      "conflict",
      `The organization already holds authorization ${clash?.number ?? ""} for this GI product in an overlapping period.`,
      {
        extra: { existing_id: clash?.id ?? null },
      },
    );
  }
  const row = await db.query.authorizations.findFirst({ where: eq(authorizations.id, id) });
  if (!row) throw new Error("inserted authorization not found");
  c.header("Location", `/v1/authorizations/${id}`);
  return c.json(toAuthorizationDto(row), 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const rows = await getDb(c.env.DB)
    .select({ authorization: authorizations })
    .from(authorizations)
    .innerJoin(organizations, eq(organizations.id, authorizations.organizationId))
    .where(
      and(
        readScope(c.get("user"), authorizations.organizationId, organizations.regionCode),
        afterCursor(query.cursor, authorizations.createdAt, authorizations.id),
        query.organization_id
          ? eq(authorizations.organizationId, query.organization_id)
          : undefined,
        query.gi_product_id ? eq(authorizations.giProductId, query.gi_product_id) : undefined,
        query.status ? eq(authorizations.status, query.status) : undefined,
      ),
    )
    .orderBy(desc(authorizations.createdAt), desc(authorizations.id))
    .limit(query.limit + 1);
  return c.json(
    toPage(
      rows,
      query.limit,
      (r) => ({ k: r.authorization.createdAt, id: r.authorization.id }),
      (r) => toAuthorizationDto(r.authorization),
    ),
    200,
  );
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const { authorization } = await readableAuthorization(c, c.req.valid("param").id);
  return c.json(toAuthorizationDto(authorization), 200);
};

export const changeStatus: AppRouteHandler<typeof routes.changeStatus> = async (c) => {
  const { id } = c.req.valid("param");
  const { status, reason } = c.req.valid("json");
  const user = c.get("user");
  const { authorization: before, regionCode } = await readableAuthorization(c, id);
  if (!canEnforce(user, { organizationId: before.organizationId, regionCode })) {
    throw new ApiError(
      "forbidden",
      "Only an admin or a regulator of the organization's region can change an authorization's status.",
    );
  }
  if (!canChangeAuthorizationStatus(before.status, status)) {
    throw new ApiError(
      "conflict",
      before.status === "revoked"
        ? "A revoked authorization is final."
        : `The authorization is already ${status}.`,
    );
  }
  const now = new Date().toISOString();
  const changes: Partial<AuthorizationRow> = {
    status,
    statusReason: reason,
    statusChangedBy: user.id,
    statusChangedAt: now,
    updatedAt: now,
  };
  const db = getDb(c.env.DB);
  // Compare-and-set on the status read above: of two concurrent changes only one applies.
  const changed = await updateOneWithAudit(
    c,
    db
      .update(authorizations)
      .set(changes)
      .where(and(eq(authorizations.id, id), eq(authorizations.status, before.status))),
    {
      action: `authorization.status.${status}`,
      targetType: "authorization",
      targetId: id,
      before: { status: before.status, status_reason: before.statusReason },
      after: { status, status_reason: reason },
    },
  );
  const row =
    changed && (await db.query.authorizations.findFirst({ where: eq(authorizations.id, id) }));
  if (!row) throw new ApiError("conflict", "The authorization changed meanwhile; read it again.");
  return c.json(toAuthorizationDto(row), 200);
};

export const publicLookup: AppRouteHandler<typeof routes.publicLookup> = async (c) => {
  const query = c.req.valid("query");
  if (Boolean(query.uscc) === Boolean(query.number)) {
    throw fieldError("query", "exactly one of uscc, number", "Give exactly one of uscc or number.");
  }
  const db = getDb(c.env.DB);
  let organizationId: string | undefined;
  if (query.uscc) {
    const check = checkUscc(query.uscc);
    if (!check.valid) {
      throw fieldError("query.uscc", check.reason, `Not a valid USCC: ${check.reason}.`);
    }
    organizationId = (
      await db.query.organizations.findFirst({
        where: eq(organizations.uscc, check.uscc),
        columns: { id: true },
      })
    )?.id;
  } else if (query.number) {
    organizationId = (
      await db.query.authorizations.findFirst({
        where: eq(authorizations.number, query.number.toUpperCase()),
        columns: { organizationId: true },
      })
    )?.organizationId;
  }
  if (!organizationId)
    throw notFound(
      "registered organization or authorization for",
      query.uscc ?? query.number ?? "",
    );
  // Two queries, not one db.batch: drizzle's D1 batch mis-maps joined rows whose columns collide.
  const [orgRows, rows] = await Promise.all([
    db.select().from(organizations).where(eq(organizations.id, organizationId)),
    db
      .select({ authorization: authorizations, product: giProducts })
      .from(authorizations)
      .innerJoin(giProducts, eq(giProducts.id, authorizations.giProductId))
      .where(eq(authorizations.organizationId, organizationId))
      .orderBy(desc(authorizations.validUntil)),
  ]);
  const org = orgRows[0];
  if (!org) throw notFound("organization", organizationId);
  c.header("Cache-Control", "public, max-age=60");
  return c.json(
    {
      organization: {
        name: org.name,
        uscc: org.uscc,
        region_code: org.regionCode,
        region_name: regionName(org.regionCode),
        status: org.status,
      },
      authorizations: rows.map(({ authorization: a, product: p }) => ({
        number: a.number,
        status: underOrganization(
          effectiveAuthorizationStatus(a.status, a.validFrom, a.validUntil),
          org.status,
        ),
        valid_from: a.validFrom,
        valid_until: a.validUntil,
        gi_product: {
          id: p.id,
          name_zh: p.nameZh,
          name_en: p.nameEn,
          protection_type: p.protectionType,
          registration_no: p.registrationNo,
        },
      })),
    },
    200,
  );
};
