import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createBatch, createProducerSetup, createUser, issue } from "../helpers/fixtures";
import { call } from "../helpers/http";
import { auditCount } from "../helpers/scans";

// Already covered elsewhere: parallel scans (test/routes/scans), label quota and Idempotency-Key
// replays (test/routes/batches), alert transitions (test/routes/alerts), overlapping grants
// (test/routes/registry). These are the state changes that were not raced yet.
const N = 6;
const audits: Record<string, number> = {};
let voidedAnswers: string[] = [];

async function race(fire: () => Promise<Response>) {
  const responses = await Promise.all(Array.from({ length: N }, fire));
  const statuses = await Promise.all(
    responses.map(async (r) => {
      await r.body?.cancel();
      return r.status;
    }),
  );
  for (const status of statuses) expect(status).toBeLessThan(500);
  return statuses;
}

describe("concurrent state changes", () => {
  it("parallel suspensions of one authorization: one applies, the others 409", async () => {
    const setup = await createProducerSetup();
    const admin = await createUser("admin");
    const statuses = await race(() =>
      call(`/v1/authorizations/${setup.authorization.id}/status`, {
        token: admin.token,
        body: { status: "suspended", reason: "concurrency check" },
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 409)).toBe(true);
    audits.authorization = await auditCount(
      setup.authorization.id,
      "authorization.status.suspended",
    );
  });

  it("parallel releases of one draft batch: one applies", async () => {
    const setup = await createProducerSetup();
    const batchId = await createBatch(setup);
    const statuses = await race(() =>
      call(`/v1/batches/${batchId}/release`, { method: "POST", token: setup.producer.token }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    audits.release = await auditCount(batchId, "batch.release");
  });

  it("parallel recalls of one batch: one applies", async () => {
    const setup = await createProducerSetup();
    const batchId = await createBatch(setup, {}, true);
    const statuses = await race(() =>
      call(`/v1/batches/${batchId}/recall`, {
        token: setup.producer.token,
        body: { reason: "concurrency check" },
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    audits.recall = await auditCount(batchId, "batch.recall");
  });

  it("parallel voids of one label: ends voided", async () => {
    const setup = await createProducerSetup();
    const [label] = await issue(setup, await createBatch(setup, {}, true), 1);
    const code = label?.code as string;
    const bodies = await Promise.all(
      Array.from({ length: N }, async () => {
        const r = await call("/v1/labels/void", {
          token: setup.producer.token,
          body: { codes: [code], reason: "concurrency check" },
        });
        expect(r.status).toBeLessThan(500);
        return r.status === 200 ? ((await r.json()) as { voided: string[] }) : null;
      }),
    );
    voidedAnswers = bodies.flatMap((b) => b?.voided ?? []);
    expect(voidedAnswers.length).toBeGreaterThanOrEqual(1);
    const row = await env.DB.prepare("SELECT status FROM labels WHERE code = ?")
      .bind(code)
      .first<{ status: string }>();
    expect(row?.status).toBe("voided");
    audits.void = await auditCount(code, "label.void");
  });

  // The loser of a race must leave no audit record of a change that did not happen, and a
  // racing void must not answer `voided` for a label another request voided.
  it("one audit record per applied change (authorization status)", () => {
    expect(audits.authorization).toBe(1);
  });
  it("one audit record per applied change (batch release)", () => {
    expect(audits.release).toBe(1);
  });
  it("one audit record per applied change (batch recall)", () => {
    expect(audits.recall).toBe(1);
  });
  it("one audit record and one `voided` answer per label void", () => {
    expect(audits.void).toBe(1);
    expect(voidedAnswers).toHaveLength(1);
  });
});
