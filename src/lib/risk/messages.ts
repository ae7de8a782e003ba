import { formatBeijingTime } from "../beijing-time";
import type { Verdict } from "./types";

export type MessageLanguage = "zh" | "en";

/** What the consumer is told about earlier scans of the code. */
export interface FirstScanNotice {
  /** Scans of the code, this one included: the number the consumer also sees on the card. */
  count: number;
  /** ISO timestamp of the first of them. */
  firstAt: string | null;
  /** Name of the region of the first of them, e.g. 舟山市. */
  firstRegionName: string | null;
}

const verdictText: Record<MessageLanguage, Record<Verdict, string>> = {
  zh: {
    genuine: "正品：该码为登记在册的地理标志产品标签。",
    warning: "注意：该码为登记在册的标签，但产品可能已超过保质期，请核对生产日期后再食用或使用。",
    suspicious:
      "可疑：该码的查询记录或授权状态异常，可能被复制或冒用，请谨慎购买，可向市场监管部门举报。",
    recalled: "已召回：该产品所属批次已被召回，请勿食用或使用，并联系商家退换。",
    counterfeit: "疑似假冒：该码已作废或被复制使用，请勿购买，并向市场监管部门举报。",
    invalid: "查无此码：这不是登记在册的标签，可能是假冒。",
  },
  en: {
    genuine: "Genuine: this code is a registered geographical-indication product label.",
    warning:
      "Caution: this code is a registered label, but the product may be past its shelf life. " +
      "Check the production date before use.",
    suspicious:
      "Suspicious: this code's scan history or authorization is irregular; it may have been " +
      "copied or misused. Buy with care and consider reporting it to market supervision.",
    recalled:
      "Recalled: this product's batch has been recalled. Do not consume or use it; contact the " +
      "seller for a return.",
    counterfeit:
      "Likely counterfeit: this code has been voided or copied. Do not buy it, and report it to " +
      "market supervision.",
    invalid: "Unknown code: this is not a registered label and may be counterfeit.",
  },
};

function repeatNoticeZh(count: number, firstAt: string | null, region: string | null): string {
  const parts = [`该码已被查询 ${count} 次`];
  if (firstAt !== null) parts.push(`首次查询时间 ${firstAt}（北京时间）`);
  if (region !== null) parts.push(firstAt !== null ? `地点 ${region}` : `首次查询地点 ${region}`);
  parts.push("谨防假冒。");
  return parts.join("，");
}

function repeatNoticeEn(count: number, firstAt: string | null, region: string | null): string {
  const times = `${count} times`;
  let first = "";
  if (firstAt !== null && region !== null)
    first = `, first at ${firstAt} (Beijing time) in ${region}`;
  else if (firstAt !== null) first = `, first at ${firstAt} (Beijing time)`;
  else if (region !== null) first = `, first in ${region}`;
  return `This code has been scanned ${times}${first}. Beware of counterfeits.`;
}

/**
 * The consumer's message for a verdict, followed by the repeated-scan notice when the code was
 * scanned before ("该码已被查询 N 次，首次查询时间 …（北京时间），地点 …，谨防假冒。", N counting
 * this scan too). An invalid code gets no notice: it has no history to tell.
 */
export function verdictMessage(
  verdict: Verdict,
  lang: MessageLanguage,
  firstScan: FirstScanNotice,
): string {
  const text = verdictText[lang][verdict];
  const count = Math.trunc(firstScan.count);
  if (verdict === "invalid" || !(count > 1)) return text;
  const firstAt = firstScan.firstAt === null ? null : formatBeijingTime(firstScan.firstAt);
  const region = firstScan.firstRegionName?.trim() || null;
  return lang === "zh"
    ? `${text}${repeatNoticeZh(count, firstAt, region)}`
    : `${text} ${repeatNoticeEn(count, firstAt, region)}`;
}
