// Bulk import of organizations and their authorizations from the CSV a GI programme office
// keeps today. All or nothing: when any row is invalid nothing is written and every row's
// problems are reported; `?dry_run=true` reports without writing even when all rows are valid.
import { z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import Papa from "papaparse";
import { getDb } from "../../db/client";
import { auditLog, authorizations, giProducts, organizations } from "../../db/schema";
import { chunk, rowsPerInsert } from "../../lib/chunk";
import { ApiError } from "../../lib/errors";
import { newAuthorizationNumber, newId } from "../../lib/ids";
import { DateSchema } from "../../lib/schemas/date";
import type { AppEnv } from "../../types";
import { organizationFields, toOrganizationValues } from "./organizations.schemas";

export const MAX_IMPORT_ROWS = 5000;

const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

const ImportRowSchema = z
  .object({
    ...organizationFields,
    gi_product_id: z.string().max(64).optional(),
    gi_registration_no: z.string().max(64).optional(),
    valid_from: DateSchema.optional(),
    valid_until: DateSchema.optional(),
    annual_label_quota: z.coerce.number().int().min(1).max(100_000_000).optional(),
  })
  .refine((row) => !row.valid_from || !row.valid_until || row.valid_from <= row.valid_until, {
    path: ["valid_until"],
    message: "must not be before valid_from",
  });

type ImportRow = z.infer<typeof ImportRowSchema>;

export const ImportReportSchema = z
  .object({
    dry_run: z.boolean(),
    rows: z.array(
      z.object({
        row: z.number().int().openapi({ description: "Line in the file (the header is line 1)" }),
        status: z.enum(["created", "existing", "invalid"]),
        organization_id: z.string().nullable(),
        authorization_id: z.string().nullable(),
        errors: z.array(z.object({ field: z.string(), message: z.string() })),
      }),
    ),
    organizations_created: z.number().int(),
    authorizations_created: z.number().int(),
  })
  .openapi("ImportReport");

type Report = z.infer<typeof ImportReportSchema>;
type RowReport = Report["rows"][number];

function parseCsv(text: string): Record<string, unknown>[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (header) => header.trim().toLowerCase(),
    transform: (value) => value.trim(),
  });
  const fatal = parsed.errors.find((e) => e.type === "Delimiter" || e.code === "MissingQuotes");
  if (fatal)
    throw new ApiError(
      "validation_failed",
      `The CSV cannot be read: ${fatal.message} (line ${(fatal.row ?? 0) + 2}).`,
    );
  const required = ["name", "uscc", "kind", "region_code"];
  const missing = required.filter((column) => !parsed.meta.fields?.includes(column));
  if (missing.length > 0) {
    throw new ApiError("validation_failed", `The CSV lacks the column(s) ${missing.join(", ")}.`, {
      errors: missing.map((column) => ({ path: `body.${column}`, message: "missing column" })),
    });
  }
  return parsed.data.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, emptyToUndefined(v)])),
  );
}

export async function importOrganizations(
  c: Context<AppEnv>,
  csv: string,
  dryRun: boolean,
): Promise<Report> {
  const records = parseCsv(csv);
  if (records.length === 0) throw new ApiError("validation_failed", "The CSV has no data rows.");
  if (records.length > MAX_IMPORT_ROWS) {
    throw new ApiError(
      "payload_too_large",
      `At most ${MAX_IMPORT_ROWS} rows per import; this file has ${records.length}.`,
    );
  }
  const rows: { line: number; data?: ImportRow; report: RowReport }[] = records.map(
    (record, index) => {
      const line = index + 2;
      const parsed = ImportRowSchema.safeParse(record);
      const report: RowReport = {
        row: line,
        status: "invalid",
        organization_id: null,
        authorization_id: null,
        errors: [],
      };
      if (!parsed.success) {
        report.errors = parsed.error.issues.map((issue) => ({
          field: issue.path.join(".") || "row",
          message: issue.message,
        }));
        return { line, report };
      }
      const data = parsed.data;
      const wantsAuthorization = Boolean(
        data.gi_product_id || data.gi_registration_no || data.valid_from || data.valid_until,
      );
      if (wantsAuthorization) {
        if (!data.gi_product_id && !data.gi_registration_no)
          report.errors.push({
            field: "gi_product_id",
            message: "gi_product_id or gi_registration_no is required for an authorization",
          });
        if (!data.valid_from)
          report.errors.push({ field: "valid_from", message: "required for an authorization" });
        if (!data.valid_until)
          report.errors.push({ field: "valid_until", message: "required for an authorization" });
      }
      return { line, data, report };
    },
  );

  const db = getDb(c.env.DB);
  const valid = rows.filter((r) => r.data && r.report.errors.length === 0);
  const usccs = [...new Set(valid.map((r) => r.data?.uscc as string))];
  const productIds = [
    ...new Set(valid.map((r) => r.data?.gi_product_id).filter((v): v is string => Boolean(v))),
  ];
  const productNumbers = [
    ...new Set(valid.map((r) => r.data?.gi_registration_no).filter((v): v is string => Boolean(v))),
  ];
  const existingOrgs = new Map<string, string>();
  for (const part of chunk(usccs, 90)) {
    for (const org of await db
      .select({ id: organizations.id, uscc: organizations.uscc })
      .from(organizations)
      .where(inArray(organizations.uscc, part))) {
      existingOrgs.set(org.uscc, org.id);
    }
  }
  const products = new Map<string, { id: string; status: string }>();
  for (const part of chunk(productIds, 90)) {
    for (const p of await db
      .select({ id: giProducts.id, status: giProducts.status })
      .from(giProducts)
      .where(inArray(giProducts.id, part)))
      products.set(p.id, p);
  }
  const byNumber = new Map<string, { id: string; status: string }[]>();
  for (const part of chunk(productNumbers, 90)) {
    for (const p of await db
      .select({ id: giProducts.id, status: giProducts.status, number: giProducts.registrationNo })
      .from(giProducts)
      .where(inArray(giProducts.registrationNo, part))) {
      byNumber.set(p.number, [...(byNumber.get(p.number) ?? []), p]);
    }
  }

  const newOrgs = new Map<string, typeof organizations.$inferInsert>();
  const newAuthorizations: (typeof authorizations.$inferInsert)[] = [];
  const periods = new Map<string, { from: string; until: string }[]>();
  for (const { data, report } of valid) {
    if (!data) continue;
    let orgId = existingOrgs.get(data.uscc) ?? newOrgs.get(data.uscc)?.id;
    report.status = orgId ? "existing" : "created";
    if (!orgId) {
      orgId = newId("org");
      newOrgs.set(data.uscc, toOrganizationValues(orgId, data));
    }
    report.organization_id = orgId;
    if (!data.valid_from || !data.valid_until) continue;
    const candidates = data.gi_product_id
      ? [products.get(data.gi_product_id)].filter(Boolean)
      : (byNumber.get(data.gi_registration_no ?? "") ?? []);
    const product = candidates[0];
    if (!product || candidates.length > 1) {
      report.errors.push({
        field: data.gi_product_id ? "gi_product_id" : "gi_registration_no",
        message: product
          ? "ambiguous registration number: use gi_product_id"
          : "no such GI product",
      });
      continue;
    }
    if (product.status !== "active") {
      report.errors.push({ field: "gi_product_id", message: `GI product is ${product.status}` });
      continue;
    }
    const key = `${orgId}|${product.id}`;
    if (!periods.has(key)) {
      const held = existingOrgs.has(data.uscc)
        ? await db
            .select({ from: authorizations.validFrom, until: authorizations.validUntil })
            .from(authorizations)
            .where(
              and(
                eq(authorizations.organizationId, orgId),
                eq(authorizations.giProductId, product.id),
                inArray(authorizations.status, ["active", "suspended"]),
              ),
            )
        : [];
      periods.set(key, held);
    }
    const taken = periods.get(key) ?? [];
    if (
      taken.some(
        (p) => p.from <= (data.valid_until as string) && p.until >= (data.valid_from as string),
      )
    ) {
      report.errors.push({
        field: "valid_from",
        message: "overlaps an authorization the organization holds for this GI product",
      });
      continue;
    }
    taken.push({ from: data.valid_from, until: data.valid_until });
    const authorizationId = newId("auth");
    newAuthorizations.push({
      id: authorizationId,
      number: newAuthorizationNumber(Number(data.valid_from.slice(0, 4))),
      organizationId: orgId,
      giProductId: product.id,
      validFrom: data.valid_from,
      validUntil: data.valid_until,
      annualLabelQuota: data.annual_label_quota ?? null,
    });
    report.authorization_id = authorizationId;
  }
  for (const row of rows) if (row.report.errors.length > 0) row.report.status = "invalid";

  const report: Report = {
    dry_run: dryRun,
    rows: rows.map((r) => r.report),
    organizations_created: newOrgs.size,
    authorizations_created: newAuthorizations.length,
  };
  const invalidRows = report.rows.filter((r) => r.status === "invalid").length;
  if (invalidRows > 0) {
    throw new ApiError(
      "unprocessable",
      `${invalidRows} of ${rows.length} rows are invalid; nothing was imported.`,
      { extra: { report: { ...report, organizations_created: 0, authorizations_created: 0 } } },
    );
  }
  if (dryRun) return report;

  const user = c.get("user");
  const audits = [
    ...[...newOrgs.values()].map((o) => ({
      targetType: "organization",
      targetId: o.id as string,
      action: "organization.import",
      after: o,
    })),
    ...newAuthorizations.map((a) => ({
      targetType: "authorization",
      targetId: a.id as string,
      action: "authorization.import",
      after: a,
    })),
  ].map((a) => ({
    id: newId("aud"),
    actorUserId: user.id,
    actorRole: user.role,
    requestId: c.get("requestId") ?? null,
    ...a,
  }));
  // One db.batch is one transaction: the whole file lands or none of it.
  const statements = [
    ...chunk([...newOrgs.values()], rowsPerInsert(organizations)).map((part) =>
      db.insert(organizations).values(part),
    ),
    ...chunk(newAuthorizations, rowsPerInsert(authorizations)).map((part) =>
      db.insert(authorizations).values(part),
    ),
    ...chunk(audits, rowsPerInsert(auditLog)).map((part) => db.insert(auditLog).values(part)),
  ];
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  return report;
}
