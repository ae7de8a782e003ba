import { env } from "cloudflare:workers";
import { counterRecountChecks } from "../../bench/counter-recount.ts";
import { type AlertRaise, alertUpsertStatements } from "../../src/db/queries/alert-store";
import { countScanStatements } from "../../src/db/queries/scan-counters";
import { prepareAll, statement } from "../../src/lib/d1-group-batch";
import { newId } from "../../src/lib/ids";
import type { RuleHit } from "../../src/lib/risk";

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

export type PastAlert = {
  at: string;
  rule: string;
  subject: string;
  organizationId: string | null;
  regionCode: string | null;
  scanRegionCode: string | null;
};

/**
 * Raises (or adds a hit to) a label alert at a chosen instant through the app's own upsert
 * statements, with a cooldown reaching back far enough that the open alert of the same label and
 * rule absorbs it; answers the open alert's id.
 */
export async function upsertAlertAt(hit: PastAlert): Promise<string> {
  const raise: AlertRaise = {
    hit: { rule: hit.rule, severity: "high", detail: {} } as unknown as RuleHit,
    subjectType: "label",
    subjectId: hit.subject,
    labelCode: hit.subject,
    batchId: null,
    authorizationId: null,
    organizationId: hit.organizationId,
    regionCode: hit.regionCode,
    scanRegionCode: hit.scanRegionCode,
  };
  await env.DB.batch(
    prepareAll(env.DB, alertUpsertStatements(raise, hit.at, "2000-01-01T00:00:00.000Z")),
  );
  const row = await env.DB.prepare(
    "SELECT id FROM alerts WHERE subject_id = ? AND rule = ? AND status NOT IN ('confirmed', 'dismissed')",
  )
    .bind(hit.subject, hit.rule)
    .first<{ id: string }>();
  return row?.id as string;
}

/**
 * The counter tables that differ from a recount of the stored scans, with how many rows differ
 * (none when every counter is exact), the alert counters among them. Only meaningful while no
 * scan has been rolled up by retention.
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
