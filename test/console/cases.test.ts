import { describe, expect, it } from "vitest";
import {
  type Alert,
  groupAlertsIntoCases,
  pathTo,
  planCaseTransition,
  sortCases,
} from "../../web/console/src/cases";

let n = 0;
function alert(over: Partial<Alert>): Alert {
  n += 1;
  return {
    id: `alr_${n}`,
    rule: "many_clients",
    subject_type: "label",
    subject_id: "CODE1",
    label_code: "CODE1",
    batch_id: "bat_1",
    authorization_id: "auth_1",
    organization_id: "org_1",
    region_code: "330903",
    region_name: "普陀区",
    scan_region_code: null,
    scan_region_name: null,
    severity: "medium",
    status: "new",
    count: 1,
    first_seen_at: "2026-11-20T01:00:00.000Z",
    last_seen_at: "2026-11-20T02:00:00.000Z",
    details: null,
    created_at: "2026-11-20T01:00:00.000Z",
    updated_at: "2026-11-20T02:00:00.000Z",
    ...over,
  };
}

describe("groupAlertsIntoCases", () => {
  it("makes one case of the rules that fired on one copied code", () => {
    const travel = alert({
      rule: "impossible_travel",
      severity: "high",
      count: 3,
      scan_region_name: "金水区",
      first_seen_at: "2026-11-19T23:00:00.000Z",
    });
    const spread = alert({ rule: "wide_spread", last_seen_at: "2026-11-20T05:00:00.000Z" });
    const clients = alert({ rule: "many_clients", status: "acknowledged", count: 5 });
    const other = alert({ subject_id: "CODE2", label_code: "CODE2" });
    const cases = groupAlertsIntoCases([spread, travel, clients, other]);

    expect(cases).toHaveLength(2);
    const [copied] = cases;
    expect(copied?.subjectId).toBe("CODE1");
    expect(copied?.rules).toEqual(["impossible_travel", "many_clients", "wide_spread"]);
    expect(copied?.severity).toBe("high");
    expect(copied?.leadId).toBe(travel.id);
    expect(copied?.status).toBe("new");
    expect(copied?.firstSeenAt).toBe("2026-11-19T23:00:00.000Z");
    expect(copied?.lastSeenAt).toBe("2026-11-20T05:00:00.000Z");
    expect(copied?.flaggedScans).toBe(5);
    expect(copied?.regions.sort()).toEqual(["普陀区", "金水区"].sort());
  });

  it("keeps subjects of different types apart even with the same id", () => {
    const cases = groupAlertsIntoCases([
      alert({ subject_type: "batch", subject_id: "X" }),
      alert({ subject_type: "authorization", subject_id: "X" }),
    ]);
    expect(cases.map((c) => c.key)).toEqual(["batch:X", "authorization:X"]);
  });

  it("calls a case closed when all its alerts are, with the severity of its open alerts otherwise", () => {
    const [closed] = groupAlertsIntoCases([
      alert({ subject_id: "C", status: "confirmed" }),
      alert({ subject_id: "C", status: "dismissed", severity: "critical" }),
    ]);
    expect(closed?.open).toBe(false);
    const [mixed] = groupAlertsIntoCases([
      alert({ subject_id: "D", status: "confirmed", severity: "critical" }),
      alert({ subject_id: "D", status: "investigating", severity: "low" }),
    ]);
    expect(mixed?.open).toBe(true);
    expect(mixed?.status).toBe("investigating");
    expect(mixed?.severity).toBe("low");
  });

  it("sorts by severity, by flagged scans or by last seen", () => {
    const cases = groupAlertsIntoCases([
      alert({ subject_id: "A", severity: "low", count: 9, last_seen_at: "2026-11-20T09:00:00Z" }),
      alert({
        subject_id: "B",
        severity: "critical",
        count: 1,
        last_seen_at: "2026-11-20T01:00:00Z",
      }),
      alert({
        subject_id: "C",
        severity: "medium",
        count: 4,
        last_seen_at: "2026-11-20T05:00:00Z",
      }),
    ]);
    expect(sortCases(cases, "severity").map((c) => c.subjectId)).toEqual(["B", "C", "A"]);
    expect(sortCases(cases, "scans").map((c) => c.subjectId)).toEqual(["A", "C", "B"]);
    expect(sortCases(cases, "last").map((c) => c.subjectId)).toEqual(["A", "C", "B"]);
  });
});

describe("planCaseTransition", () => {
  it("walks a new alert through acknowledged to confirm it", () => {
    expect(pathTo("new", "confirmed")).toEqual(["acknowledged", "confirmed"]);
    expect(pathTo("investigating", "confirmed")).toEqual(["confirmed"]);
    expect(pathTo("confirmed", "dismissed")).toBeNull();
  });

  it("moves every open alert of the case and takes each action once, on the first confirmation", () => {
    const a = alert({ subject_id: "E", status: "new" });
    const b = alert({ subject_id: "E", status: "investigating" });
    const done = alert({ subject_id: "E", status: "dismissed" });
    const steps = planCaseTransition([a, b, done], "confirmed", ["void_labels", "recall_batch"]);
    expect(steps).toEqual([
      { alertId: a.id, to: "acknowledged", actions: [] },
      { alertId: a.id, to: "confirmed", actions: ["void_labels", "recall_batch"] },
      { alertId: b.id, to: "confirmed", actions: [] },
    ]);
  });

  it("drops actions that do not fit the subject and takes none when not confirming", () => {
    const probe = alert({
      subject_type: "client",
      subject_id: "k",
      label_code: null,
      batch_id: null,
      authorization_id: null,
      status: "acknowledged",
    });
    expect(planCaseTransition([probe], "confirmed", ["void_labels"])).toEqual([
      { alertId: probe.id, to: "confirmed", actions: [] },
    ]);
    expect(planCaseTransition([probe], "dismissed", ["void_labels"])).toEqual([
      { alertId: probe.id, to: "dismissed", actions: [] },
    ]);
  });
});
