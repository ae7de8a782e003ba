// The mini-program's data on a local worker: a released lot of the Shengsi mussel cooperative.
import {
  type Caller,
  type Credentials,
  registerProducer,
  releasedBatch as released,
  SHENGSI_MUSSEL,
} from "../../e2e/fixtures.ts";

export { type Caller, caller } from "../../e2e/fixtures.ts";

/** A released batch with a GTIN and a trace, and its labels; returns what the tests need. */
export async function releasedBatch(call: Caller, admin: Credentials) {
  const shengsi = await registerProducer(call, admin, SHENGSI_MUSSEL);
  const authorizationId = shengsi.authorizationIds[0] as string;
  const siteId = shengsi.siteIds[0] as string;
  const producer = shengsi.producerToken;
  const lot = await releasedLot(call, producer, authorizationId, siteId, "SSYB-MP-1");
  return { ...lot, producer, authorizationId, siteId };
}

/** A released batch (GTIN, one trace event, three labels) of the producer's authorization. */
export function releasedLot(
  call: Caller,
  producer: string,
  authorizationId: string,
  siteId: string,
  lotCode: string,
) {
  return released(call, producer, {
    authorizationId,
    siteId,
    lotCode,
    gtin: "06901234567892",
    event: { type: "harvest", occurred_at: "2026-11-01T02:00:00Z", place_name: "嵊泗列岛养殖区" },
    labels: 3,
  });
}
