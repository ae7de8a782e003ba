import { describe, expect, it } from "vitest";
import {
  alertSeverities,
  alertStatuses,
  alertSubjects,
  authorizationStatuses,
  batchStatuses,
  giCategories,
  giProductStatuses,
  labelStatuses,
  locationSources,
  organizationKinds,
  organizationStatuses,
  protectionTypes,
  reportStatuses,
  roles,
  siteKinds,
  traceEventTypes,
  verdicts,
} from "../../src/db/schema";
import { alertActions } from "../../src/lib/alert-lifecycle";
import { domainWords, type WordKind, wordFor } from "../../src/lib/i18n/domain-words";
import { ruleIds } from "../../src/lib/risk/types";
import { cbvBusinessStep } from "../../src/lib/trace-events";

const han = /\p{Script=Han}/u;

describe("domain words", () => {
  const enums: [WordKind, readonly string[]][] = [
    ["category", giCategories],
    ["protectionType", protectionTypes],
    ["role", roles],
    ["batchStatus", batchStatuses],
    ["traceStep", traceEventTypes],
    ["verdict", verdicts],
    ["rule", ruleIds],
    ["severity", alertSeverities],
    ["alertStatus", alertStatuses],
    ["alertSubject", alertSubjects],
    ["authorizationStatus", [...authorizationStatuses, "expired", "pending"]],
    ["organizationKind", organizationKinds],
    ["organizationStatus", organizationStatuses],
    ["siteKind", siteKinds],
    ["giProductStatus", giProductStatuses],
    ["labelStatus", labelStatuses],
    ["reportStatus", reportStatuses],
    ["locationSource", locationSources],
    ["alertAction", alertActions],
    ["importRowStatus", ["created", "existing", "invalid"]],
  ];

  it.each(enums)("has a Chinese and an English word for every %s", (kind, ids) => {
    for (const id of ids) {
      const zh = wordFor(kind, id, "zh");
      const en = wordFor(kind, id, "en");
      expect(zh, `${kind}.${id}`).toMatch(han);
      expect(en, `${kind}.${id}`).not.toMatch(han);
      expect(en).not.toBe(id);
      expect(en.length).toBeGreaterThan(1);
    }
  });

  it("names every entry of every table in both languages", () => {
    for (const [kind, table] of Object.entries(domainWords)) {
      for (const [id, words] of Object.entries(table)) {
        expect(words.zh, `${kind}.${id}`).toMatch(han);
        expect(words.en, `${kind}.${id}`).toMatch(/^[A-Z]/);
      }
    }
  });

  it("names the CBV business step of every trace event type", () => {
    for (const type of traceEventTypes) {
      const step = cbvBusinessStep[type];
      expect(wordFor("cbvBusinessStep", step, "zh"), step).toMatch(han);
    }
  });

  it("reads CBV business steps given as URIs or URNs", () => {
    expect(wordFor("traceStep", "https://ref.gs1.org/cbv/BizStep-shipping", "zh")).toBe("发货");
    expect(wordFor("traceStep", "urn:epcglobal:cbv:bizstep:retail_selling", "en")).toBe(
      "Retail selling",
    );
  });

  it("falls back to a readable form, never to a raw identifier with underscores", () => {
    expect(wordFor("traceStep", "https://example.org/steps/cold_chain_check", "en")).toBe(
      "cold chain check",
    );
  });
});
