// The words of a recall notice: the record shown in the app, and the subscribe-message data.
// The template (公众平台 → 订阅消息) must have the keywords thing1 (product), character_string2
// (lot), thing3 (reason) and time4 (recalled at); docs/wechat.md says how to pick one.
import { formatBeijingTime } from "./beijing-time";

export type RecalledBatch = {
  productName: string;
  lotCode: string;
  reason: string | null;
  recalledAt: string;
};

const THING_MAX = 20;
const CHARACTER_STRING_MAX = 32;

/** WeChat refuses (47003) a `thing` over 20 characters or a character_string over 32. */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

const beijingMinute = (iso: string) => formatBeijingTime(iso) ?? iso;

export function recallNoticeText(batch: RecalledBatch): { title: string; body: string } {
  const reason = batch.reason?.trim() ? `：${batch.reason.trim()}` : "";
  return {
    title: `召回通知：${batch.productName}`,
    body: `您扫描过的批次 ${batch.lotCode} 已于 ${beijingMinute(batch.recalledAt)}（北京时间）召回${reason}。请停止食用或使用，并联系购买渠道。`,
  };
}

export function recallTemplateData(batch: RecalledBatch): Record<string, { value: string }> {
  const lot = batch.lotCode.replace(/[^0-9A-Za-z_-]/g, "-");
  return {
    thing1: { value: clip(batch.productName, THING_MAX) },
    character_string2: { value: clip(lot, CHARACTER_STRING_MAX) },
    thing3: { value: clip(batch.reason?.trim() || "产品召回", THING_MAX) },
    time4: { value: beijingMinute(batch.recalledAt) },
  };
}
