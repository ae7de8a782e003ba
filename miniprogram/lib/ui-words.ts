// The mini-program's own words (labels, buttons). Domain words (verdicts, categories, trace steps,
// reasons, statuses) come from the shared dictionary, never from here.
import { chinaDate, formatBeijingTime } from "../shared/beijing-time";

export type Lang = "zh" | "en";

export const ui = {
  zh: {
    scan: "扫码验证",
    scanHint: "扫描包装上的地理标志防伪码",
    recent: "最近扫描",
    noRecent: "还没有扫描记录",
    history: "我的扫描记录",
    notifications: "召回通知",
    checking: "正在验证…",
    product: "产品",
    giMark: "地理标志",
    registration: "登记号",
    holder: "登记持有人",
    category: "类别",
    batch: "批次",
    producedAt: "生产时间",
    quantity: "数量",
    producer: "生产者",
    region: "产地",
    authorization: "授权",
    authStatus: "授权状态",
    validity: "有效期",
    trace: "追溯记录",
    scanNotice: (count: number, at: string, place: string) =>
      `该码已被查询 ${count} 次，首次查询时间 ${at}${place ? `，地点 ${place}` : ""}，谨防假冒`,
    firstScanEver: "这是该码第一次被查询。",
    reasons: "原因",
    invalidHelp: "这个码不在地理标志产品登记系统中。请勿购买，并可举报。",
    notOursTitle: "这不是地理标志防伪标签",
    notOursHelp: "扫到的二维码不是本系统打印的标签。请扫描产品包装上的地理标志防伪码。",
    scanAgain: "重新扫码",
    locationTitle: "帮助发现假冒",
    locationWhy:
      "同一个码在相距很远的地方被扫描，往往说明有假冒。可以把您扫码的大致位置（约 1 公里）加到这次扫描吗？位置只用于防伪分析，不会公开。",
    locationShare: "添加位置",
    locationSkip: "不用了",
    locationAdded: "已添加位置，谢谢。",
    subscribeTitle: "召回提醒",
    subscribeWhy: "如果这批产品被召回，通过微信通知您。",
    subscribe: "接收召回提醒",
    subscribed: "已订阅召回提醒",
    subscribeRefused: "未订阅召回提醒",
    report: "举报疑似假冒",
    reportLabel: "请描述您看到的问题（购买地点、包装、价格等）",
    reportSend: "提交举报",
    reportThanks: "已收到您的举报，谢谢。",
    reportTooShort: "请至少写几个字说明问题",
    noNotifications: "没有通知",
    noHistory: "还没有扫描记录",
    error: "出错了",
    switchLang: "English",
  },
  en: {
    scan: "Scan to verify",
    scanHint: "Scan the GI anti-counterfeit code on the package",
    recent: "Recent scans",
    noRecent: "No scans yet",
    history: "My scans",
    notifications: "Recall notices",
    checking: "Checking…",
    product: "Product",
    giMark: "Geographical indication",
    registration: "Registration no.",
    holder: "Holder",
    category: "Category",
    batch: "Batch",
    producedAt: "Produced",
    quantity: "Quantity",
    producer: "Producer",
    region: "Region",
    authorization: "Authorization",
    authStatus: "Authorization status",
    validity: "Valid",
    trace: "Trace",
    scanNotice: (count: number, at: string, place: string) =>
      `This code has been checked ${count} times, first at ${at}${place ? ` in ${place}` : ""}. Beware of fakes.`,
    firstScanEver: "This is the first check of this code.",
    reasons: "Reasons",
    invalidHelp: "This code is not in the GI product registry. Do not buy it; you can report it.",
    notOursTitle: "Not one of our GI labels",
    notOursHelp:
      "This QR code was not printed by the GI registry. Scan the GI anti-counterfeit code on the package.",
    scanAgain: "Scan again",
    locationTitle: "Help catch fakes",
    locationWhy:
      "The same code scanned far apart usually means a fake. May we add roughly where you scanned (about 1 km) to this scan? It is used only against counterfeits and never shown publicly.",
    locationShare: "Add my location",
    locationSkip: "No thanks",
    locationAdded: "Location added, thank you.",
    subscribeTitle: "Recall alerts",
    subscribeWhy: "If this batch is recalled, we tell you through WeChat.",
    subscribe: "Get recall alerts",
    subscribed: "Subscribed to recall alerts",
    subscribeRefused: "Not subscribed",
    report: "Report a suspected fake",
    reportLabel: "What did you see (where you bought it, packaging, price…)?",
    reportSend: "Send report",
    reportThanks: "Thank you, your report was received.",
    reportTooShort: "Please describe the problem in a few words",
    noNotifications: "No notices",
    noHistory: "No scans yet",
    error: "Error",
    switchLang: "中文",
  },
} as const;

export const LANG_KEY = "gi-lang";

export function currentLang(): Lang {
  return wx.getStorageSync(LANG_KEY) === "en" ? "en" : "zh";
}

export function toggleLang(): Lang {
  const next: Lang = currentLang() === "zh" ? "en" : "zh";
  wx.setStorageSync(LANG_KEY, next);
  return next;
}

/** Beijing time, `2026-11-20 12:30` (or the day alone); the text itself when it is no instant. */
export function beijingTime(iso: string, withTime = true): string {
  return (withTime ? formatBeijingTime(iso) : chinaDate(iso)) ?? iso;
}
