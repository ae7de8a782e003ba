import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { auditEntry } from "../../db/queries/audit";
import { organizations, refreshTokens, users } from "../../db/schema";
import { ApiError, fieldError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { afterCursor, toPage } from "../../lib/pagination";
import { hashPassword } from "../../lib/password";
import { toUserDto } from "../../lib/schemas/user";
import type { AppEnv, AppRouteHandler } from "../../types";
import type * as routes from "./users.routes";

type UserRow = typeof users.$inferSelect;

/** Producers belong to one existing organization; regulators cover at least one region. */
/** Producers and partners (e.g. a cold-chain carrier of a cooperative) act for one organization. */
const bindsOrganization = (role: UserRow["role"]) => role === "producer" || role === "partner";

async function checkRoleBinding(
  c: Context<AppEnv>,
  role: UserRow["role"],
  organizationId: string | null,
  regionCodes: string[],
) {
  if (bindsOrganization(role)) {
    if (!organizationId) {
      throw fieldError(
        "body.organization_id",
        `required for role ${role}`,
        `A ${role} account needs an organization.`,
      );
    }
    const org = await getDb(c.env.DB).query.organizations.findFirst({
      where: eq(organizations.id, organizationId),
      columns: { id: true },
    });
    if (!org) {
      throw fieldError(
        "body.organization_id",
        "no such organization",
        `No organization ${organizationId} exists.`,
      );
    }
  }
  if (role === "regulator" && regionCodes.length === 0) {
    throw fieldError(
      "body.region_codes",
      "at least one region code for role regulator",
      "A regulator account needs the regions it covers.",
    );
  }
}

async function findUser(c: Context<AppEnv>, id: string): Promise<UserRow> {
  const row = await getDb(c.env.DB).query.users.findFirst({ where: eq(users.id, id) });
  if (!row) throw new ApiError("not_found", `No user ${id} exists.`);
  return row;
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  const organizationId = bindsOrganization(body.role) ? (body.organization_id ?? null) : null;
  const regionCodes = body.role === "regulator" ? [...new Set(body.region_codes ?? [])] : [];
  await checkRoleBinding(c, body.role, organizationId, regionCodes);
  const db = getDb(c.env.DB);
  const existing = await db.query.users.findFirst({
    where: eq(users.email, body.email),
    columns: { id: true },
  });
  if (existing) throw new ApiError("conflict", `An account with email ${body.email} exists.`);
  const id = newId("usr");
  const values = {
    id,
    email: body.email,
    passwordHash: await hashPassword(body.password),
    role: body.role,
    displayName: body.display_name,
    organizationId,
    regionCodes,
  };
  const [[row]] = await db.batch([
    db.insert(users).values(values).returning(),
    auditEntry(c, {
      action: "user.create",
      targetType: "user",
      targetId: id,
      after: { ...values, passwordHash: undefined },
    }),
  ]);
  if (!row) throw new Error("insert returned no row");
  c.header("Location", `/v1/users/${id}`);
  return c.json(toUserDto(row), 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const conditions: (SQL | undefined)[] = [
    afterCursor(query.cursor, users.createdAt, users.id),
    query.role ? eq(users.role, query.role) : undefined,
    query.organization_id ? eq(users.organizationId, query.organization_id) : undefined,
  ];
  const rows = await getDb(c.env.DB)
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(query.limit + 1);
  return c.json(
    toPage(rows, query.limit, (row) => ({ k: row.createdAt, id: row.id }), toUserDto),
    200,
  );
};

export const get: AppRouteHandler<typeof routes.get> = async (c) =>
  c.json(toUserDto(await findUser(c, c.req.valid("param").id)), 200);

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  const before = await findUser(c, id);
  if (before.role === "consumer" && patch.role) {
    throw new ApiError("unprocessable", "A WeChat consumer account cannot change role.");
  }
  const role = patch.role ?? before.role;
  const organizationId = bindsOrganization(role)
    ? patch.organization_id === undefined
      ? before.organizationId
      : patch.organization_id
    : null;
  const regionCodes =
    role === "regulator" ? [...new Set(patch.region_codes ?? before.regionCodes)] : [];
  await checkRoleBinding(c, role, organizationId, regionCodes);
  if (patch.disabled === true && before.id === c.get("user").id) {
    throw new ApiError("unprocessable", "An admin cannot disable their own account.");
  }
  const now = new Date().toISOString();
  const changes: Partial<UserRow> = {
    displayName: patch.display_name ?? before.displayName,
    role,
    organizationId,
    regionCodes,
    updatedAt: now,
  };
  if (patch.password) changes.passwordHash = await hashPassword(patch.password);
  if (patch.disabled !== undefined)
    changes.disabledAt = patch.disabled ? (before.disabledAt ?? now) : null;
  const db = getDb(c.env.DB);
  const revokeSessions = patch.disabled === true || patch.password !== undefined;
  const redact = (row: Partial<UserRow>) => ({ ...row, passwordHash: undefined });
  const [[row]] = await db.batch([
    db.update(users).set(changes).where(eq(users.id, id)).returning(),
    auditEntry(c, {
      action: patch.disabled === true ? "user.disable" : "user.update",
      targetType: "user",
      targetId: id,
      before: redact(before),
      after: { ...redact(changes), password_changed: patch.password !== undefined },
    }),
    ...(revokeSessions
      ? [db.update(refreshTokens).set({ revokedAt: now }).where(eq(refreshTokens.userId, id))]
      : []),
  ]);
  if (!row) throw new ApiError("not_found", `No user ${id} exists.`);
  return c.json(toUserDto(row), 200);
};
