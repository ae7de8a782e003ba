// Issuing labels: codes made in the worker, then one D1 batch (one transaction) that counts
// them against the annual quota and inserts them. The quota is enforced by the CHECK on
// authorization_label_usage, so parallel requests can never pass it together and a request
// that would pass it writes nothing.
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import { chunk } from "../../lib/chunk";
import { ApiError } from "../../lib/errors";
import { mintLabelCodes } from "../../lib/label-code";
import { labelKeys, labelOrigin, labelUrl } from "../../lib/label-links";
import { chinaDate } from "../../lib/risk/time";
import { runFenced } from "../../middleware/idempotency";
import type { AppEnv } from "../../types";
import { getDb } from "../client";
import { authorizationLabelUsage } from "../schema";
import { auditEntry } from "./audit";

// Codes go in as one JSON array parameter per statement (json_each), so 10,000 labels take a
// handful of statements instead of one per ~30 rows under the 100-parameter limit.
const CODES_PER_STATEMENT = 2500;

export type IssueTarget = {
  batchId: string;
  authorizationId: string;
  annualLabelQuota: number | null;
  gtin: string | null;
  lotCode: string;
};

export async function insertLabelRows(c: Context<AppEnv>, target: IssueTarget, count: number) {
  const { keys, currentKid } = labelKeys(c.env);
  const codes = await mintLabelCodes(keys, currentKid, count);
  const year = Number(chinaDate().slice(0, 4));
  const db = getDb(c.env.DB);
  const d1 = c.env.DB;
  const audit = auditEntry(c, {
    action: "labels.issue",
    targetType: "batch",
    targetId: target.batchId,
    after: { count, year, first_code: codes[0], last_code: codes[codes.length - 1] },
  }).toSQL();
  const statements = [
    d1
      .prepare(
        "INSERT INTO authorization_label_usage (authorization_id, year, issued, quota) VALUES (?1, ?2, 0, ?3) ON CONFLICT (authorization_id, year) DO UPDATE SET quota = ?3",
      )
      .bind(target.authorizationId, year, target.annualLabelQuota),
    d1
      .prepare(
        "UPDATE authorization_label_usage SET issued = issued + ?1 WHERE authorization_id = ?2 AND year = ?3",
      )
      .bind(count, target.authorizationId, year),
    ...chunk(codes, CODES_PER_STATEMENT).map((part) =>
      d1
        .prepare(
          "INSERT INTO labels (code, batch_id, key_id) SELECT value, ?1, ?2 FROM json_each(?3)",
        )
        .bind(target.batchId, currentKid, JSON.stringify(part)),
    ),
    d1
      .prepare("UPDATE batches SET label_count = label_count + ?1, updated_at = ?2 WHERE id = ?3")
      .bind(count, new Date().toISOString(), target.batchId),
    d1.prepare(audit.sql).bind(...audit.params),
  ];
  try {
    await runFenced(c, statements);
  } catch (error) {
    if (String((error as Error)?.message ?? error).includes("CHECK constraint failed")) {
      const usage = await db.query.authorizationLabelUsage.findFirst({
        where: sql`${authorizationLabelUsage.authorizationId} = ${target.authorizationId} AND ${authorizationLabelUsage.year} = ${year}`,
      });
      const remaining = Math.max(0, (target.annualLabelQuota ?? 0) - (usage?.issued ?? 0));
      throw new ApiError(
        "quota_exceeded",
        `The authorization's ${year} quota allows ${remaining} more label(s); ${count} were asked for.`,
        {
          extra: { remaining, requested: count, quota: target.annualLabelQuota, year },
        },
      );
    }
    throw error;
  }
  return codes.map((code) => ({
    code,
    url: labelUrl(labelOrigin(c.env, c.req.url), target, code),
  }));
}
