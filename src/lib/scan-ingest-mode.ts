/**
 * How scans are written (SCAN_INGEST): `direct`, in the request's own D1 batch (the default),
 * or `queue`, by the queue consumer after the answer (docs/scale.md "Queue ingest"). Anything
 * else is direct; a production configuration naming another value is refused at startup
 * (runtime-config.ts).
 */
export type ScanIngestMode = "direct" | "queue";

export const scanIngestMode = (value: string | undefined): ScanIngestMode =>
  value === "queue" ? "queue" : "direct";
