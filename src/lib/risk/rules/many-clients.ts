import { type RiskSettings, ruleSeverity } from "../settings";
import type { LabelContext, RuleHit, ScanObservation } from "../types";

/** Distinct clients that scanned the code, this scan included; empty keys are no client. */
export function distinctClients(ctx: LabelContext, scan: ScanObservation): number {
  const keys = new Set(ctx.clientKeys);
  keys.add(scan.clientKey);
  keys.delete("");
  return keys.size;
}

/**
 * More than max_clients distinct clients scanned one code: one physical item is rarely checked
 * by more than its seller, buyer and a recipient, so the code has probably been copied.
 * Keeps firing for every later scan of the code, whichever client makes it.
 */
export function manyClients(
  ctx: LabelContext,
  scan: ScanObservation,
  params: RiskSettings["many_clients"],
): RuleHit | null {
  if (!params.enabled) return null;
  const clients = distinctClients(ctx, scan);
  if (clients <= params.max_clients) return null;
  return {
    rule: "many_clients",
    verdict: "suspicious",
    severity: ruleSeverity.many_clients,
    alert: true,
    subject: "label",
    detail: { distinct_clients: clients, max_clients: params.max_clients },
  };
}
