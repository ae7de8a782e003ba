// What the verdict page shows for a scan answer: every domain word through the shared dictionary
// (the verify page's words), times in Beijing time. Pure, so it is tested without a page.
import type { ScanResult } from "../shared/api";
import { wordFor } from "../shared/domain-words";
import { beijingTime, type Lang, ui } from "./ui-words";

export type Row = { label: string; value: string };

export type VerdictView = {
  verdict: ScanResult["verdict"];
  /** TDesign tag theme for the verdict colour. */
  theme: "success" | "warning" | "danger";
  title: string;
  message: string;
  reasons: string[];
  notice: string;
  product: { name: string; rows: Row[] } | null;
  producer: Row[];
  trace: { step: string; at: string; place: string }[];
  invalid: boolean;
};

const THEME: Record<ScanResult["verdict"], VerdictView["theme"]> = {
  genuine: "success",
  warning: "warning",
  suspicious: "warning",
  counterfeit: "danger",
  recalled: "danger",
  invalid: "danger",
};

const rows = (pairs: [string, string | null | undefined][]): Row[] =>
  pairs
    .filter((p): p is [string, string] => p[1] !== null && p[1] !== undefined && p[1] !== "")
    .map(([label, value]) => ({ label, value }));

export function verdictView(r: ScanResult, lang: Lang): VerdictView {
  const s = ui[lang];
  const p = r.product;
  const a = r.authorization;
  let notice = "";
  if (r.first_scan && (r.scan_count ?? 0) > 1) {
    const place = r.first_scan.region_name ?? r.first_scan.region_code ?? "";
    notice = s.scanNotice(r.scan_count ?? 0, beijingTime(r.first_scan.at), place);
  } else if (r.verdict !== "invalid" && r.scan_count === 1) {
    notice = s.firstScanEver;
  }
  return {
    verdict: r.verdict,
    theme: THEME[r.verdict],
    title: wordFor("verdict", r.verdict, lang),
    message: r.message,
    reasons: r.reasons.map((reason) => wordFor("rule", reason, lang)),
    notice,
    invalid: r.verdict === "invalid",
    product: p
      ? {
          name: lang === "en" && p.name_en ? p.name_en : p.name_zh,
          rows: rows([
            [s.giMark, wordFor("protectionType", p.protection_type, lang)],
            [s.registration, p.registration_no],
            [s.holder, p.holder_name],
            [s.category, wordFor("category", p.category, lang)],
            [s.batch, r.batch?.lot_code],
            [s.producedAt, r.batch ? beijingTime(r.batch.produced_at) : null],
            [s.quantity, r.batch ? `${r.batch.quantity} ${r.batch.unit}` : null],
          ]),
        }
      : null,
    producer: rows([
      [
        s.producer,
        r.producer
          ? `${r.producer.name}（${wordFor("organizationKind", r.producer.kind, lang)}）`
          : null,
      ],
      [s.region, r.producer ? (r.producer.region_name ?? r.producer.region_code) : null],
      [s.authorization, a?.number],
      [s.authStatus, a ? wordFor("authorizationStatus", a.status, lang) : null],
      [s.validity, a ? `${a.valid_from} – ${a.valid_until}` : null],
    ]),
    trace: (r.trace ?? []).map((ev) => ({
      step: wordFor("traceStep", ev.type, lang),
      at: beijingTime(ev.occurred_at),
      place: ev.place_name ?? "",
    })),
  };
}
