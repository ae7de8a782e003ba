// Queue consumer of scans (SCAN_INGEST=queue; wrangler.toml [[queues.consumers]] of
// gi-trace-scans). A batch is written in one read round trip and one transaction
// (src/db/queries/scan-ingest.ts). When SQLite refuses a statement, each message is tried alone
// so that one bad message cannot hold back the others; a message that still fails, or a batch
// that D1 could not take at all, is retried with backoff, then parked in the dead-letter queue
// (gi-trace-scans-dlq). Redelivery never counts twice.
import { ingestScanJobs, type ScanJob } from "../db/queries/scan-ingest";
import { scanDatabases } from "../db/scan-databases";
import type { Bindings } from "../types";

/** The scan queue, and by prefix its dead-letter queue (gi-trace-scans-dlq) when replayed. */
export const SCAN_QUEUE_NAME = "gi-trace-scans";

const MAX_DELAY_SECONDS = 300;

/** A message this worker sent: its shape, not its every field (D1 refuses what is malformed). */
function isScanJob(body: unknown): body is ScanJob {
  const job = body as Partial<Record<string, Record<string, unknown>>> & { kind?: unknown };
  const scan = job?.kind === "label" ? job.write?.scan : job?.kind === "forged" ? job.scan : null;
  const record = scan as { id?: unknown; at?: unknown } | null | undefined;
  return (
    typeof record?.id === "string" && record.id.startsWith("scn_") && typeof record.at === "string"
  );
}

const retryDelay = (attempts: number) => Math.min(MAX_DELAY_SECONDS, 2 ** attempts);

export async function handleScanBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const messages: { message: Message<unknown>; job: ScanJob }[] = [];
  for (const message of batch.messages) {
    if (isScanJob(message.body)) messages.push({ message, job: message.body });
    else {
      console.error(JSON.stringify({ msg: "scan job of unknown shape dropped", id: message.id }));
      message.ack();
    }
  }
  if (messages.length === 0) return;
  const databases = scanDatabases(env);
  try {
    const outcome = await ingestScanJobs(
      databases,
      messages.map((m) => m.job),
    );
    for (const { message } of messages) message.ack();
    console.log(JSON.stringify({ msg: "scans ingested", ...outcome }));
  } catch (error) {
    console.error(
      JSON.stringify({ msg: "scan batch failed", size: messages.length, error: String(error) }),
    );
    if (!statementError(error) || messages.length === 1) {
      for (const { message } of messages) {
        message.retry({ delaySeconds: retryDelay(message.attempts) });
      }
      return;
    }
    for (const { message, job } of messages) {
      try {
        await ingestScanJobs(databases, [job]);
        message.ack();
      } catch (alone) {
        retry(message, alone);
      }
    }
  }
}

/**
 * Whether SQLite refused a statement (a constraint, a malformed value): then one message is to
 * blame and the others are written alone. Anything else (D1 unreachable or overloaded, the
 * isolate going away) fails every message alike, and the batch is retried whole.
 */
const statementError = (error: unknown) => /SQLITE_/.test(String(error));

function retry(message: Message<unknown>, error: unknown) {
  console.error(
    JSON.stringify({
      msg: "scan job failed",
      id: message.id,
      attempts: message.attempts,
      error: String(error),
    }),
  );
  message.retry({ delaySeconds: retryDelay(message.attempts) });
}
