import { env } from "cloudflare:workers";
import { countScanStatement } from "../../src/db/queries/scan-counters";
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
        countScanStatement(row),
      ]),
    ),
  );
}

/**
 * Counter rows that differ from a recount of the stored scans (none when every counter is
 * exact). Only meaningful while no scan has been rolled up by retention.
 */
export async function counterMismatches(): Promise<unknown[]> {
  const recount = `SELECT date(scanned_at, '+8 hours') AS day, coalesce(organization_id, '') AS organization_id,
      coalesce(batch_id, '') AS batch_id, coalesce(region_code, '') AS region_code, verdict, count(*) AS scans
    FROM scans GROUP BY 1, 2, 3, 4, 5`;
  const counted = `SELECT day, organization_id, batch_id, region_code, verdict, scans FROM scan_counters WHERE scans != 0`;
  const { results } = await env.DB.prepare(
    `SELECT 'counter' AS side, * FROM (${counted} EXCEPT ${recount})
     UNION ALL SELECT 'scans' AS side, * FROM (${recount} EXCEPT ${counted})`,
  ).all();
  return results;
}
