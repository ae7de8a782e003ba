import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertStatuses, alertSubjects } from "../../src/db/schema";
import {
  actionTarget,
  alertActions,
  canTransitionAlert,
  isFinalAlertStatus,
  nextAlertStatuses,
} from "../../src/lib/alert-lifecycle";
import { ALLOWED_ALERT_TRANSITIONS } from "../helpers/alert-transitions";

describe("alert lifecycle", () => {
  it("allows exactly the transitions of DESIGN section 4 and the agreed short cuts", () => {
    const allowed = alertStatuses.flatMap((from) =>
      alertStatuses.filter((to) => canTransitionAlert(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual([...ALLOWED_ALERT_TRANSITIONS].sort());
  });

  it("treats confirmed and dismissed as final and nothing else", () => {
    expect(alertStatuses.filter(isFinalAlertStatus)).toEqual(["confirmed", "dismissed"]);
    expect(nextAlertStatuses("confirmed")).toEqual([]);
  });

  it("never goes back to new, never stays in place, and never confirms a new alert unseen", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...alertStatuses),
        fc.constantFrom(...alertStatuses),
        (from, to) => {
          if (to === "new" || from === to) expect(canTransitionAlert(from, to)).toBe(false);
          if (from === "new" && to === "confirmed")
            expect(canTransitionAlert(from, to)).toBe(false);
          expect(canTransitionAlert(from, to)).toBe(nextAlertStatuses(from).includes(to));
        },
      ),
    );
  });

  it("reaches a final status from every status in at most three steps", () => {
    const reach = (status: (typeof alertStatuses)[number], steps: number): boolean =>
      isFinalAlertStatus(status) ||
      (steps > 0 && nextAlertStatuses(status).some((next) => reach(next, steps - 1)));
    for (const status of alertStatuses) expect(reach(status, 3)).toBe(true);
  });
});

describe("actionTarget", () => {
  const ids = { labelCode: "1ABCDEFGHJKMNPQRSTVWX", batchId: "bat_1", authorizationId: "auth_1" };

  it("voids the label of a label alert and every label of a batch alert", () => {
    expect(actionTarget("void_labels", { subjectType: "label", ...ids })).toEqual({
      action: "void_labels",
      scope: "label",
      labelCode: ids.labelCode,
    });
    expect(actionTarget("void_labels", { subjectType: "batch", ...ids, labelCode: null })).toEqual({
      action: "void_labels",
      scope: "batch",
      batchId: "bat_1",
    });
    expect(actionTarget("void_labels", { subjectType: "authorization", ...ids })).toBeNull();
  });

  it("recalls the batch of a label or batch alert only", () => {
    expect(actionTarget("recall_batch", { subjectType: "label", ...ids })).toEqual({
      action: "recall_batch",
      batchId: "bat_1",
    });
    expect(actionTarget("recall_batch", { subjectType: "batch", ...ids })).toEqual({
      action: "recall_batch",
      batchId: "bat_1",
    });
    expect(actionTarget("recall_batch", { subjectType: "authorization", ...ids })).toBeNull();
  });

  it("suspends the authorization of label, batch and authorization alerts", () => {
    for (const subjectType of ["label", "batch", "authorization"] as const) {
      expect(actionTarget("suspend_authorization", { subjectType, ...ids })).toEqual({
        action: "suspend_authorization",
        authorizationId: "auth_1",
      });
    }
  });

  it("has nothing to act on for client and region alerts, whatever ids they carry", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...alertActions),
        fc.constantFrom("client", "region" as const),
        fc.option(fc.string(), { nil: null }),
        (action, subjectType, id) => {
          expect(
            actionTarget(action, { subjectType, labelCode: id, batchId: id, authorizationId: id }),
          ).toBeNull();
        },
      ),
    );
  });

  it("needs the id it acts on", () => {
    for (const subjectType of alertSubjects) {
      for (const action of alertActions) {
        expect(
          actionTarget(action, {
            subjectType,
            labelCode: null,
            batchId: null,
            authorizationId: null,
          }),
        ).toBeNull();
      }
    }
  });
});
