import { and, desc, eq, or, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { auditEntry } from "../../db/queries/audit";
import { giProducts } from "../../db/schema";
import { ApiError, type FieldError } from "../../lib/errors";
import { validateProtectedArea } from "../../lib/geo";
import { newId } from "../../lib/ids";
import { afterCursor, toPage } from "../../lib/pagination";
import { regionScopePrefixes } from "../../lib/regions";
import { normalizeRegistrationNo, registrationNoProblem } from "../../lib/registration-number";
import type { AppEnv, AppRouteHandler } from "../../types";
import type * as routes from "./gi-products.routes";
import { type GiProductRow, toGiProductDto } from "./gi-products.schemas";

const regionPrefixOf = (column: SQL) =>
  sql`CASE WHEN substr(${column}, 3) = '0000' THEN substr(${column}, 1, 2) WHEN substr(${column}, 5) = '00' THEN substr(${column}, 1, 4) ELSE ${column} END`;

/** Products whose protected regions overlap `code`: either contains the other. */
function protectedRegionOverlaps(code: string): SQL {
  const [prefix = code] = regionScopePrefixes([code]);
  const value = sql`je.value`;
  return sql`EXISTS (SELECT 1 FROM json_each(${giProducts.protectedRegionCodes}) AS je WHERE ${value} LIKE ${`${prefix}%`} OR ${code} LIKE ${regionPrefixOf(value)} || '%')`;
}

function invalid(errors: FieldError[]): never {
  throw new ApiError(
    "validation_failed",
    `The request has ${errors.length} invalid field${errors.length === 1 ? "" : "s"}.`,
    { errors },
  );
}

/** Domain checks zod cannot do alone: number format per type, GeoJSON validity. */
function checkProduct(input: {
  protection_type: GiProductRow["protectionType"];
  registration_no: string;
  protected_area?: unknown;
}) {
  const errors: FieldError[] = [];
  const problem = registrationNoProblem(input.protection_type, input.registration_no);
  if (problem) errors.push({ path: "body.registration_no", message: problem });
  let area: unknown = null;
  if (input.protected_area !== undefined && input.protected_area !== null) {
    const checked = validateProtectedArea(input.protected_area);
    if (checked.ok) area = checked.area;
    else
      errors.push(
        ...checked.errors.map((e) => ({
          path: `body.protected_area${e.path ? `.${e.path}` : ""}`,
          message: e.message,
        })),
      );
  }
  if (errors.length > 0) invalid(errors);
  return area;
}

async function findProduct(c: Context<AppEnv>, id: string): Promise<GiProductRow> {
  const row = await getDb(c.env.DB).query.giProducts.findFirst({ where: eq(giProducts.id, id) });
  if (!row) throw new ApiError("not_found", `No GI product ${id} exists.`);
  return row;
}

async function assertRegistrationFree(
  c: Context<AppEnv>,
  type: GiProductRow["protectionType"],
  number: string,
  exceptId?: string,
) {
  const clash = await getDb(c.env.DB).query.giProducts.findFirst({
    where: and(eq(giProducts.protectionType, type), eq(giProducts.registrationNo, number)),
    columns: { id: true },
  });
  if (clash && clash.id !== exceptId) {
    throw new ApiError("conflict", `${type} ${number} is already registered as ${clash.id}.`, {
      extra: { existing_id: clash.id },
    });
  }
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const body = c.req.valid("json");
  const registrationNo = normalizeRegistrationNo(body.registration_no);
  const area = checkProduct({ ...body, registration_no: registrationNo });
  await assertRegistrationFree(c, body.protection_type, registrationNo);
  const values = {
    id: newId("gi"),
    nameZh: body.name_zh,
    nameEn: body.name_en ?? null,
    category: body.category,
    protectionType: body.protection_type,
    registrationNo,
    holderName: body.holder_name,
    protectedRegionCodes: [...new Set(body.protected_region_codes)],
    protectedArea: area,
    qualityStandard: body.quality_standard ?? null,
    shelfLifeDays: body.shelf_life_days ?? null,
    euChinaAgreement: body.eu_china_agreement ?? false,
  };
  const db = getDb(c.env.DB);
  const [[row]] = await db.batch([
    db.insert(giProducts).values(values).returning(),
    auditEntry(c, {
      action: "gi_product.create",
      targetType: "gi_product",
      targetId: values.id,
      after: values,
    }),
  ]);
  if (!row) throw new Error("insert returned no row");
  c.header("Location", `/v1/gi-products/${row.id}`);
  return c.json(toGiProductDto(row), 201);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const pattern = query.q ? `%${query.q.replace(/[%_\\]/g, (ch) => `\\${ch}`)}%` : undefined;
  const conditions = [
    afterCursor(query.cursor, giProducts.createdAt, giProducts.id),
    pattern
      ? or(
          sql`${giProducts.nameZh} LIKE ${pattern} ESCAPE '\\'`,
          sql`${giProducts.nameEn} LIKE ${pattern} ESCAPE '\\'`,
        )
      : undefined,
    query.category ? eq(giProducts.category, query.category) : undefined,
    query.protection_type ? eq(giProducts.protectionType, query.protection_type) : undefined,
    query.status ? eq(giProducts.status, query.status) : undefined,
    query.eu_china_agreement
      ? eq(giProducts.euChinaAgreement, query.eu_china_agreement === "true")
      : undefined,
    query.region_code ? protectedRegionOverlaps(query.region_code) : undefined,
  ];
  const rows = await getDb(c.env.DB)
    .select()
    .from(giProducts)
    .where(and(...conditions))
    .orderBy(desc(giProducts.createdAt), desc(giProducts.id))
    .limit(query.limit + 1);
  return c.json(
    toPage(rows, query.limit, (r) => ({ k: r.createdAt, id: r.id }), toGiProductDto),
    200,
  );
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  c.header("Cache-Control", "public, max-age=60");
  return c.json(toGiProductDto(await findProduct(c, c.req.valid("param").id)), 200);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  const before = await findProduct(c, id);
  const protectionType = patch.protection_type ?? before.protectionType;
  const registrationNo = patch.registration_no
    ? normalizeRegistrationNo(patch.registration_no)
    : before.registrationNo;
  const area = checkProduct({
    protection_type: protectionType,
    registration_no: registrationNo,
    protected_area:
      patch.protected_area === undefined ? before.protectedArea : patch.protected_area,
  });
  if (protectionType !== before.protectionType || registrationNo !== before.registrationNo) {
    await assertRegistrationFree(c, protectionType, registrationNo, id);
  }
  const statusChanges = patch.status !== undefined && patch.status !== before.status;
  if (statusChanges && !patch.status_reason) {
    invalid([{ path: "body.status_reason", message: "a reason is required to change the status" }]);
  }
  if (before.status === "revoked" && statusChanges) {
    throw new ApiError("conflict", "A revoked GI product cannot change status; register it again.");
  }
  const changes: Partial<GiProductRow> = {
    nameZh: patch.name_zh ?? before.nameZh,
    nameEn: patch.name_en === undefined ? before.nameEn : patch.name_en,
    category: patch.category ?? before.category,
    protectionType,
    registrationNo,
    holderName: patch.holder_name ?? before.holderName,
    protectedRegionCodes: patch.protected_region_codes
      ? [...new Set(patch.protected_region_codes)]
      : before.protectedRegionCodes,
    protectedArea: area,
    qualityStandard:
      patch.quality_standard === undefined ? before.qualityStandard : patch.quality_standard,
    shelfLifeDays:
      patch.shelf_life_days === undefined ? before.shelfLifeDays : patch.shelf_life_days,
    euChinaAgreement: patch.eu_china_agreement ?? before.euChinaAgreement,
    status: patch.status ?? before.status,
    statusReason: statusChanges ? (patch.status_reason ?? null) : before.statusReason,
    updatedAt: new Date().toISOString(),
  };
  const db = getDb(c.env.DB);
  const [[row]] = await db.batch([
    db.update(giProducts).set(changes).where(eq(giProducts.id, id)).returning(),
    auditEntry(c, {
      action: statusChanges ? `gi_product.status.${patch.status}` : "gi_product.update",
      targetType: "gi_product",
      targetId: id,
      before,
      after: changes,
    }),
  ]);
  if (!row) throw new ApiError("not_found", `No GI product ${id} exists.`);
  return c.json(toGiProductDto(row), 200);
};
