import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { scanReader } from "../../db/queries/scan-list";
import {
  countersAfter,
  readLabelContext,
  type ScanRecord,
  storeLabelScan,
} from "../../db/queries/scan-store";
import { scanDatabases } from "../../db/scan-databases";
import { waitUntilOf } from "../../lib/background";
import { userAgentClass } from "../../lib/client-context";
import { newId } from "../../lib/ids";
import { verifyLabelCode } from "../../lib/label-code";
import { labelKeys } from "../../lib/label-links";
import { parseScanInput } from "../../lib/label-url";
import { cursorKey, nextPageLink, toPage } from "../../lib/pagination";
import { type IpGeolocation, locateScan } from "../../lib/scan-locate";
import { toScanDto } from "../../lib/schemas/scan";
import { afterRateLimit } from "../../middleware/rate-limit";
import type { AppEnv, AppRouteHandler } from "../../types";
import { storeForgedScan } from "./forged-scan";
import { evaluateScanOf } from "./label-scan";
import { labelScanAnswer } from "./scan-answer";
import { type ScanCaller, scanCaller } from "./scan-caller";
import { exportScans } from "./scan-export";
import { scanQueue } from "./scan-queue";
import type * as routes from "./scans.routes";
import type { ScanRequestSchema } from "./scans.routes";

const RAW_INPUT_MAX = 256;

/** The scan's record before the rules: who, where, when, from what client. */
function scanBase(
  c: Context<AppEnv>,
  body: z.infer<typeof ScanRequestSchema>,
  caller: ScanCaller,
): Omit<ScanRecord, "verdict" | "reasons"> {
  const location = locateScan(body, (c.req.raw as Request & { cf?: IpGeolocation }).cf);
  return {
    id: newId("scn"),
    at: new Date().toISOString(),
    labelCode: null,
    batchId: null,
    organizationId: null,
    rawInput: null,
    clientKey: caller.clientKey,
    sourceKey: caller.sourceKey,
    userId: caller.userId,
    lat: location.lat,
    lng: location.lng,
    locationSource: location.source,
    regionCode: location.regionCode,
    userAgentClass: userAgentClass(c.req.header("User-Agent")),
    requestId: c.get("requestId") ?? null,
  };
}

/**
 * The label a scanned code or Digital Link names, or null for a forgery. The tag is checked
 * before any lookup: a forged or mistyped code never reaches the labels table. A Digital Link
 * must also name the label's own GTIN and lot; a copied serial on other packs does not.
 */
async function verifiedLabel(c: Context<AppEnv>, raw: string, caller: ScanCaller) {
  const input = parseScanInput(raw);
  const candidate =
    input.kind === "code" ? input.code : input.kind === "digital_link" ? input.serial : null;
  const verified = candidate ? await verifyLabelCode(candidate, labelKeys(c.env).keys) : null;
  if (!verified?.ok) return null;
  const row = await afterRateLimit(
    readLabelContext(c.env.DB, verified.code, waitUntilOf(c)),
    caller.checkRateLimit,
  );
  const mismatched =
    row &&
    input.kind === "digital_link" &&
    (row.batch.gtin !== input.gtin14 || row.batch.lotCode !== input.lot);
  return row && !mismatched ? row : null;
}

export const scan: AppRouteHandler<typeof routes.scan> = async (c) => {
  const body = c.req.valid("json");
  const caller = await scanCaller(c, body.client_id);
  const base = scanBase(c, body, caller);
  const raw = (body.code ?? body.url ?? "").trim();
  const row = await verifiedLabel(c, raw, caller);
  if (!row) {
    const forged = { ...base, rawInput: raw.slice(0, RAW_INPUT_MAX) };
    return c.json(await storeForgedScan(c, forged, caller.settings, caller.checkRateLimit), 200);
  }
  const { evaluation, write } = evaluateScanOf(row, base, caller.settings);
  const queue = scanQueue(c.env);
  if (queue) await queue.send({ kind: "label", write });
  const counters = queue
    ? countersAfter(write.scan, row.label)
    : await storeLabelScan(c.env.DB, write, waitUntilOf(c));
  return c.json(
    await labelScanAnswer(c, { id: base.id, at: base.at }, row, evaluation, counters),
    200,
  );
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const user = c.get("user");
  const reader = await scanReader(scanDatabases(c.env), user, query);
  if (query.format !== "json") return exportScans(c, reader, query.format);
  const cursor = cursorKey(query.cursor);
  const rows = await reader.chunk(
    cursor ? { at: cursor.k, id: cursor.id } : undefined,
    query.limit + 1,
  );
  const page = toPage(rows, query.limit, (r) => ({ k: r.scannedAt, id: r.id }), toScanDto);
  const next = nextPageLink(c.req.url, page.next_cursor);
  if (next) c.header("Link", next);
  return c.json(page, 200);
};
