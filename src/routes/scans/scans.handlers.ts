import { and, desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { getDb } from "../../db/client";
import { alertUpsertStatements } from "../../db/queries/alert-store";
import { loadRiskSettings } from "../../db/queries/risk-settings";
import { scanFilterCondition } from "../../db/queries/scan-list";
import {
  labelContextOf,
  readLabelContext,
  recentInvalidScans,
  type ScanRecord,
  storeInvalidScan,
  storeLabelScan,
} from "../../db/queries/scan-store";
import { scanScope } from "../../db/queries/scopes";
import { organizations, scans } from "../../db/schema";
import { waitUntilOf } from "../../lib/background";
import {
  clientKeyOf,
  MAX_USEFUL_ACCURACY_M,
  sourceKeyOf,
  userAgentClass,
} from "../../lib/client-context";
import { ApiError } from "../../lib/errors";
import { prefectureAt, roundToKilometre } from "../../lib/geo";
import { newId } from "../../lib/ids";
import { verifyLabelCode } from "../../lib/label-code";
import { labelKeys } from "../../lib/label-links";
import { parseScanInput } from "../../lib/label-url";
import { languageOf } from "../../lib/language";
import { afterCursor, nextPageLink, toPage } from "../../lib/pagination";
import {
  batchAnomaly,
  copiedCodeRules,
  evaluateLabelScan,
  forgedCodeBurst,
  forgedCodeWindowStart,
  type RiskSettings,
  verdictMessage,
} from "../../lib/risk";
import { cooldownStart, raiseFor } from "../../lib/risk/alert-raise";
import { toScanDto } from "../../lib/schemas/scan";
import { loadActiveUser, optionalClaims } from "../../middleware/auth";
import { afterRateLimit, type RateLimitCheck, startRateLimit } from "../../middleware/rate-limit";
import type { AppEnv, AppRouteHandler } from "../../types";
import { labelScanAnswer } from "./scan-answer";
import { exportScans } from "./scan-export";
import type * as routes from "./scans.routes";

const RAW_INPUT_MAX = 256;

type Location = {
  lat: number | null;
  lng: number | null;
  source: "gps" | "ip" | "none";
  regionCode: string | null;
};

/** Device GPS rounded to ~1 km when given and precise enough, else the platform's IP geolocation. */
function locate(
  c: Context<AppEnv>,
  body: { lat?: number; lng?: number; accuracy_m?: number },
): Location {
  const precise = body.accuracy_m === undefined || body.accuracy_m <= MAX_USEFUL_ACCURACY_M;
  if (body.lat !== undefined && body.lng !== undefined && precise) {
    const rounded = roundToKilometre(body.lat, body.lng);
    return { ...rounded, source: "gps", regionCode: prefectureAt(rounded.lat, rounded.lng) };
  }
  const cf = (c.req.raw as Request & { cf?: { latitude?: string; longitude?: string } }).cf;
  const lat = Number(cf?.latitude);
  const lng = Number(cf?.longitude);
  if (cf?.latitude && cf?.longitude && Number.isFinite(lat) && Number.isFinite(lng)) {
    const rounded = roundToKilometre(lat, lng);
    return { ...rounded, source: "ip", regionCode: prefectureAt(rounded.lat, rounded.lng) };
  }
  return { lat: null, lng: null, source: "none", regionCode: null };
}

async function scanInvalid(
  c: Context<AppEnv>,
  base: Omit<ScanRecord, "verdict" | "reasons">,
  settings: RiskSettings,
  checkRateLimit: RateLimitCheck,
) {
  const since = forgedCodeWindowStart(base.at, settings.forged_code) ?? base.at;
  const counts = await afterRateLimit(
    settings.forged_code.enabled
      ? recentInvalidScans(
          c.env.DB,
          base.sourceKey,
          base.regionCode,
          since,
          // Counted up to ten times the threshold: enough for the rule and for the alert's
          // detail to show the scale of a probe ("at least"), bounded work on every scan.
          settings.forged_code.burst_count * 10,
          waitUntilOf(c),
        )
      : Promise.resolve({ client: 0, region: 0 }),
    checkRateLimit,
  );
  const cooldown = cooldownStart(base.at, settings);
  const alerts = [
    base.sourceKey
      ? {
          hit: forgedCodeBurst(counts.client + 1, settings.forged_code, "client"),
          subjectType: "client" as const,
          subjectId: base.sourceKey,
        }
      : null,
    base.regionCode
      ? {
          hit: forgedCodeBurst(counts.region + 1, settings.forged_code, "region"),
          subjectType: "region" as const,
          subjectId: base.regionCode,
        }
      : null,
  ].flatMap((candidate) =>
    candidate?.hit
      ? alertUpsertStatements(
          {
            hit: candidate.hit,
            subjectType: candidate.subjectType,
            subjectId: candidate.subjectId,
            labelCode: null,
            batchId: null,
            authorizationId: null,
            organizationId: null,
            regionCode: null,
            scanRegionCode: base.regionCode,
          },
          base.at,
          cooldown,
        )
      : [],
  );
  await storeInvalidScan(
    c.env.DB,
    { ...base, verdict: "invalid", reasons: ["forged_code"] },
    alerts,
    waitUntilOf(c),
  );
  return {
    verdict: "invalid" as const,
    reasons: ["forged_code"],
    message: verdictMessage("invalid", languageOf(c.req.header("Accept-Language")), {
      count: 0,
      firstAt: null,
      firstRegionName: null,
    }),
  };
}

export const scan: AppRouteHandler<typeof routes.scan> = async (c) => {
  const body = c.req.valid("json");
  const claims = await optionalClaims(c);
  const who = {
    userId: claims?.sub,
    clientId: body.client_id,
    ip: c.req.header("CF-Connecting-IP"),
  };
  const [clientKey, sourceKey] = await Promise.all([
    clientKeyOf(c.env.CLIENT_ID_PEPPER, who),
    sourceKeyOf(c.env.CLIENT_ID_PEPPER, who),
  ]);
  const checkRateLimit = startRateLimit(
    c.env.SCAN_RATE_LIMITER,
    [`source:${sourceKey}`, claims ? `user:${claims.sub}` : ""],
    "Too many scans from this address or account; try again in a minute.",
  );
  const [settings, signedIn] = await Promise.all([
    loadRiskSettings(c.env.DB),
    claims ? loadActiveUser(c, claims.sub) : null,
  ]);
  if (claims && !signedIn) {
    throw new ApiError(
      "unauthorized",
      "The account of this token no longer exists or is disabled.",
      {
        headers: { "WWW-Authenticate": 'Bearer realm="gi-trace", error="invalid_token"' },
      },
    );
  }
  const location = locate(c, body);
  const raw = (body.code ?? body.url ?? "").trim();
  const base = {
    id: newId("scn"),
    at: new Date().toISOString(),
    labelCode: null,
    batchId: null,
    organizationId: null,
    rawInput: null as string | null,
    clientKey,
    sourceKey,
    userId: claims?.sub ?? null,
    lat: location.lat,
    lng: location.lng,
    locationSource: location.source,
    regionCode: location.regionCode,
    userAgentClass: userAgentClass(c.req.header("User-Agent")),
    requestId: c.get("requestId") ?? null,
  };
  const invalid = async () =>
    c.json(
      await scanInvalid(
        c,
        { ...base, rawInput: raw.slice(0, RAW_INPUT_MAX) },
        settings,
        checkRateLimit,
      ),
      200,
    );

  // The tag is checked before any lookup: a forged or mistyped code never reaches the labels table.
  const input = parseScanInput(raw);
  const candidate =
    input.kind === "code" ? input.code : input.kind === "digital_link" ? input.serial : null;
  const verified = candidate ? await verifyLabelCode(candidate, labelKeys(c.env).keys) : null;
  if (!verified?.ok) return invalid();
  const row = await afterRateLimit(
    readLabelContext(c.env.DB, verified.code, waitUntilOf(c)),
    checkRateLimit,
  );
  // A Digital Link must also name the label's own GTIN and lot; a copied serial on other packs does not.
  const mismatched =
    row &&
    input.kind === "digital_link" &&
    (row.batch.gtin !== input.gtin14 || row.batch.lotCode !== input.lot);
  if (!row || mismatched) return invalid();

  // The location rules see device GPS only (see storeLabelScan); IP geolocation is kept for
  // the region of the scan, its statistics and the regulator's scope.
  const gps = location.source === "gps";
  const evaluation = evaluateLabelScan(
    labelContextOf(row),
    {
      at: base.at,
      clientKey: sourceKey,
      lat: gps ? location.lat : null,
      lng: gps ? location.lng : null,
      prefectureCode: gps ? location.regionCode : null,
    },
    settings,
  );
  const copyFlagged = evaluation.hits.some((hit) =>
    (copiedCodeRules as readonly string[]).includes(hit.rule),
  );
  const firstFlag = copyFlagged && row.label.flaggedByScan === null;
  const anomaly = batchAnomaly(
    {
      labelsScanned: row.batch.labelsScanned + (row.label.scanCount === 0 ? 1 : 0),
      labelsFlagged: row.batch.labelsFlagged + (firstFlag ? 1 : 0),
    },
    settings.batch_anomaly,
  );
  const cooldown = cooldownStart(base.at, settings);
  const alerts = [
    ...evaluation.hits,
    ...(anomaly && (firstFlag || row.label.scanCount === 0) ? [anomaly] : []),
  ]
    .filter((hit) => hit.alert)
    .flatMap((hit) =>
      alertUpsertStatements(raiseFor(hit, row, location.regionCode), base.at, cooldown),
    );
  const counters = await storeLabelScan(
    c.env.DB,
    {
      scan: {
        ...base,
        labelCode: row.label.code,
        batchId: row.batch.id,
        organizationId: row.organization.id,
        verdict: evaluation.verdict,
        reasons: evaluation.reasons,
      },
      copyFlagged,
      touchBatch: row.label.scanCount === 0 || firstFlag,
      alerts,
    },
    waitUntilOf(c),
  );

  return c.json(
    await labelScanAnswer(
      c.env.CLIENT_ID_PEPPER,
      base.id,
      base.at,
      row,
      evaluation,
      counters,
      languageOf(c.req.header("Accept-Language")),
    ),
    200,
  );
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const query = c.req.valid("query");
  const where = and(scanScope(c.get("user")), scanFilterCondition(query));
  if (query.format !== "json") return exportScans(c, where, query.format);
  const rows = await getDb(c.env.DB)
    .select({ scan: scans })
    .from(scans)
    .leftJoin(organizations, eq(organizations.id, scans.organizationId))
    .where(and(where, afterCursor(query.cursor, scans.scannedAt, scans.id)))
    .orderBy(desc(scans.scannedAt), desc(scans.id))
    .limit(query.limit + 1);
  const page = toPage(
    rows,
    query.limit,
    (r) => ({ k: r.scan.scannedAt, id: r.scan.id }),
    (r) => toScanDto(r.scan),
  );
  const next = nextPageLink(c.req.url, page.next_cursor);
  if (next) c.header("Link", next);
  return c.json(page, 200);
};
