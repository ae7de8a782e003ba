import type { ScanJob } from "../../db/queries/scan-ingest";
import { scanIngestMode } from "../../lib/scan-ingest-mode";
import type { Bindings } from "../../types";

/** The queue scans are written through in queue mode; null when the request writes them. */
export function scanQueue(env: Bindings): Queue<ScanJob> | null {
  if (scanIngestMode(env.SCAN_INGEST) !== "queue") return null;
  // Refused at startup in production (runtime-config.ts); elsewhere a broken local setup.
  if (!env.SCAN_QUEUE)
    throw new Error("SCAN_INGEST is queue but the SCAN_QUEUE binding is missing.");
  return env.SCAN_QUEUE;
}
