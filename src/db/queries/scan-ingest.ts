// The write side of queue ingest (SCAN_INGEST=queue, src/queues/scans.ts): a batch of queued
// scans costs one read round trip and one write transaction, whatever its size. The statements
// are the ones direct mode runs (labelScanStatements, invalidScanStatements), so counters stay
// exact. Idempotent by scan id: a scan already stored is skipped, and every job's statements
// start with the INSERT of its scan row, inside the transaction, so a second delivery that
// races the first fails on the primary key instead of counting twice.
import { sql } from "drizzle-orm";
import { prepareAll, type Statement } from "../../lib/d1-group-batch";
import { forgedCodeWindowStart, type RiskSettings } from "../../lib/risk";
import { forgedCodeRaises, type InvalidScanCounts } from "../../lib/risk/alert-raise";
import { scans } from "../schema";
import { toStatement } from "../sql";
import {
  invalidScanCountStatement,
  invalidScanStatements,
  type LabelScanWrite,
  labelScanStatements,
  type ScanRecord,
} from "./scan-store";

/** A queued scan: a scan of a real label with its verdict, or of a forged code. */
export type ScanJob =
  | { kind: "label"; write: LabelScanWrite }
  | {
      kind: "forged";
      scan: ScanRecord;
      /** The burst rule's settings when the scan was made. */
      forgedCode: RiskSettings["forged_code"];
      cooldownStart: string;
    };

export const scanOfJob = (job: ScanJob): ScanRecord =>
  job.kind === "label" ? job.write.scan : job.scan;

/**
 * Statements per write transaction. D1 counts every statement of a batch against the Worker
 * invocation's 1,000 queries (paid plan); a job writes 3 to 4 statements and 2 per alert, so a
 * full batch of 100 jobs stays in one or two transactions with room for the reads.
 */
const MAX_TRANSACTION_STATEMENTS = 400;

type Forged = Extract<ScanJob, { kind: "forged" }>;
type CountKey = `${"client" | "region"}:${string}`;

type CountQuery = { subject: "client" | "region"; value: string; since: string; cap: number };

/** For each forged job's subjects: the earliest window start and the cap over the batch. */
function countQueries(forged: Forged[]) {
  const queries = new Map<CountKey, CountQuery>();
  for (const job of forged) {
    if (!job.forgedCode.enabled) continue;
    const since = forgedCodeWindowStart(job.scan.at, job.forgedCode) ?? job.scan.at;
    const cap = job.forgedCode.burst_count * 10;
    for (const { key, subject, value } of subjectsOf(job.scan)) {
      const known = queries.get(key);
      queries.set(key, {
        subject,
        value,
        since: known && known.since < since ? known.since : since,
        cap: Math.max(known?.cap ?? 0, cap),
      });
    }
  }
  return queries;
}

/** The subjects a forged scan counts for: its source, and its region when it has one. */
function subjectsOf(scan: ScanRecord) {
  return [
    {
      key: `client:${scan.sourceKey}` as CountKey,
      subject: "client" as const,
      value: scan.sourceKey,
    },
    ...(scan.regionCode
      ? [
          {
            key: `region:${scan.regionCode}` as CountKey,
            subject: "region" as const,
            value: scan.regionCode,
          },
        ]
      : []),
  ];
}

/** Which of `ids` are stored, and the invalid scans counted per forged subject, in one round trip. */
async function readBefore(d1: D1Database, ids: string[], forged: Forged[]) {
  const queries = [...countQueries(forged)];
  const statements: Statement[] = [
    toStatement(
      sql`SELECT ${scans.id} AS id FROM ${scans} WHERE ${scans.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
    ),
    ...queries.map(([, query]) =>
      invalidScanCountStatement(query.subject, query.value, query.since, query.cap),
    ),
  ];
  const [stored, ...counts] = (await d1.batch(prepareAll(d1, statements))) as D1Result[];
  return {
    stored: new Set((stored?.results ?? []).map((r) => (r as { id: string }).id)),
    counted: new Map(
      queries.map(([key], i) => [key, Number((counts[i]?.results[0] as { n: number })?.n ?? 0)]),
    ),
  };
}

/** The statements of each job, in scan time order, forged jobs counting the ones before them. */
function jobStatements(jobs: ScanJob[], counted: Map<CountKey, number>): Statement[][] {
  const seen = new Map(counted);
  return jobs.map((job) => {
    if (job.kind === "label") return labelScanStatements(job.write);
    const counts: InvalidScanCounts = { client: 0, region: 0 };
    for (const { key, subject } of subjectsOf(job.scan)) {
      counts[subject] = seen.get(key) ?? 0;
      seen.set(key, counts[subject] + 1);
    }
    const raises = forgedCodeRaises(job.scan, counts, job.forgedCode);
    return invalidScanStatements(job.scan, raises, job.cooldownStart);
  });
}

/** Splits jobs' statements into transactions at job boundaries. */
function transactions(perJob: Statement[][]): Statement[][] {
  const groups: Statement[][] = [];
  let current: Statement[] = [];
  for (const statements of perJob) {
    if (current.length > 0 && current.length + statements.length > MAX_TRANSACTION_STATEMENTS) {
      groups.push(current);
      current = [];
    }
    current.push(...statements);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

const isDuplicateScan = (error: unknown) =>
  /UNIQUE constraint failed: scans\.id/.test(String((error as Error)?.message ?? error));

/**
 * Writes the scans of `jobs` that are not stored yet, with their label updates, counters and
 * alerts. Resolves to how many were written and how many were stored already; rejects when D1
 * does (the caller retries; every job then either is stored whole or not at all).
 */
export async function ingestScanJobs(
  d1: D1Database,
  jobs: ScanJob[],
): Promise<{ written: number; alreadyStored: number }> {
  const unique = [...new Map(jobs.map((job) => [scanOfJob(job).id, job])).values()].sort((a, b) =>
    scanOfJob(a).at < scanOfJob(b).at ? -1 : scanOfJob(a).at > scanOfJob(b).at ? 1 : 0,
  );
  for (let attempt = 0; ; attempt++) {
    const forged = unique.filter((job): job is Forged => job.kind === "forged");
    const { stored, counted } = await readBefore(
      d1,
      unique.map((job) => scanOfJob(job).id),
      forged,
    );
    const fresh = unique.filter((job) => !stored.has(scanOfJob(job).id));
    try {
      for (const group of transactions(jobStatements(fresh, counted))) {
        await d1.batch(prepareAll(d1, group));
      }
      return { written: fresh.length, alreadyStored: jobs.length - fresh.length };
    } catch (error) {
      // Another delivery of one of these scans landed in between: read again and skip it.
      if (attempt < 2 && isDuplicateScan(error)) continue;
      throw error;
    }
  }
}
