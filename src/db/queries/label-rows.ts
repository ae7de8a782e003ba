// Issuing labels: codes made in the worker, then one D1 batch (one transaction) that counts
// them against the annual quota and inserts them. The quota is enforced by the CHECK on
// authorization_label_usage, so parallel requests can never pass it together and a request
// that would pass it writes nothing.
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import { chinaDate } from "../../lib/beijing-time";
import { chunk } from "../../lib/chunk";
import { ApiError } from "../../lib/errors";
import { mintLabelCodes } from "../../lib/label-code";
import { labelKeys, labelOrigin, labelUrl } from "../../lib/label-links";
import { runFenced } from "../../middleware/idempotency";
import type { AppEnv } from "../../types";
import { getDb } from "../client";
import { authorizationLabelUsage, batches, labels } from "../schema";
import { bare, prepareSql } from "../sql";
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
  const usage = authorizationLabelUsage;
  const statements = [
    prepareSql(
      d1,
      sql`INSERT INTO ${usage} (${bare(usage.authorizationId)}, ${bare(usage.year)}, ${bare(usage.issued)}, ${bare(usage.quota)}) VALUES (${target.authorizationId}, ${year}, 0, ${target.annualLabelQuota}) ON CONFLICT (${bare(usage.authorizationId)}, ${bare(usage.year)}) DO UPDATE SET ${bare(usage.quota)} = ${target.annualLabelQuota}`,
    ),
    prepareSql(
      d1,
      sql`UPDATE ${usage} SET ${bare(usage.issued)} = ${usage.issued} + ${count} WHERE ${usage.authorizationId} = ${target.authorizationId} AND ${usage.year} = ${year}`,
    ),
    ...chunk(codes, CODES_PER_STATEMENT).map((part) =>
      prepareSql(
        d1,
        sql`INSERT INTO ${labels} (${bare(labels.code)}, ${bare(labels.batchId)}, ${bare(labels.keyId)}) SELECT value, ${target.batchId}, ${currentKid} FROM json_each(${JSON.stringify(part)})`,
      ),
    ),
    prepareSql(
      d1,
      sql`UPDATE ${batches} SET ${bare(batches.labelCount)} = ${batches.labelCount} + ${count}, ${bare(batches.updatedAt)} = ${new Date().toISOString()} WHERE ${batches.id} = ${target.batchId}`,
    ),
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
