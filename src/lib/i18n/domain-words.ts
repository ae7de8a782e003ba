// The words people read for every identifier of the domain, in Chinese and English. One
// dictionary (domain-words.json, data a translator can edit) for the verify page, the console
// and the mini-program, so that a consumer, a cooperative and a bureau see the same word for the
// same thing. Type-only imports: the browser bundles pull in no database code.
import type {
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
  Role,
  reportStatuses,
  siteKinds,
  traceEventTypes,
  verdicts,
} from "../../db/schema";
import type { alertActions } from "../alert-lifecycle";
import type { RuleId } from "../risk/types";
import dictionary from "./domain-words.json";

export type Language = "zh" | "en";
export type Words = { zh: string; en: string };

type Of<T extends readonly string[]> = Record<T[number], Words>;

/**
 * What the dictionary must name: every value of each enum (a missing word does not compile).
 * authorizationStatus also has "expired" (derived from valid_until when an authorization is
 * read) and "pending" (from valid_from); cbvBusinessStep holds the GS1 CBV 2.0 business steps
 * (https://ref.gs1.org/cbv/BizStep-…) of events partners capture; rule names the reasons of a
 * verdict and the rule of an alert.
 */
type Dictionary = {
  category: Of<typeof giCategories>;
  protectionType: Of<typeof protectionTypes>;
  giProductStatus: Of<typeof giProductStatuses>;
  organizationKind: Of<typeof organizationKinds>;
  organizationStatus: Of<typeof organizationStatuses>;
  siteKind: Of<typeof siteKinds>;
  role: Record<Role, Words>;
  authorizationStatus: Record<
    (typeof authorizationStatuses)[number] | "expired" | "pending",
    Words
  >;
  batchStatus: Of<typeof batchStatuses>;
  labelStatus: Of<typeof labelStatuses>;
  traceStep: Of<typeof traceEventTypes>;
  cbvBusinessStep: Record<string, Words>;
  verdict: Of<typeof verdicts>;
  rule: Record<RuleId, Words>;
  locationSource: Of<typeof locationSources>;
  alertSubject: Of<typeof alertSubjects>;
  severity: Of<typeof alertSeverities>;
  alertStatus: Of<typeof alertStatuses>;
  alertAction: Of<typeof alertActions>;
  reportStatus: Of<typeof reportStatuses>;
  importRowStatus: Record<"created" | "existing" | "invalid", Words>;
};

export const domainWords = dictionary satisfies Dictionary;

export type WordKind = keyof typeof domainWords;

/** A readable stand-in for an identifier the dictionary lacks: `retail_selling` → `retail selling`. */
function readable(id: string): string {
  return id.replace(/^.*[/:-]/, "").replaceAll("_", " ");
}

/**
 * The word for `id` of `kind` in `lang`. Trace steps also accept CBV business steps and their
 * URIs (`https://ref.gs1.org/cbv/BizStep-shipping`, `urn:epcglobal:cbv:bizstep:shipping`).
 */
export function wordFor(kind: WordKind, id: string, lang: Language): string {
  const table = domainWords[kind] as Record<string, Words>;
  const own = Object.hasOwn(table, id) ? table[id] : undefined;
  if (own) return own[lang];
  if (kind === "traceStep" || kind === "cbvBusinessStep") {
    const step = id.replace(/^.*(BizStep-|bizstep:)/, "");
    const steps: Record<string, Words> = domainWords.cbvBusinessStep;
    const cbv = Object.hasOwn(steps, step) ? steps[step] : undefined;
    if (cbv) return cbv[lang];
  }
  return readable(id);
}
