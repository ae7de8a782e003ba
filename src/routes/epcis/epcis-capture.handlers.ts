import type { Context } from "hono";
import {
  batchesForCapture,
  existingEventIds,
  type NewCapturedEvent,
  storeCapture,
} from "../../db/queries/epcis";
import {
  bareBizStep,
  type EpcTarget,
  epcisSchemaErrors,
  epcTarget,
  eventIdentifiers,
  geoOf,
  traceTypeOfStep,
} from "../../lib/epcis/capture";
import { eventHashId } from "../../lib/epcis/event-hash";
import { ApiError, fieldError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { verifyLabelCode } from "../../lib/label-code";
import { labelKeys } from "../../lib/label-links";
import type { AppEnv, AppRouteHandler } from "../../types";
import { toCaptureJobDto } from "./capture-job";
import type * as routes from "./epcis.routes";

type Json = Record<string, unknown>;
type CaptureError = { eventIndex: number; eventID: string | null; reason: string };
type Batch = { id: string; organizationId: string; gtin: string | null; lotCode: string };

const MAX_EVENTS = 500;

/** The batches each event's identifiers name, or the reason why one names none of the caller's. */
async function resolveTargets(c: Context<AppEnv>, targets: EpcTarget[][]) {
  const keys = labelKeys(c.env).keys;
  const codes = new Map<string, string | null>();
  for (const t of targets.flat()) {
    if (t.kind === "item" && !codes.has(t.serial)) {
      const verified = await verifyLabelCode(t.serial, keys);
      codes.set(t.serial, verified.ok ? verified.code : null);
    }
  }
  const gtinLots = targets
    .flat()
    .flatMap((t) => (t.kind === "lot" ? [{ gtin: t.gtin14, lot: t.lot }] : []));
  const found = await batchesForCapture(c.env.DB, {
    ids: targets.flat().flatMap((t) => (t.kind === "batch" ? [t.batchId] : [])),
    gtinLots,
    codes: [...codes.values()].filter((v): v is string => v !== null),
  });
  const byBatchId = new Map<string, Batch>(found.byId.map((b) => [b.id, b]));
  return (t: EpcTarget): Batch | undefined => {
    if (t.kind === "batch") return byBatchId.get(t.batchId);
    if (t.kind === "lot")
      return found.byLot.find((b) => b.gtin === t.gtin14 && b.lotCode === t.lot);
    if (t.kind === "item") {
      const code = codes.get(t.serial);
      const b = found.byCode.find((r) => r.code === code);
      // A serial under another GTIN or lot is not this label.
      if (
        b &&
        ((t.gtin14 && b.gtin !== t.gtin14) || (t.lot !== undefined && b.lotCode !== t.lot))
      ) {
        return undefined;
      }
      return b;
    }
    return undefined;
  };
}

export const capture: AppRouteHandler<typeof routes.capture> = async (c) => {
  const document = c.req.valid("json") as Json;
  const errors = epcisSchemaErrors(document);
  if (errors.length === 0 && document.type !== "EPCISDocument") {
    errors.push({ path: "body.type", message: "capture takes an EPCISDocument" });
  }
  if (errors.length > 0) {
    throw new ApiError("validation_failed", "The document is not valid EPCIS 2.0 JSON.", {
      errors,
    });
  }
  const events = ((document.epcisBody as Json).eventList as Json[]) ?? [];
  if (events.length > MAX_EVENTS) {
    throw fieldError(
      "body.epcisBody.eventList",
      `more than ${MAX_EVENTS} events`,
      `At most ${MAX_EVENTS} events per capture.`,
    );
  }
  const user = c.get("user");
  const withIds: Json[] = await Promise.all(
    events.map(async (event) => ({
      ...event,
      eventID: event.eventID ?? (await eventHashId(event)),
    })),
  );
  const targets = withIds.map((event) => eventIdentifiers(event).map(epcTarget));
  const batchOf = await resolveTargets(c, targets);

  const failures: CaptureError[] = [];
  const rows: NewCapturedEvent[] = [];
  const jobId = newId("cap");
  const seen = new Set<string>();
  let inDocumentRepeats = 0;
  withIds.forEach((event, index) => {
    const eventID = String(event.eventID);
    const fail = (reason: string) => {
      failures.push({ eventIndex: index, eventID, reason });
    };
    if (targets[index]?.length === 0) {
      fail("The event names no EPC or EPC class.");
      return;
    }
    const named = new Map<string, Batch>();
    for (const target of targets[index] ?? []) {
      const batch = batchOf(target);
      const label = target.kind === "unknown" ? target.value : JSON.stringify(target);
      if (!batch) {
        fail(`No batch of this registry is named by ${label}.`);
        return;
      }
      if (user.role !== "admin" && batch.organizationId !== user.organizationId) {
        fail(`${label} names a batch of another organization.`);
        return;
      }
      named.set(batch.id, batch);
    }
    const step = bareBizStep(event.bizStep);
    const geo = geoOf(event.readPoint) ?? geoOf(event.bizLocation);
    for (const batch of named.values()) {
      const key = `${batch.id} ${eventID}`;
      if (seen.has(key)) {
        inDocumentRepeats += 1;
        continue;
      }
      seen.add(key);
      rows.push({
        id: newId("evt"),
        batchId: batch.id,
        type: traceTypeOfStep(step),
        occurredAt: new Date(String(event.eventTime)).toISOString(),
        lat: geo?.lat ?? null,
        lng: geo?.lng ?? null,
        placeName: null,
        data: null,
        actorUserId: user.id,
        epcisEventId: eventID,
        epcisEvent: event,
        bizStep: step,
        captureJobId: jobId,
      });
    }
  });

  const existing = failures.length
    ? new Set<string>()
    : await existingEventIds(
        c.env.DB,
        [...new Set(rows.map((r) => r.batchId))],
        [...new Set(rows.map((r) => r.epcisEventId as string))],
      );
  const fresh = rows.filter((r) => !existing.has(`${r.batchId} ${r.epcisEventId}`));
  const job = {
    id: jobId,
    userId: user.id,
    organizationId: user.organizationId,
    status: failures.length ? ("failed" as const) : ("success" as const),
    eventCount: events.length,
    capturedCount: failures.length ? 0 : fresh.length,
    duplicateCount: failures.length ? 0 : rows.length - fresh.length + inDocumentRepeats,
    errors: failures,
    createdAt: new Date().toISOString(),
  };
  await storeCapture(c.env.DB, job, failures.length ? [] : fresh);
  c.header("Location", `/epcis/capture/${jobId}`);
  return c.json(toCaptureJobDto(job), 202);
};
