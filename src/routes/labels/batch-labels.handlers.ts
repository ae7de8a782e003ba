import { and, asc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import {
  authorizationOf,
  type BatchRow,
  type ReadableBatch,
  readableBatch,
} from "../../db/queries/batch-access";
import {
  type LabelKey,
  labelExportChunk,
  labelPositions,
  labelProductOf,
} from "../../db/queries/label-export";
import { insertLabelRows } from "../../db/queries/label-rows";
import { labels } from "../../db/schema";
import { assertAuthorizationUsable } from "../../lib/authorization-usable";
import { ApiError, fieldError } from "../../lib/errors";
import { attachmentDisposition } from "../../lib/exports/attachment";
import { csvLines, UTF8_BOM } from "../../lib/exports/csv";
import { keysetStream } from "../../lib/exports/keyset-stream";
import { LABEL_CSV_COLUMNS, labelCsvRow } from "../../lib/exports/label-columns";
import { wordFor } from "../../lib/i18n/domain-words";
import { requestLanguage } from "../../lib/i18n/request-language";
import { loadLabelFonts } from "../../lib/label-fonts";
import { labelOrigin, labelUrl } from "../../lib/label-links";
import { buildLabelSheetPdf } from "../../lib/label-sheet-pdf";
import { type LabelGeometry, labelGeometry } from "../../lib/label-templates";
import { afterCursor, nextPageLink, toPage } from "../../lib/pagination";
import { apiObject } from "../../lib/schemas/api-object";
import type { AppEnv, AppRouteHandler } from "../../types";
import type * as routes from "./batch-labels.routes";
import { MAX_PDF_LABELS } from "./batch-labels.routes";
import { LabelSchema } from "./labels.schemas";

type LabelRow = typeof labels.$inferSelect;

export const issueLabels: AppRouteHandler<typeof routes.issueLabels> = async (c) => {
  const { count } = c.req.valid("json");
  const batch = await readableBatch(c, c.req.valid("param").id);
  if (batch.status === "recalled")
    throw new ApiError("unprocessable", "Labels cannot be issued for a recalled batch.");
  const found = await authorizationOf(c, batch.authorizationId);
  if (!found) throw new Error(`batch ${batch.id} has no authorization`);
  assertAuthorizationUsable(found);
  const issued = await insertLabelRows(
    c,
    {
      batchId: batch.id,
      authorizationId: batch.authorizationId,
      annualLabelQuota: found.authorization.annualLabelQuota,
      gtin: batch.gtin,
      lotCode: batch.lotCode,
    },
    count,
  );
  return c.json({ issued: issued.length, labels: issued }, 201);
};

function toLabelDto(origin: string, batch: BatchRow, row: LabelRow) {
  return apiObject(LabelSchema, row, { url: labelUrl(origin, batch, row.code) });
}

/** Every label of the batch as one CSV stream, read in chunks on the batch's label order. */
async function labelsCsv(c: Context<AppEnv>, batch: ReadableBatch) {
  const db = getDb(c.env.DB);
  const origin = labelOrigin(c.env, c.req.url);
  const names = await labelProductOf(db, batch.authorizationId);
  const lang = requestLanguage(c.req.header("Accept-Language"));
  const context = {
    product: (lang === "en" ? names?.nameEn || names?.nameZh : names?.nameZh) ?? null,
    lotCode: batch.lotCode,
    lang,
    urlOf: (code: string) => labelUrl(origin, batch, code),
  };
  let position = 0;
  const body = keysetStream({
    head: UTF8_BOM + csvLines([LABEL_CSV_COLUMNS]),
    readChunk: (after: LabelKey | undefined, size) => labelExportChunk(db, batch.id, after, size),
    keyOf: (row) => ({ at: row.createdAt, code: row.code }),
    render: (rows) => csvLines(rows.map((row) => labelCsvRow(row, ++position, context))),
  });
  const name = [names?.nameZh, batch.lotCode, "标签"].filter(Boolean).join("-");
  return c.body(body, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": attachmentDisposition(`${name}.csv`, `labels-${batch.lotCode}.csv`),
  });
}

export const listLabels: AppRouteHandler<typeof routes.listLabels> = async (c) => {
  const query = c.req.valid("query");
  const batch = await readableBatch(c, c.req.valid("param").id);
  if (query.format === "csv") return labelsCsv(c, batch);
  const db = getDb(c.env.DB);
  const rows = await db
    .select()
    .from(labels)
    .where(
      and(
        eq(labels.batchId, batch.id),
        afterCursor(query.cursor, labels.createdAt, labels.code, "asc"),
      ),
    )
    .orderBy(asc(labels.createdAt), asc(labels.code))
    .limit(query.limit + 1);
  const page = toPage(
    rows,
    query.limit,
    (r) => ({ k: r.createdAt, id: r.code }),
    (r) => toLabelDto(labelOrigin(c.env, c.req.url), batch, r),
  );
  const next = nextPageLink(c.req.url, page.next_cursor);
  if (next) c.header("Link", next);
  return c.json(page, 200);
};

export const labelsPdf: AppRouteHandler<typeof routes.labelsPdf> = async (c) => {
  const query = c.req.valid("query");
  const geometry = labelGeometry(query.template) as LabelGeometry;
  const batch = await readableBatch(c, c.req.valid("param").id);
  const total = batch.labelCount;
  if (total === 0)
    throw new ApiError(
      "validation_failed",
      "The batch has no labels to print; issue labels first (POST /v1/batches/{id}/labels).",
      { errors: [{ path: "path.id", message: "the batch has 0 labels" }] },
    );
  const range = printRange(query.from, query.count, total);
  const db = getDb(c.env.DB);
  const [rows, product, fonts] = await Promise.all([
    labelPositions(db, batch.id, range.from, range.count),
    labelProductOf(db, batch.authorizationId),
    loadLabelFonts(c.env.ASSETS, c.req.url),
  ]);
  const origin = labelOrigin(c.env, c.req.url);
  const printable = rows.flatMap((row, i) =>
    row.status === "active"
      ? [{ code: row.code, url: labelUrl(origin, batch, row.code), position: range.from + i }]
      : [],
  );
  const last = range.from + rows.length - 1;
  if (printable.length === 0)
    throw new ApiError(
      "validation_failed",
      `Every label in positions ${range.from}-${last} is voided; nothing to print.`,
      { errors: [{ path: "query.from", message: "no active label in the range" }] },
    );
  const pdf = await buildLabelSheetPdf({
    geometry,
    fonts,
    text: {
      productNameZh: product?.nameZh ?? "",
      productNameEn: product?.nameEn ?? null,
      producer: product?.producer ?? "",
      protectionType: product ? wordFor("protectionType", product.protectionType, "zh") : "",
      lotCode: batch.lotCode,
    },
    labels: printable,
    title: `${product?.nameZh ?? ""} ${batch.lotCode} #${range.from}-${last}`.trim(),
  });
  c.header(
    "Content-Disposition",
    `attachment; filename="labels-${batch.lotCode}-${geometry.template.id}-${range.from}-${last}.pdf"`,
  );
  return c.body(pdf as unknown as ArrayBuffer, 200, { "Content-Type": "application/pdf" });
};

/** The positions to print, within 1..total and at most MAX_PDF_LABELS, or 400 saying what fits. */
function printRange(from: number, count: number | undefined, total: number) {
  if (from > total)
    throw fieldError(
      "query.from",
      `from must be between 1 and ${total}: the batch has ${total} labels.`,
    );
  const rest = total - from + 1;
  if (count === undefined && rest > MAX_PDF_LABELS)
    throw fieldError(
      "query.count",
      `positions ${from}-${total} are ${rest} labels; one PDF holds at most ${MAX_PDF_LABELS}: pass count (1..${MAX_PDF_LABELS}) and print the batch in ranges.`,
    );
  if (count !== undefined && count > rest)
    throw fieldError(
      "query.count",
      `count must be between 1 and ${Math.min(rest, MAX_PDF_LABELS)}: the batch has ${total} labels and the range starts at ${from}.`,
    );
  return { from, count: count ?? rest };
}
