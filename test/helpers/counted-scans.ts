import { env } from "cloudflare:workers";
import { counterRecountChecks } from "../../bench/counter-recount.ts";
import { countScanStatements } from "../../src/db/queries/scan-counters";
import { prepareAll, statement } from "../../src/lib/d1-group-batch";
import { newId } from "../../src/lib/ids";

export type PastScan = {
  at: string;
  labelCode: string | null;
  batchId: string | null;
  organizationId: string | null;
  regionCode: string | null;
  verdict: string;
};

/**
 * Stores scans at chosen instants, with their counters written by the app's own statement, as a
 * scan of the past would have been stored (one request cannot move the server's clock).
 */
export async function storePastScans(rows: PastScan[]) {
  await env.DB.batch(
    prepareAll(
      env.DB,
      rows.flatMap((row) => [
        statement(
          `INSERT INTO scans (id, label_code, batch_id, organization_id, client_key, region_code, verdict, reasons, raw_input, scanned_at)
             VALUES (?, ?, ?, ?, 'k', ?, ?, '[]', ?, ?)`,
          newId("scn"),
          row.labelCode,
          row.batchId,
          row.organizationId,
          row.regionCode,
          row.verdict,
          row.labelCode ? null : "FORGED",
          row.at,
        ),
        ...countScanStatements(row),
      ]),
    ),
  );
}

/**
 * The counter tables that differ from a recount of the stored scans, with how many rows differ
 * (none when every counter is exact). Only meaningful while no scan has been rolled up by
 * retention.
 */
export async function counterMismatches(): Promise<{ table: string; differ: number }[]> {
  const checks = counterRecountChecks();
  const results = await env.DB.batch(checks.map(({ sql }) => env.DB.prepare(sql)));
  return checks
    .map(({ table }, i) => ({
      table,
      differ: Number((results[i]?.results[0] as { differ: number } | undefined)?.differ),
    }))
    .filter((row) => row.differ !== 0);
}
