import { eq, type SQL, sql } from "drizzle-orm";
import type { Context } from "hono";
import {
  batchesForCapture,
  queryTraceEvents,
  readBatchTrace,
  readCaptureJob,
} from "../../db/queries/epcis";
import { batches, traceEvents } from "../../db/schema";
import { assertReadable, notFound } from "../../lib/access";
import { bareBizStep, epcTarget } from "../../lib/epcis/capture";
import {
  batchEpcisDocument,
  EPCIS_CONTEXT,
  extensionContext,
  traceObjectEvent,
} from "../../lib/epcis/document";
import { fieldError } from "../../lib/errors";
import { verifyLabelCode } from "../../lib/label-code";
import { labelKeys, labelOrigin, labelUrl } from "../../lib/label-links";
import { cbvBusinessStep } from "../../lib/trace-events";
import type { AppEnv, AppRouteHandler, AuthUser } from "../../types";
import { toCaptureJobDto } from "./capture-job";
import type * as routes from "./epcis.routes";
import { epcisBatch } from "./epcis-trace";

const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;
const ldJson = (c: Context<AppEnv>, body: unknown, status: 200 = 200) =>
  c.body(JSON.stringify(body), status, { "Content-Type": "application/ld+json" });

export const exportBatch: AppRouteHandler<typeof routes.exportBatch> = async (c) => {
  const { id } = c.req.valid("param");
  const trace = await readBatchTrace(c.env.DB, id);
  const batch = assertReadable(c.get("user"), trace?.batch, "batch", id);
  const { codes, events } = trace as NonNullable<typeof trace>;
  const document = await batchEpcisDocument({
    origin: originOf(c),
    batch: epcisBatch(c.env.PUBLIC_HOST, batch, { lat: batch.siteLat, lng: batch.siteLng }),
    epcs: codes.map((code) => labelUrl(labelOrigin(c.env, c.req.url), batch, code)),
    events,
    now: new Date(),
  });
  return ldJson(c, document) as never;
};

export const captureJob: AppRouteHandler<typeof routes.captureJob> = async (c) => {
  const { id } = c.req.valid("param");
  const job = await readCaptureJob(c.env.DB, id);
  const user = c.get("user");
  if (!job || (user.role !== "admin" && job.userId !== user.id)) throw notFound("capture job", id);
  return c.json(toCaptureJobDto(job), 200);
};

function eventScope(user: AuthUser): SQL | undefined {
  if (user.role === "admin") return undefined;
  return user.organizationId ? eq(batches.organizationId, user.organizationId) : sql`0`;
}

/** Our own events carry no stored step: EQ_bizStep matches their type's CBV step. */
function bizStepCondition(step: string): SQL {
  const bare = bareBizStep(step) ?? step;
  const types = Object.entries(cbvBusinessStep)
    .filter(([type, s]) => s === bare && type !== "other")
    .map(([type]) => type);
  const own = types.length
    ? sql` OR (${traceEvents.bizStep} IS NULL AND ${traceEvents.type} IN (${sql.join(
        types.map((t) => sql`${t}`),
        sql`, `,
      )}))`
    : sql``;
  return sql`(${traceEvents.bizStep} = ${bare}${own})`;
}

/** Batch ids an EPC or class URI names (by Digital Link, label URL or batch URI). */
async function batchIdsOf(c: Context<AppEnv>, identifier: string): Promise<string[]> {
  const target = epcTarget(identifier);
  if (target.kind === "batch") return [target.batchId];
  if (target.kind === "lot") {
    const { byLot } = await batchesForCapture(c.env.DB, {
      gtinLots: [{ gtin: target.gtin14, lot: target.lot }],
      codes: [],
    });
    return byLot.map((b) => b.id);
  }
  if (target.kind === "item") {
    const verified = await verifyLabelCode(target.serial, labelKeys(c.env).keys);
    if (!verified.ok) return [];
    const { byCode } = await batchesForCapture(c.env.DB, { gtinLots: [], codes: [verified.code] });
    return byCode.map((b) => b.id);
  }
  return [];
}

const encodeToken = (at: string, id: string) => btoa(`${at}|${id}`).replaceAll("=", "");
function decodeToken(token: string): { at: string; id: string } {
  try {
    const [at, id] = atob(token).split("|");
    if (at && id) return { at, id };
  } catch {}
  throw fieldError(
    "query.nextPageToken",
    "unknown token",
    "nextPageToken is not one this server gave.",
  );
}

async function toEpcisEvents(
  c: Context<AppEnv>,
  rows: Awaited<ReturnType<typeof queryTraceEvents>>,
) {
  return Promise.all(
    rows.map(({ event, batch }) =>
      traceObjectEvent(epcisBatch(c.env.PUBLIC_HOST, batch, { lat: 0, lng: 0 }), event),
    ),
  );
}

export const listEvents: AppRouteHandler<typeof routes.listEvents> = async (c) => {
  const q = c.req.valid("query");
  let batchIds: string[] | undefined;
  for (const identifier of [q.MATCH_epc, q.MATCH_epcClass]) {
    if (identifier === undefined) continue;
    const ids = await batchIdsOf(c, identifier);
    batchIds = batchIds ? batchIds.filter((id) => ids.includes(id)) : ids;
  }
  const rows = await queryTraceEvents(c.env.DB, {
    scope: q.EQ_bizStep
      ? sql`${eventScope(c.get("user")) ?? sql`1`} AND ${bizStepCondition(q.EQ_bizStep)}`
      : eventScope(c.get("user")),
    batchIds,
    since: q.GE_eventTime ? new Date(q.GE_eventTime).toISOString() : undefined,
    until: q.LT_eventTime ? new Date(q.LT_eventTime).toISOString() : undefined,
    after: q.nextPageToken ? decodeToken(q.nextPageToken) : undefined,
    limit: q.perPage + 1,
  });
  const page = rows.slice(0, q.perPage);
  const last = page.at(-1);
  if (rows.length > q.perPage && last) {
    const next = new URL(c.req.url);
    next.searchParams.set("nextPageToken", encodeToken(last.event.occurredAt, last.event.id));
    c.header("Link", `<${next.pathname}${next.search}>; rel="next"`);
  }
  return ldJson(c, {
    "@context": [EPCIS_CONTEXT, extensionContext(originOf(c))],
    type: "EPCISQueryDocument",
    schemaVersion: "2.0",
    creationDate: new Date().toISOString(),
    epcisBody: {
      queryResults: {
        queryName: "SimpleEventQuery",
        resultsBody: { eventList: await toEpcisEvents(c, page) },
      },
    },
  }) as never;
};

/** Our own events' IDs are their hashes, not stored: those are looked for among recent events. */
const OWN_EVENT_SEARCH = 500;

export const getEvent: AppRouteHandler<typeof routes.getEvent> = async (c) => {
  const { eventID } = c.req.valid("param");
  const scope = eventScope(c.get("user"));
  const captured = await queryTraceEvents(c.env.DB, { scope, eventId: eventID, limit: 1 });
  let events = await toEpcisEvents(c, captured);
  if (events.length === 0) {
    const recent = await queryTraceEvents(c.env.DB, {
      scope: sql`${scope ?? sql`1`} AND ${traceEvents.epcisEventId} IS NULL`,
      limit: OWN_EVENT_SEARCH,
    });
    events = (await toEpcisEvents(c, recent)).filter((e) => e.eventID === eventID);
  }
  const event = events[0];
  if (!event) throw notFound("event", eventID);
  return ldJson(c, {
    "@context": [EPCIS_CONTEXT, extensionContext(originOf(c))],
    ...event,
  }) as never;
};
