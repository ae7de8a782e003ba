// Trace events as EPCIS events: captured ones as they were sent, our own ones built from the row.
import type { batches } from "../../db/schema";
import { digitalLinkUri } from "../../lib/digital-link";
import type { EpcisBatch } from "../../lib/epcis/document";

type BatchRow = Pick<
  typeof batches.$inferSelect,
  "id" | "gtin" | "lotCode" | "quantity" | "unit" | "producedAt"
>;

const publicOrigin = (publicHost: string) =>
  `https://${publicHost
    .trim()
    .replace(/^https?:\/\//i, "")
    .replace(/\/+$/, "")}`;

/** The class URI of a batch's items: the lot's Digital Link, else the batch's own URI. */
export function batchClassUri(
  publicHost: string,
  batch: Pick<BatchRow, "id" | "gtin" | "lotCode">,
) {
  const origin = publicOrigin(publicHost);
  return batch.gtin
    ? digitalLinkUri(origin, { gtin14: batch.gtin, lot: batch.lotCode })
    : `${origin}/v1/batches/${batch.id}`;
}

export function epcisBatch(
  publicHost: string,
  batch: BatchRow,
  site: { lat: number; lng: number },
): EpcisBatch {
  return {
    id: batch.id,
    lotCode: batch.lotCode,
    quantity: batch.quantity,
    unit: batch.unit,
    producedAt: batch.producedAt,
    classUri: batchClassUri(publicHost, batch),
    site,
  };
}
