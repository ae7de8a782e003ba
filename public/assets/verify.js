// Consumer verify page for /v/<CODE>: no framework, no inline script (CSP script-src 'self').
const T = {
  zh: {
    title: "地理标志产品验证",
    switchTo: "English",
    whyLocation:
      "为了发现假冒（同一个码在很远的地方被扫描），我们想知道您大致在哪里扫码。位置只用于防伪分析，不会公开。",
    shareLocation: "分享位置并验证",
    noLocation: "不分享，直接验证",
    checking: "正在验证…",
    locating: "正在获取位置…",
    noCode: "网址里没有防伪码。",
    verdict: {
      genuine: "正品",
      warning: "注意：请核实",
      suspicious: "可疑",
      counterfeit: "假冒",
      recalled: "已召回",
      invalid: "不是已登记的防伪码",
    },
    invalidHelp: "这个码不在地理标志产品登记系统中。请勿购买，并可在下方举报。",
    product: "产品",
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
    scanCount: "扫描次数",
    firstScan: "首次扫描",
    code: "防伪码",
    reportTitle: "举报疑似假冒",
    reportLabel: "请描述您看到的问题（购买地点、包装、价格等）",
    reportSend: "提交举报",
    reportThanks: "已收到您的举报，谢谢。",
    error: "出错了",
    status: { active: "有效", suspended: "已暂停", revoked: "已撤销", expired: "已过期" },
  },
  en: {
    title: "Geographical indication check",
    switchTo: "中文",
    whyLocation:
      "To catch fakes (the same code scanned far apart), we would like to know roughly where you scan. Your location is used only for anti-counterfeiting and is never shown publicly.",
    shareLocation: "Share location and verify",
    noLocation: "Verify without location",
    checking: "Checking…",
    locating: "Getting your location…",
    noCode: "There is no code in this address.",
    verdict: {
      genuine: "Genuine",
      warning: "Warning: please check",
      suspicious: "Suspicious",
      counterfeit: "Counterfeit",
      recalled: "Recalled",
      invalid: "Not a registered code",
    },
    invalidHelp:
      "This code is not in the GI product registry. Do not buy it; you can report it below.",
    product: "Product",
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
    scanCount: "Scans",
    firstScan: "First scan",
    code: "Code",
    reportTitle: "Report a suspected fake",
    reportLabel: "What did you see (where you bought it, packaging, price…)?",
    reportSend: "Send report",
    reportThanks: "Thank you, your report was received.",
    error: "Error",
    status: { active: "active", suspended: "suspended", revoked: "revoked", expired: "expired" },
  },
};
const ICONS = {
  genuine: "✔",
  warning: "!",
  suspicious: "?",
  counterfeit: "✖",
  recalled: "✖",
  invalid: "✖",
};

let lang = localStorage.getItem("gi-lang") || (navigator.language?.startsWith("zh") ? "zh" : "zh");
let lastResult = null;
let position = null;
const $ = (id) => document.getElementById(id);
const t = () => T[lang];

function codeFromPath() {
  const m = location.pathname.match(/^\/v\/([^/?#]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

function clientId() {
  let id = localStorage.getItem("gi-client-id");
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem("gi-client-id", id);
  }
  return id;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

function applyStatic() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = t().title;
  $("lang").textContent = t().switchTo;
  for (const node of document.querySelectorAll("[data-i18n]")) {
    const v = t()[node.dataset.i18n];
    if (typeof v === "string") node.textContent = v;
  }
}

async function problemText(res) {
  try {
    const body = await res.json();
    const fields = (body.errors || []).map((e) => `${e.path}: ${e.message}`).join("; ");
    return `${body.detail || body.title || res.status}${fields ? ` (${fields})` : ""}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

function fmtDate(s) {
  try {
    return new Date(s).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB");
  } catch {
    return s;
  }
}

function dl(pairs) {
  const list = el("dl");
  for (const [k, v] of pairs)
    if (v != null && v !== "") list.append(el("dt", {}, k), el("dd", {}, String(v)));
  return list;
}

function render(r) {
  const s = t();
  const box = $("result");
  box.replaceChildren();
  box.hidden = false;
  const verdict = el(
    "div",
    { class: `verdict v-${r.verdict}`, id: "verdict", "data-verdict": r.verdict },
    el(
      "h2",
      {},
      el("span", { class: "icon", "aria-hidden": "true" }, ICONS[r.verdict] || ""),
      s.verdict[r.verdict] || r.verdict,
    ),
    el("p", { id: "verdict-message" }, r.message),
  );
  box.append(verdict);
  if (r.verdict === "invalid") {
    box.append(
      el(
        "section",
        { class: "card", id: "invalid-help" },
        el("p", {}, s.invalidHelp),
        dl([[s.code, codeFromPath()]]),
      ),
    );
    $("report").hidden = false;
    return;
  }
  if (r.first_scan || r.scan_count) {
    const place = r.first_scan ? r.first_scan.region_name || r.first_scan.region_code || "" : "";
    box.append(
      el(
        "section",
        { class: "card notice", id: "scan-notice" },
        dl([
          [s.scanCount, r.scan_count],
          [s.firstScan, r.first_scan ? `${fmtDate(r.first_scan.at)} ${place}` : null],
        ]),
      ),
    );
  }
  if (r.product) {
    const p = r.product;
    box.append(
      el(
        "section",
        { class: "card", id: "product" },
        el("h3", {}, `${s.product}: ${lang === "en" && p.name_en ? p.name_en : p.name_zh}`),
        dl([
          [s.registration, p.registration_no],
          [s.holder, p.holder_name],
          [s.category, p.category],
          [s.batch, r.batch?.lot_code],
          [s.producedAt, r.batch ? fmtDate(r.batch.produced_at) : null],
          [s.quantity, r.batch ? `${r.batch.quantity} ${r.batch.unit}` : null],
        ]),
      ),
    );
  }
  if (r.producer || r.authorization) {
    const a = r.authorization;
    box.append(
      el(
        "section",
        { class: "card", id: "producer" },
        el("h3", {}, s.producer),
        dl([
          [s.producer, r.producer?.name],
          [s.region, r.producer?.region_name || r.producer?.region_code],
          [s.authorization, a?.number],
          [s.authStatus, a ? s.status[a.status] || a.status : null],
          [s.validity, a ? `${a.valid_from} – ${a.valid_until}` : null],
        ]),
      ),
    );
  }
  if (r.trace?.length) {
    const list = el("ol", { class: "timeline" });
    for (const ev of r.trace) {
      list.append(
        el(
          "li",
          {},
          el("strong", {}, ev.step_name ?? ev.type),
          " ",
          fmtDate(ev.occurred_at),
          ev.place_name ? ` · ${ev.place_name}` : "",
        ),
      );
    }
    box.append(el("section", { class: "card", id: "trace" }, el("h3", {}, s.trace), list));
  }
  $("report").hidden = false;
}

async function scan() {
  const code = codeFromPath();
  $("consent").hidden = true;
  if (!code) {
    $("status").textContent = t().noCode;
    return;
  }
  $("status").textContent = t().checking;
  const body = { code, client_id: clientId() };
  if (position) Object.assign(body, position);
  try {
    const res = await fetch("/v1/scans", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "accept-language": lang === "zh" ? "zh-CN" : "en",
      },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      $("status").textContent = `${t().error}: ${await problemText(res)}`;
      $("status").className = "error";
      return;
    }
    lastResult = await res.json();
    $("status").textContent = "";
    render(lastResult);
  } catch (e) {
    $("status").textContent = `${t().error}: ${e.message}`;
    $("status").className = "error";
  }
}

function locateThenScan() {
  if (!navigator.geolocation) return scan();
  $("status").textContent = t().locating;
  navigator.geolocation.getCurrentPosition(
    (p) => {
      position = {
        lat: p.coords.latitude,
        lng: p.coords.longitude,
        accuracy_m: Math.min(p.coords.accuracy || 0, 1_000_000),
      };
      scan();
    },
    () => scan(),
    { timeout: 10_000, maximumAge: 60_000 },
  );
}

async function report(event) {
  event.preventDefault();
  const out = $("report-status");
  const body = { code: codeFromPath(), description: $("report-description").value };
  if (position) Object.assign(body, { lat: position.lat, lng: position.lng });
  const res = await fetch("/v1/reports", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "accept-language": lang === "zh" ? "zh-CN" : "en",
    },
    body: JSON.stringify(body),
  });
  out.className = res.ok ? "" : "error";
  out.textContent = res.ok ? t().reportThanks : `${t().error}: ${await problemText(res)}`;
  if (res.ok) $("report-form").reset();
}

$("lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("gi-lang", lang);
  applyStatic();
  if (lastResult) render(lastResult);
});
$("share-location").addEventListener("click", locateThenScan);
$("no-location").addEventListener("click", scan);
$("report-form").addEventListener("submit", report);
applyStatic();
