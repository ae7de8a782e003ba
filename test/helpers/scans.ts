import { env } from "cloudflare:workers";
import { newId } from "../../src/lib/ids";
import {
  createBatch,
  createProducerSetup,
  createUser,
  issue,
  type ProducerSetup,
  type TestUser,
} from "./fixtures";
import { callJson } from "./http";

/** Points of sale and markets used across scan tests (rounded to ~1 km by the server). */
export const places = {
  zhoushan: { lat: 29.99, lng: 122.2 },
  hangzhou: { lat: 30.27, lng: 120.15 },
  shanghai: { lat: 31.23, lng: 121.47 },
  zhengzhou: { lat: 34.75, lng: 113.62 },
  jinan: { lat: 36.67, lng: 117.0 },
  guangzhou: { lat: 23.13, lng: 113.26 },
} as const;

export type Place = { lat: number; lng: number };

export type ScanAnswer = {
  verdict: string;
  reasons: string[];
  message: string;
  scan_id?: string;
  scanned_at?: string;
  location_token?: string;
  scan_count?: number;
  first_scan?: { at: string; region_code: string | null; region_name: string | null } | null;
  product?: { name_zh: string };
  producer?: { name: string };
  authorization?: { status: string };
  batch?: { lot_code: string };
  trace?: { type: string; cbv_business_step: string }[];
};

/** POST /v1/scans as a consumer's phone would. */
export async function scan(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const { status, body: answer } = await callJson<ScanAnswer>("/v1/scans", { body, headers });
  if (status !== 200) throw new Error(`scan answered ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** A point within about `km` kilometres of `place` (deterministic for a given `seed`). */
export function near(place: Place, seed: number, km = 2): Place {
  const angle = (seed * 137.508 * Math.PI) / 180;
  const radius = (km / 111) * ((seed % 7) / 7);
  return { lat: place.lat + radius * Math.sin(angle), lng: place.lng + radius * Math.cos(angle) };
}

/** A producer with a released batch of `count` labels. */
export async function releasedLabels(count: number, setup?: ProducerSetup) {
  const producer = setup ?? (await createProducerSetup());
  const batch = await createBatch(producer, {}, true);
  const labels = await issue(producer, batch, count);
  return { setup: producer, batch, labels, codes: labels.map((l) => l.code) };
}

/** A code that looks like a label code but whose tag is wrong: a forgery. */
export function forge(real: string, n: number): string {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const tail = [...String(n).padStart(4, "0")]
    .map((d) => alphabet[(Number(d) * 3 + 7) % 32])
    .join("");
  const forged = `${real.slice(0, -4)}${tail}`;
  return forged === real ? `${real.slice(0, -1)}${real.endsWith("0") ? "1" : "0"}` : forged;
}

/**
 * Moves the last scan of `code` `minutes` into the past (label counters and the stored scan).
 * One request cannot move the server's clock, so a scan "twenty minutes ago" is made by scanning
 * now and then rewriting the times the impossible_travel rule reads.
 */
export async function backdateLastScan(code: string, minutes: number) {
  const at = new Date(Date.now() - minutes * 60_000).toISOString();
  await env.DB.batch([
    env.DB.prepare("UPDATE labels SET last_scan_at = ?, first_scan_at = ? WHERE code = ?").bind(
      at,
      at,
      code,
    ),
    env.DB.prepare(
      "UPDATE scans SET scanned_at = ? WHERE id = (SELECT id FROM scans WHERE label_code = ? ORDER BY scanned_at DESC LIMIT 1)",
    ).bind(at, code),
  ]);
  return at;
}

export type AlertRowLite = {
  id: string;
  rule: string;
  subject_type: string;
  subject_id: string;
  status: string;
  severity: string;
  count: number;
  region_code: string | null;
  scan_region_code: string | null;
};

/** Alerts stored for a subject (label code, batch id, authorization id, client key, region). */
export async function alertsFor(subjectId: string): Promise<AlertRowLite[]> {
  const rows = await env.DB.prepare(
    "SELECT id, rule, subject_type, subject_id, status, severity, count, region_code, scan_region_code FROM alerts WHERE subject_id = ? ORDER BY rule",
  )
    .bind(subjectId)
    .all<AlertRowLite>();
  return rows.results;
}

/** A regulator covering `regionCodes`. */
export function regulatorOf(...regionCodes: string[]): Promise<TestUser> {
  return createUser("regulator", { regionCodes });
}

/**
 * An alert inserted directly, for tests of the review lifecycle that need many alerts in known
 * states without replaying the scans that would raise them; counted as a stored alert.
 */
export async function insertAlert(values: {
  status?: string;
  rule?: string;
  subjectType?: string;
  subjectId?: string;
  labelCode?: string | null;
  batchId?: string | null;
  authorizationId?: string | null;
  organizationId?: string | null;
  regionCode?: string | null;
  scanRegionCode?: string | null;
}) {
  const id = newId("alr");
  const at = new Date().toISOString();
  await env.DB.prepare(
    `INSERT INTO alerts (id, rule, subject_type, subject_id, label_code, batch_id, authorization_id, organization_id, region_code, scan_region_code, severity, status, count, first_seen_at, last_seen_at, details, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'medium', ?, 1, ?, ?, '{}', ?, ?)`,
  )
    .bind(
      id,
      values.rule ?? "many_clients",
      values.subjectType ?? "region",
      values.subjectId ?? "330900",
      values.labelCode ?? null,
      values.batchId ?? null,
      values.authorizationId ?? null,
      values.organizationId ?? null,
      values.regionCode ?? null,
      values.scanRegionCode ?? "330900",
      values.status ?? "new",
      at,
      at,
      at,
      at,
    )
    .run();
  return id;
}

/** Counts audit records of a target, optionally of one action. */
export async function auditCount(targetId: string, action?: string): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT count(*) AS n FROM audit_log WHERE target_id = ?${action ? " AND action = ?" : ""}`,
  )
    .bind(...(action ? [targetId, action] : [targetId]))
    .first<{ n: number }>();
  return row?.n ?? 0;
}
