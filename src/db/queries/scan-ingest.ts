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
import { REGISTRY_DATABASE } from "../../lib/scan-database-routes";
import { type ScanDatabases, singleScanDatabase } from "../scan-databases";
import { scanLedger, scans } from "../schema";
import { jsonValues, toStatement } from "../sql";
import {
  insertScanIfAbsentStatement,
  invalidScanCountStatement,
  invalidScanStatements,
  type LabelScanWrite,
  labelScanStatements,
  type ScanRecord,
  scanLedgerStatement,
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
 * invocation's 1,000 queries (paid plan); a job writes up to 7 statements (its row, label, batch
 * and four counter tables) and 4 per alert, so a full batch of 100 jobs takes two or three
 * transactions with room for the reads.
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

/**
 * Which of `ids` are stored (their row, or with split databases their ledger entry), and the
 * invalid scans counted per forged subject, in one round trip.
 */
async function readBefore(d1: D1Database, ids: string[], forged: Forged[], split: boolean) {
  const queries = [...countQueries(forged)];
  const idList = jsonValues(ids);
  const storedSql = split
    ? sql`SELECT ${scans.id} AS id FROM ${scans} WHERE ${scans.id} IN ${idList}
          UNION ALL SELECT ${scanLedger.scanId} FROM ${scanLedger} WHERE ${scanLedger.scanId} IN ${idList}`
    : sql`SELECT ${scans.id} AS id FROM ${scans} WHERE ${scans.id} IN ${idList}`;
  const statements: Statement[] = [
    toStatement(storedSql),
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

/** The key of the database that holds a job's scan row. */
const databaseOfJob = (databases: ScanDatabases, job: ScanJob) =>
  job.kind === "label" ? databases.of(job.write.producerRegionCode).key : REGISTRY_DATABASE;

/**
 * The registry's statements of each job, in scan time order, forged jobs counting the ones
 * before them; a routed scan's ledger entry stands in for its row.
 */
function jobStatements(
  databases: ScanDatabases,
  jobs: ScanJob[],
  counted: Map<CountKey, number>,
): Statement[][] {
  const seen = new Map(counted);
  return jobs.map((job) => {
    if (job.kind === "label") {
      const database = databaseOfJob(databases, job);
      return database === REGISTRY_DATABASE
        ? labelScanStatements(job.write)
        : labelScanStatements(job.write, scanLedgerStatement(job.write.scan, database));
    }
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
  /UNIQUE constraint failed: (scans\.id|scan_ledger\.scan_id)/.test(
    String((error as Error)?.message ?? error),
  );

/**
 * The rows of routed scans in their provinces' databases: every routed job of the batch, since
 * one found in the ledger may be a redelivery whose row was never written.
 */
async function writeRoutedRows(databases: ScanDatabases, jobs: ScanJob[]) {
  const byDatabase = new Map<string, Statement[]>();
  for (const job of jobs) {
    const database = databaseOfJob(databases, job);
    if (database === REGISTRY_DATABASE) continue;
    const rows = byDatabase.get(database) ?? [];
    rows.push(insertScanIfAbsentStatement(scanOfJob(job)));
    byDatabase.set(database, rows);
  }
  await Promise.all(
    [...byDatabase].map(([database, rows]) => {
      const d1 = databases.byKey(database);
      return d1.batch(prepareAll(d1, rows));
    }),
  );
}

/**
 * Writes the scans of `jobs` that are not stored yet, with their label updates, counters and
 * alerts. Resolves to how many were written and how many were stored already; rejects when D1
 * does (the caller retries; every job then either is stored whole or not at all).
 */
export async function ingestScanJobs(
  target: ScanDatabases | D1Database,
  jobs: ScanJob[],
): Promise<{ written: number; alreadyStored: number }> {
  const databases = "registry" in target ? target : singleScanDatabase(target);
  const d1 = databases.registry;
  const unique = [...new Map(jobs.map((job) => [scanOfJob(job).id, job])).values()].sort((a, b) =>
    scanOfJob(a).at < scanOfJob(b).at ? -1 : scanOfJob(a).at > scanOfJob(b).at ? 1 : 0,
  );
  for (let attempt = 0; ; attempt++) {
    const forged = unique.filter((job): job is Forged => job.kind === "forged");
    const { stored, counted } = await readBefore(
      d1,
      unique.map((job) => scanOfJob(job).id),
      forged,
      databases.split,
    );
    const fresh = unique.filter((job) => !stored.has(scanOfJob(job).id));
    try {
      for (const group of transactions(jobStatements(databases, fresh, counted))) {
        await d1.batch(prepareAll(d1, group));
      }
      if (databases.split) await writeRoutedRows(databases, unique);
      return { written: fresh.length, alreadyStored: jobs.length - fresh.length };
    } catch (error) {
      // Another delivery of one of these scans landed in between: read again and skip it.
      if (attempt < 2 && isDuplicateScan(error)) continue;
      throw error;
    }
  }
}
