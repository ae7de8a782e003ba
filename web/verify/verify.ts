// The consumer verify page for /v/<CODE> (and /V/<CODE>, as labels print it). It answers first:
// the scan is posted on load, without location, and the verdict shows with no tap. Only then
// does it offer, with an explanation, to add the approximate location to that same scan.
// No framework, no inline script (CSP script-src 'self'); bundled by scripts/build-web.ts.

import { formatBeijingTime } from "../../src/lib/beijing-time";
import { type Language, type WordKind, wordFor } from "../../src/lib/i18n/domain-words";
import { verdictMessage } from "../../src/lib/risk/messages";
import type { Verdict } from "../../src/lib/risk/types";
import type { components } from "../api/schema";

/** The answer of POST /v1/scans, as the app's OpenAPI document describes it. */
type ScanResult = components["schemas"]["ScanResult"];

const TEXT = {
  zh: {
    title: "地理标志产品验证",
    switchTo: "English",
    checking: "正在验证…",
    noCode: "网址里没有防伪码。",
    invalidHelp: "这个码不在地理标志产品登记系统中。请勿购买，并可在下方举报。",
    reasons: "原因",
    product: "产品",
    protectionType: "保护类型",
    registration: "登记号",
    holder: "登记持有人",
    category: "类别",
    euChina: "中欧地理标志协定保护产品",
    batch: "批次",
    producedAt: "生产时间",
    quantity: "数量",
    producer: "生产者",
    producerKind: "主体类型",
    region: "产地",
    authorization: "使用授权",
    authStatus: "授权状态",
    validity: "有效期",
    trace: "追溯记录",
    scanCount: "查询次数",
    firstScan: "首次查询",
    code: "防伪码",
    beijing: "北京时间",
    locationTitle: "帮助发现假冒",
    whyLocation:
      "同一个码若在相隔很远的地方被扫描，往往说明标签被复制。您愿意把本次扫码的大致位置（精确到约 1 公里）加入这次查询吗？位置只用于防伪分析，不会公开，也不会与您的身份关联。",
    shareLocation: "添加我的大致位置",
    noLocation: "不用了",
    locating: "正在获取位置…",
    located: "已添加大致位置，谢谢。",
    locationDenied: "未能获取位置，查询结果不受影响。",
    reportTitle: "举报疑似假冒",
    reportLabel: "请描述您看到的问题（购买地点、包装、价格等）",
    reportSend: "提交举报",
    reportThanks: "已收到您的举报，谢谢。",
    error: "出错了",
    retry: "重试",
  },
  en: {
    title: "Geographical indication check",
    switchTo: "中文",
    checking: "Checking…",
    noCode: "There is no code in this address.",
    invalidHelp:
      "This code is not in the GI product registry. Do not buy it; you can report it below.",
    reasons: "Why",
    product: "Product",
    protectionType: "Protection",
    registration: "Registration no.",
    holder: "Holder",
    category: "Category",
    euChina: "Protected under the EU–China GI agreement",
    batch: "Batch",
    producedAt: "Produced",
    quantity: "Quantity",
    producer: "Producer",
    producerKind: "Kind",
    region: "Region",
    authorization: "Authorization to use the mark",
    authStatus: "Status",
    validity: "Valid",
    trace: "Trace",
    scanCount: "Times checked",
    firstScan: "First checked",
    code: "Code",
    beijing: "Beijing time",
    locationTitle: "Help catch fakes",
    whyLocation:
      "When one code is scanned far apart, the label has usually been copied. Would you add the approximate place of this scan (to about 1 km) to this check? It is used only against counterfeiting, never shown publicly and never linked to who you are.",
    shareLocation: "Add my approximate location",
    noLocation: "No, thanks",
    locating: "Getting your location…",
    located: "Approximate location added. Thank you.",
    locationDenied: "Could not get your location; the result above stands.",
    reportTitle: "Report a suspected fake",
    reportLabel: "What did you see (where you bought it, packaging, price…)?",
    reportSend: "Send report",
    reportThanks: "Thank you, your report was received.",
    error: "Error",
    retry: "Try again",
  },
} as const;

type Texts = (typeof TEXT)[Language];

const ICONS: Record<string, string> = {
  genuine: "✔",
  warning: "!",
  suspicious: "?",
  counterfeit: "✖",
  recalled: "✖",
  invalid: "✖",
};

let lang: Language = localStorage.getItem("gi-lang") === "en" ? "en" : "zh";
let lastResult: ScanResult | null = null;
let locationState: "offer" | "locating" | "located" | "denied" | "refused" | "declined" = "offer";
let locationProblem = "";
const scanKey = crypto.randomUUID();

const t = (): Texts => TEXT[lang];
const word = (kind: WordKind, id: string) => wordFor(kind, id, lang);
const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
/** Beijing time, written as the verdict message writes it. */
function when(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const time = formatBeijingTime(iso) ?? iso;
  return lang === "zh" ? `${time}（${t().beijing}）` : `${time} (${t().beijing})`;
}

/** The server's message in the reader's language, made by the same function the server uses. */
function message(r: ScanResult): string {
  return verdictMessage(r.verdict as Verdict, lang, {
    count: r.scan_count ?? 0,
    firstAt: r.first_scan?.at ?? null,
    firstRegionName: r.first_scan?.region_name ?? null,
  });
}

function codeFromPath(): string {
  const match = location.pathname.match(/^\/v\/([^/?#]+)/i);
  return match ? decodeURIComponent(match[1] as string) : "";
}

function clientId(): string {
  let id = localStorage.getItem("gi-client-id");
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem("gi-client-id", id);
  }
  return id;
}

type Child = Node | string | null | undefined | false;

function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function dl(pairs: [string, string | number | null | undefined][]): HTMLElement {
  const list = el("dl");
  for (const [term, value] of pairs) {
    if (value !== null && value !== undefined && value !== "") {
      list.append(el("dt", {}, term), el("dd", {}, String(value)));
    }
  }
  return list;
}

function applyStatic(): void {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = t().title;
  byId("lang").textContent = t().switchTo;
  for (const node of document.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const value = t()[node.dataset.i18n as keyof Texts];
    if (typeof value === "string") node.textContent = value;
  }
}

async function problemText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as {
      detail?: string;
      title?: string;
      errors?: { path: string; message: string }[];
    };
    const fields = (body.errors ?? []).map((e) => `${e.path}: ${e.message}`).join("; ");
    return `${body.detail ?? body.title ?? res.status}${fields ? ` (${fields})` : ""}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

function verdictCard(r: ScanResult): HTMLElement {
  const reasons =
    r.reasons.length > 0 && r.verdict !== "invalid"
      ? el(
          "p",
          { id: "verdict-reasons", class: "reasons" },
          `${t().reasons}：${r.reasons.map((reason) => word("rule", reason)).join("、")}`,
        )
      : null;
  return el(
    "div",
    { class: `verdict v-${r.verdict}`, id: "verdict", "data-verdict": r.verdict },
    el(
      "h2",
      {},
      el("span", { class: "icon", "aria-hidden": "true" }, ICONS[r.verdict] ?? ""),
      word("verdict", r.verdict),
    ),
    el("p", { id: "verdict-message" }, message(r)),
    reasons,
  );
}

function productCard(r: ScanResult): HTMLElement | null {
  const p = r.product;
  if (!p) return null;
  const s = t();
  const names = lang === "en" && p.name_en ? `${p.name_en}（${p.name_zh}）` : p.name_zh;
  return el(
    "section",
    { class: "card", id: "product" },
    el("h3", { id: "product-name" }, names),
    lang === "zh" && p.name_en ? el("p", { class: "muted" }, p.name_en) : null,
    dl([
      [s.protectionType, word("protectionType", p.protection_type)],
      [s.registration, p.registration_no],
      [s.holder, p.holder_name],
      [s.category, word("category", p.category)],
      [s.batch, r.batch?.lot_code],
      [s.producedAt, when(r.batch?.produced_at)],
      [
        s.quantity,
        r.batch
          ? `${r.batch.quantity.toLocaleString(lang === "zh" ? "zh-CN" : "en")} ${r.batch.unit}`
          : null,
      ],
    ]),
    p.eu_china_agreement ? el("p", { class: "badge" }, s.euChina) : null,
  );
}

function producerCard(r: ScanResult): HTMLElement | null {
  if (!r.producer && !r.authorization) return null;
  const s = t();
  const a = r.authorization;
  return el(
    "section",
    { class: "card", id: "producer" },
    el("h3", {}, s.producer),
    dl([
      [s.producer, r.producer?.name],
      [s.producerKind, r.producer ? word("organizationKind", r.producer.kind) : null],
      [s.region, r.producer?.region_name ?? r.producer?.region_code],
      [s.authorization, a?.number],
      [s.authStatus, a ? word("authorizationStatus", a.status) : null],
      [s.validity, a ? `${a.valid_from} – ${a.valid_until}` : null],
    ]),
  );
}

function noticeCard(r: ScanResult): HTMLElement | null {
  if (!r.scan_count) return null;
  const s = t();
  const first = r.first_scan;
  const place = first?.region_name ?? first?.region_code ?? "";
  return el(
    "section",
    { class: "card notice", id: "scan-notice" },
    dl([
      [s.scanCount, r.scan_count],
      [s.firstScan, first ? `${when(first.at)} ${place}`.trim() : null],
    ]),
  );
}

function traceCard(r: ScanResult): HTMLElement | null {
  if (!r.trace?.length) return null;
  const list = el("ol", { class: "timeline" });
  for (const event of r.trace) {
    list.append(
      el(
        "li",
        { "data-step": event.cbv_business_step },
        el("strong", {}, word("traceStep", event.type)),
        " ",
        when(event.occurred_at),
        event.place_name ? ` · ${event.place_name}` : "",
      ),
    );
  }
  return el("section", { class: "card", id: "trace" }, el("h3", {}, t().trace), list);
}

function locationCard(r: ScanResult): HTMLElement | null {
  if (!r.scan_id || !r.location_token || locationState === "declined") return null;
  const s = t();
  if (locationState === "located" || locationState === "denied" || locationState === "refused") {
    const text =
      locationState === "located"
        ? s.located
        : locationState === "denied"
          ? s.locationDenied
          : `${s.error}: ${locationProblem}`;
    return el(
      "section",
      { class: "card", id: "location" },
      el("p", { id: "location-status" }, text),
    );
  }
  const share = el("button", { type: "button", id: "share-location" }, s.shareLocation);
  const decline = el(
    "button",
    { type: "button", id: "no-location", class: "secondary" },
    s.noLocation,
  );
  share.addEventListener("click", shareLocation);
  decline.addEventListener("click", () => {
    locationState = "declined";
    render();
  });
  return el(
    "section",
    { class: "card", id: "location" },
    el("h3", {}, s.locationTitle),
    el("p", {}, s.whyLocation),
    locationState === "locating"
      ? el("p", { id: "location-status", class: "muted" }, s.locating)
      : el("div", { class: "row" }, share, decline),
  );
}

function render(): void {
  const r = lastResult;
  if (!r) return;
  const box = byId("result");
  box.hidden = false;
  box.replaceChildren(verdictCard(r));
  if (r.verdict === "invalid") {
    box.append(
      el(
        "section",
        { class: "card", id: "invalid-help" },
        el("p", {}, t().invalidHelp),
        dl([[t().code, codeFromPath()]]),
      ),
    );
  } else {
    for (const card of [
      noticeCard(r),
      locationCard(r),
      productCard(r),
      producerCard(r),
      traceCard(r),
    ]) {
      if (card) box.append(card);
    }
  }
  byId("report").hidden = false;
}

function showError(text: string, retry?: () => void): void {
  const status = byId("status");
  status.className = "error";
  status.replaceChildren(`${t().error}: ${text}`);
  if (retry) {
    const button = el("button", { type: "button", class: "secondary", id: "retry" }, t().retry);
    button.addEventListener("click", retry);
    status.append(" ", button);
  }
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "accept-language": lang === "zh" ? "zh-CN" : "en",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

async function scan(): Promise<void> {
  const code = codeFromPath();
  const status = byId("status");
  if (!code) {
    status.textContent = t().noCode;
    return;
  }
  status.className = "muted";
  status.textContent = t().checking;
  try {
    // One key per page load: a retry after a lost answer is the same scan, not a second one.
    const res = await post(
      "/v1/scans",
      { code, client_id: clientId() },
      { "idempotency-key": scanKey },
    );
    if (!res.ok) {
      showError(await problemText(res), scan);
      return;
    }
    lastResult = (await res.json()) as ScanResult;
    status.textContent = "";
    render();
  } catch (error) {
    showError((error as Error).message, scan);
  }
}

/** Times a location is sent again while its scan is still queued (409 scan_pending). */
const PENDING_RETRIES = 5;

/**
 * Posts the location; where scans are written through a queue it may arrive before its scan is
 * stored, and the server answers 409 scan_pending with Retry-After: it is sent again then.
 */
async function postLocation(scanId: string, body: unknown): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await post(`/v1/scans/${encodeURIComponent(scanId)}/location`, body);
    if (res.status !== 409 || attempt >= PENDING_RETRIES) return res;
    const problem = (await res
      .clone()
      .json()
      .catch(() => null)) as { code?: string } | null;
    if (problem?.code !== "scan_pending") return res;
    const seconds = Number(res.headers.get("retry-after")) || 1;
    await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 5) * 1000));
  }
}

function shareLocation(): void {
  const r = lastResult;
  if (!r?.scan_id || !navigator.geolocation) {
    locationState = "denied";
    render();
    return;
  }
  locationState = "locating";
  render();
  navigator.geolocation.getCurrentPosition(
    async (position) => {
      const res = await postLocation(r.scan_id as string, {
        lat: position.coords.latitude,
        lng: position.coords.longitude,
        accuracy_m: Math.min(position.coords.accuracy || 0, 1_000_000),
        token: r.location_token,
      }).catch(() => null);
      if (res?.ok) {
        lastResult = (await res.json()) as ScanResult;
        locationState = "located";
      } else {
        locationState = "refused";
        locationProblem = res ? await problemText(res) : t().locationDenied;
      }
      render();
    },
    () => {
      locationState = "denied";
      render();
    },
    { timeout: 10_000, maximumAge: 60_000 },
  );
}

async function report(event: Event): Promise<void> {
  event.preventDefault();
  const out = byId("report-status");
  const description = byId<HTMLTextAreaElement>("report-description").value;
  const res = await post("/v1/reports", { code: codeFromPath(), description });
  out.className = res.ok ? "" : "error";
  out.textContent = res.ok ? t().reportThanks : `${t().error}: ${await problemText(res)}`;
  if (res.ok) byId<HTMLFormElement>("report-form").reset();
}

byId("lang").addEventListener("click", async () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("gi-lang", lang);
  applyStatic();
  render();
});
byId("report-form").addEventListener("submit", report);
applyStatic();
void scan();
