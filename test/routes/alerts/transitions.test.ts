import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { alertStatuses } from "../../../src/db/schema";
import { canTransitionAlert } from "../../../src/lib/alert-lifecycle";
import { ALLOWED_ALERT_TRANSITIONS } from "../../helpers/alert-transitions";
import { counterMismatches } from "../../helpers/counted-scans";
import { createBatch, createProducerSetup, createUser, issue } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";
import {
  alertsFor,
  auditCount,
  forge,
  insertAlert,
  places,
  regulatorOf,
  releasedLabels,
  scan,
} from "../../helpers/scans";

type TransitionResult = {
  id: string;
  status: string;
  effects: { voided_labels: number; authorization_suspended: boolean; batch_recalled: boolean };
};

const transition = (id: string, token: string, body: Record<string, unknown>) =>
  call(`/v1/alerts/${id}/transition`, { token, body });

const statusOf = async (id: string) =>
  (
    await env.DB.prepare("SELECT status FROM alerts WHERE id = ?")
      .bind(id)
      .first<{ status: string }>()
  )?.status;

const eventsOf = async (id: string) =>
  (
    await env.DB.prepare(
      "SELECT from_status, to_status, note, actions, actor_user_id FROM alert_events WHERE alert_id = ? ORDER BY at, id",
    )
      .bind(id)
      .all<{
        from_status: string | null;
        to_status: string;
        note: string;
        actions: string;
        actor_user_id: string | null;
      }>()
  ).results;

/** A label alert (many_clients) on a released batch of `count` labels, raised by real scans. */
async function copiedLabelAlert(count = 1) {
  const { setup, batch, codes } = await releasedLabels(count);
  const code = codes[0] as string;
  for (let i = 0; i < 4; i++)
    await scan({ code, client_id: `transition-copy-${i}-${code.slice(0, 6)}`, ...places.zhoushan });
  const [alert] = await alertsFor(code);
  if (alert?.rule !== "many_clients")
    throw new Error(`expected a many_clients alert, got ${JSON.stringify(alert)}`);
  return { setup, batch, codes, code, alertId: alert.id };
}

describe("POST /v1/alerts/{id}/transition lifecycle", () => {
  it("allows exactly the transitions of the lifecycle table and refuses every other with 409", async () => {
    const admin = await createUser("admin");
    const outcomes: string[] = [];
    for (const from of alertStatuses) {
      for (const to of alertStatuses) {
        const id = await insertAlert({ status: from });
        const response = await transition(id, admin.token, { to, note: `${from} to ${to}` });
        const allowed = canTransitionAlert(from, to);
        if (allowed) {
          expect(response.status, `${from} → ${to}`).toBe(200);
          expect(await statusOf(id)).toBe(to);
          expect(await eventsOf(id)).toEqual([
            expect.objectContaining({
              from_status: from,
              to_status: to,
              note: `${from} to ${to}`,
              actions: "[]",
              actor_user_id: admin.id,
            }),
          ]);
          expect(await auditCount(id, `alert.status.${to}`)).toBe(1);
          outcomes.push(`${from}→${to}`);
        } else {
          await expectProblem(response, 409, "conflict");
          expect(await statusOf(id)).toBe(from);
          expect(await eventsOf(id)).toEqual([]);
          expect(await auditCount(id)).toBe(0);
        }
      }
    }
    expect(outcomes.sort()).toEqual([...ALLOWED_ALERT_TRANSITIONS].sort());
    // The overview's alert counters moved with every transition made, and with no refused one.
    expect(await counterMismatches()).toEqual([]);
  });

  it("walks an alert through new → acknowledged → investigating → confirmed and records each step", async () => {
    const regulator = await regulatorOf("330900");
    const id = await insertAlert({ scanRegionCode: "330900" });
    for (const to of ["acknowledged", "investigating", "confirmed"]) {
      const { status, body } = await callJson<TransitionResult>(`/v1/alerts/${id}/transition`, {
        token: regulator.token,
        body: { to, note: `step to ${to}` },
      });
      expect(status).toBe(200);
      expect(body.status).toBe(to);
    }
    expect((await eventsOf(id)).map((e) => `${e.from_status}→${e.to_status}`)).toEqual([
      "new→acknowledged",
      "acknowledged→investigating",
      "investigating→confirmed",
    ]);
    await expectProblem(
      await transition(id, regulator.token, { to: "dismissed", note: "too late" }),
      409,
      "conflict",
    );
  });

  it("validates the note and the actions", async () => {
    const admin = await createUser("admin");
    const id = await insertAlert({});
    for (const body of [
      { to: "acknowledged" },
      { to: "acknowledged", note: "x" },
      { to: "acknowledged", note: "x".repeat(1001) },
      { to: "acknowledged", note: "ok note", actions: ["void_labels"] },
      { to: "confirmed", note: "ok note", actions: ["burn_warehouse"] },
      { to: "confirmed", note: "ok note", actions: ["recall_batch", "recall_batch"] },
      { to: "reopened", note: "ok note" },
    ]) {
      await expectProblem(await transition(id, admin.token, body), 400, "validation_failed");
    }
    expect(await statusOf(id)).toBe("new");
    expect(await auditCount(id)).toBe(0);
  });

  it("lets only admins and regulators covering the alert transition it", async () => {
    const setup = await createProducerSetup();
    const id = await insertAlert({
      organizationId: setup.org.id,
      regionCode: "330903",
      scanRegionCode: "410100",
    });
    await expectProblem(
      await transition(id, setup.producer.token, { to: "acknowledged", note: "mine" }),
      403,
      "forbidden",
    );
    await expectProblem(
      await transition(id, (await regulatorOf("110000")).token, {
        to: "acknowledged",
        note: "not mine",
      }),
      404,
      "not_found",
    );
    // The bureau where the scans happened sees it but may only add a note.
    const henan = await regulatorOf("410100");
    await expectProblem(
      await transition(id, henan.token, { to: "dismissed", note: "seen here" }),
      403,
      "forbidden",
    );
    expect(
      (await call(`/v1/alerts/${id}/notes`, { token: henan.token, body: { note: "seen here" } }))
        .status,
    ).toBe(201);
    expect(await statusOf(id)).toBe("new");
    expect(
      (
        await transition(id, (await regulatorOf("330900")).token, {
          to: "investigating",
          note: "ours",
        })
      ).status,
    ).toBe(200);
  });
});

describe("confirming with actions", () => {
  it("void_labels voids the alert's label: its next scan answers counterfeit", async () => {
    const { code, codes, alertId } = await copiedLabelAlert(2);
    const regulator = await regulatorOf("330900");
    const { status, body } = await callJson<TransitionResult>(`/v1/alerts/${alertId}/transition`, {
      token: regulator.token,
      body: { to: "investigating", note: "核查中" },
    });
    expect(status).toBe(200);
    expect(body.effects).toEqual({
      voided_labels: 0,
      authorization_suspended: false,
      batch_recalled: false,
    });
    const confirmed = await callJson<TransitionResult>(`/v1/alerts/${alertId}/transition`, {
      token: regulator.token,
      body: { to: "confirmed", note: "市场检查发现复制标签", actions: ["void_labels"] },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      status: "confirmed",
      effects: { voided_labels: 1, authorization_suspended: false, batch_recalled: false },
    });

    const label = await env.DB.prepare(
      "SELECT status, void_reason, voided_by FROM labels WHERE code = ?",
    )
      .bind(code)
      .first<Record<string, string>>();
    expect(label).toMatchObject({ status: "voided", voided_by: regulator.id });
    expect(label?.void_reason).toContain(alertId);
    expect(await auditCount(code, "label.void")).toBe(1);
    expect(await auditCount(alertId, "alert.status.confirmed")).toBe(1);
    expect((await eventsOf(alertId)).at(-1)).toMatchObject({
      to_status: "confirmed",
      actions: '["void_labels"]',
      actor_user_id: regulator.id,
    });

    expect((await scan({ code, client_id: "after-void-0001", ...places.zhoushan })).verdict).toBe(
      "counterfeit",
    );
    // The other label of the batch is untouched.
    expect(
      (await scan({ code: codes[1], client_id: "after-void-0002", ...places.zhoushan })).verdict,
    ).toBe("genuine");
  });

  it("void_labels on a batch alert voids every active label of the batch", async () => {
    const setup = await createProducerSetup();
    const draft = await createBatch(setup);
    const labels = await issue(setup, draft, 3);
    await callJson("/v1/labels/void", {
      token: setup.producer.token,
      body: { codes: [labels[2]?.code], reason: "印错" },
    });
    await scan({ code: labels[0]?.code, client_id: "draft-scan-00001", ...places.zhoushan });
    const [alert] = await alertsFor(draft);
    expect(alert).toMatchObject({ rule: "unreleased_batch", subject_type: "batch" });
    const admin = await createUser("admin");
    await transition(alert?.id as string, admin.token, { to: "acknowledged", note: "look" });
    const confirmed = await callJson<TransitionResult>(`/v1/alerts/${alert?.id}/transition`, {
      token: admin.token,
      body: { to: "confirmed", note: "未放行批次流入市场", actions: ["void_labels"] },
    });
    expect(confirmed.body.effects.voided_labels).toBe(2);
    const statuses = await env.DB.prepare(
      "SELECT status, count(*) AS n FROM labels WHERE batch_id = ? GROUP BY status",
    )
      .bind(draft)
      .all();
    expect(statuses.results).toEqual([{ status: "voided", n: 3 }]);
    expect(
      await env.DB.prepare(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'label.void' AND after LIKE ?",
      )
        .bind(`%${alert?.id}%`)
        .first("n"),
    ).toBe(2);
  });

  it("suspend_authorization suspends the producer's authorization: scans then answer suspicious", async () => {
    const { setup, alertId, codes } = await copiedLabelAlert(2);
    const admin = await createUser("admin");
    await transition(alertId, admin.token, { to: "acknowledged", note: "received" });
    const { body } = await callJson<TransitionResult>(`/v1/alerts/${alertId}/transition`, {
      token: admin.token,
      body: { to: "confirmed", note: "授权单位默许复制标签", actions: ["suspend_authorization"] },
    });
    expect(body.effects).toEqual({
      voided_labels: 0,
      authorization_suspended: true,
      batch_recalled: false,
    });
    const authorization = await callJson<{ status: string; status_reason: string }>(
      `/v1/authorizations/${setup.authorization.id}`,
      { token: admin.token },
    );
    expect(authorization.body.status).toBe("suspended");
    expect(authorization.body.status_reason).toContain(alertId);
    expect(await auditCount(setup.authorization.id, "authorization.status.suspended")).toBe(1);
    const next = await scan({ code: codes[1], client_id: "after-suspend-01", ...places.zhoushan });
    expect(next).toMatchObject({
      verdict: "suspicious",
      reasons: expect.arrayContaining(["authorization_lapsed"]),
    });
  });

  it("recall_batch recalls the batch: its labels then answer recalled", async () => {
    const { batch, alertId, codes } = await copiedLabelAlert(2);
    const regulator = await regulatorOf("330000");
    await transition(alertId, regulator.token, { to: "acknowledged", note: "received" });
    const { body } = await callJson<TransitionResult>(`/v1/alerts/${alertId}/transition`, {
      token: regulator.token,
      body: { to: "confirmed", note: "整批召回", actions: ["recall_batch", "void_labels"] },
    });
    expect(body.effects).toEqual({
      voided_labels: 1,
      authorization_suspended: false,
      batch_recalled: true,
    });
    const stored = await env.DB.prepare("SELECT status, recalled_at FROM batches WHERE id = ?")
      .bind(batch)
      .first<{ status: string; recalled_at: string }>();
    expect(stored?.status).toBe("recalled");
    expect(await auditCount(batch, "batch.recall")).toBe(1);
    expect(
      (await scan({ code: codes[1], client_id: "after-recall-001", ...places.zhoushan })).verdict,
    ).toBe("recalled");
  });

  it("refuses an action that does not fit the alert with 422 and changes nothing", async () => {
    const { codes } = await releasedLabels(1);
    for (let i = 0; i < 20; i++)
      await scan({
        code: forge(codes[0] as string, i),
        client_id: "transition-prober",
        ...places.zhoushan,
      });
    const probe = await env.DB.prepare(
      "SELECT id FROM alerts WHERE rule = 'forged_code' AND subject_type = 'client' ORDER BY created_at DESC LIMIT 1",
    ).first<{ id: string }>();
    const id = probe?.id as string;
    const admin = await createUser("admin");
    await transition(id, admin.token, { to: "investigating", note: "probing" });
    const auditsBefore = await auditCount(id);
    for (const action of ["recall_batch", "void_labels", "suspend_authorization"]) {
      const problem = await expectProblem(
        await transition(id, admin.token, { to: "confirmed", note: "a prober", actions: [action] }),
        422,
        "unprocessable",
      );
      expect(problem.actions).toEqual([action]);
    }
    expect(await statusOf(id)).toBe("investigating");
    expect(await eventsOf(id)).toHaveLength(2);
    expect(await auditCount(id)).toBe(auditsBefore);

    // An authorization alert can suspend, but not recall: the misfit refuses the whole request.
    const setup = await createProducerSetup();
    const lapsed = await insertAlert({
      rule: "authorization_lapsed",
      subjectType: "authorization",
      subjectId: setup.authorization.id,
      authorizationId: setup.authorization.id,
      organizationId: setup.org.id,
      regionCode: "330903",
      status: "acknowledged",
    });
    await expectProblem(
      await transition(lapsed, admin.token, {
        to: "confirmed",
        note: "both",
        actions: ["suspend_authorization", "recall_batch"],
      }),
      422,
      "unprocessable",
    );
    const authorization = await env.DB.prepare("SELECT status FROM authorizations WHERE id = ?")
      .bind(setup.authorization.id)
      .first("status");
    expect(authorization).toBe("active");
    expect(await statusOf(lapsed)).toBe("acknowledged");
  });

  it("lets a regulator of the scan region neither close nor act on another region's producer", async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    const elsewhere = await insertAlert({
      rule: "many_clients",
      subjectType: "label",
      subjectId: code,
      labelCode: code,
      regionCode: "330903",
      scanRegionCode: "410100",
      status: "acknowledged",
    });
    const henan = await regulatorOf("410000");
    for (const body of [
      { to: "confirmed", note: "copies here", actions: ["void_labels"] },
      { to: "confirmed", note: "copies here, reported to Zhoushan" },
      { to: "dismissed", note: "nothing to see" },
    ])
      await expectProblem(await transition(elsewhere, henan.token, body), 403, "forbidden");
    expect(await statusOf(elsewhere)).toBe("acknowledged");
    expect(
      await env.DB.prepare("SELECT status FROM labels WHERE code = ?").bind(code).first("status"),
    ).toBe("active");
  });

  it("lets the bureau of the scan region move an alert that has no producer", async () => {
    const probe = await insertAlert({
      rule: "forged_code",
      subjectType: "region",
      subjectId: "440100",
      regionCode: null,
      scanRegionCode: "440100",
    });
    const guangzhou = await regulatorOf("440100");
    expect(
      (await transition(probe, guangzhou.token, { to: "investigating", note: "ours" })).status,
    ).toBe(200);
  });
});

describe("alert notes", () => {
  it("records a note of a bureau that sees the alert, without changing its status", async () => {
    const id = await insertAlert({ regionCode: "330903", scanRegionCode: "410100" });
    const henan = await regulatorOf("410100");
    const { status, body } = await callJson<{
      from_status: string;
      to_status: string;
      note: string;
    }>(`/v1/alerts/${id}/notes`, { token: henan.token, body: { note: "本市市场发现同码包装" } });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      from_status: "new",
      to_status: "new",
      note: "本市市场发现同码包装",
    });
    expect(await statusOf(id)).toBe("new");
    expect((await eventsOf(id)).map((e) => e.note)).toEqual(["本市市场发现同码包装"]);
    expect(await auditCount(id, "alert.note")).toBe(1);
    await expectProblem(
      await call(`/v1/alerts/${id}/notes`, {
        token: (await regulatorOf("110000")).token,
        body: { note: "not mine" },
      }),
      404,
      "not_found",
    );
    await expectProblem(
      await call(`/v1/alerts/${id}/notes`, { token: henan.token, body: { note: "x" } }),
      400,
      "validation_failed",
    );
  });
});

describe("closed alerts", () => {
  it("opens a new alert for a hit after the last one was dismissed or confirmed", async () => {
    const { codes } = await releasedLabels(1);
    const code = codes[0] as string;
    const zhoushan = await regulatorOf("330900");
    const copies = async (from: number, to: number) => {
      for (let i = from; i < to; i++)
        await scan({ code, ...places.zhoushan }, { "CF-Connecting-IP": `192.0.2.${i}` });
    };
    await copies(1, 5);
    const [first] = await alertsFor(code);
    expect(first).toMatchObject({ rule: "many_clients", status: "new", count: 1 });
    expect(
      (await transition(first?.id as string, zhoushan.token, { to: "dismissed", note: "family" }))
        .status,
    ).toBe(200);
    await copies(5, 7);
    const after = await alertsFor(code);
    expect(after.map((a) => `${a.status}:${a.count}`).sort()).toEqual(["dismissed:1", "new:2"]);
  });
});

describe("concurrent transitions", () => {
  it("lets exactly one of several concurrent transitions of one alert succeed, with a complete audit trail", async () => {
    const { alertId, code } = await copiedLabelAlert();
    const admin = await createUser("admin");
    const regulator = await regulatorOf("330900");
    await transition(alertId, admin.token, { to: "acknowledged", note: "queued" });
    const attempts = [
      {
        token: admin.token,
        body: { to: "confirmed", note: "confirm and void", actions: ["void_labels"] },
      },
      { token: regulator.token, body: { to: "dismissed", note: "false alarm" } },
      { token: regulator.token, body: { to: "investigating", note: "look closer" } },
      {
        token: admin.token,
        body: { to: "confirmed", note: "confirm and recall", actions: ["recall_batch"] },
      },
    ];
    const responses = await Promise.all(attempts.map((a) => transition(alertId, a.token, a.body)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(attempts.length - 1);
    for (const response of responses)
      if (response.status === 409) await expectProblem(response, 409, "conflict");

    const winner = attempts[statuses.indexOf(200)];
    const events = await eventsOf(alertId);
    expect(events.map((e) => e.to_status)).toEqual(["new", "acknowledged", winner?.body.to]);
    expect(await statusOf(alertId)).toBe(winner?.body.to);
    expect(await auditCount(alertId)).toBe(2);
    expect(await auditCount(alertId, `alert.status.${winner?.body.to}`)).toBe(1);
    const voided = await env.DB.prepare("SELECT status FROM labels WHERE code = ?")
      .bind(code)
      .first("status");
    const actions = (winner?.body as { actions?: string[] } | undefined)?.actions ?? [];
    expect(voided).toBe(actions.includes("void_labels") ? "voided" : "active");
    expect(await auditCount(code, "label.void")).toBe(actions.includes("void_labels") ? 1 : 0);
    const recalls = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'batch.recall' AND after LIKE ?",
    )
      .bind(`%${alertId}%`)
      .first("n");
    expect(recalls).toBe(actions.includes("recall_batch") ? 1 : 0);
  });
});
