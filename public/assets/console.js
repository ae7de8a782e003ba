// Console for producers, regulators and admins. Plain JS module; talks only to the public API.
// The access token lives in sessionStorage (never in a URL) and is sent as a bearer header.
const $ = (id) => document.getElementById(id);
const view = $("view");
let session = JSON.parse(sessionStorage.getItem("gi-session") || "null");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c != null) node.append(c);
  return node;
}

class ApiProblem extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.problem = problem;
  }
}

function clearMessages() {
  $("error").hidden = true;
  $("notice").hidden = true;
}

function showError(error) {
  const box = $("error");
  box.replaceChildren();
  const p = error.problem;
  box.append(el("strong", {}, p?.title ? `${p.title}: ` : "Error: "), error.message);
  if (p?.errors?.length) {
    box.append(
      el(
        "ul",
        { id: "field-errors" },
        p.errors.map((e) => el("li", {}, `${e.path}: ${e.message}`)),
      ),
    );
  }
  box.hidden = false;
}

function notify(text) {
  $("notice").textContent = text;
  $("notice").hidden = false;
}

async function api(method, path, body, { raw = false, headers = {} } = {}) {
  const h = { accept: "application/json", ...headers };
  if (session?.token) h.authorization = `Bearer ${session.token}`;
  if (body !== undefined) h["content-type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    let problem = { title: `HTTP ${res.status}` };
    try {
      problem = await res.json();
    } catch {}
    if (res.status === 401 && path !== "/v1/auth/login") signOut();
    throw new ApiProblem(problem, res.status);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  return res.json();
}

/** Runs an action, showing the API's explanation when it fails. */
function guarded(fn) {
  return async (event) => {
    event?.preventDefault?.();
    clearMessages();
    try {
      await fn(event);
    } catch (error) {
      showError(error);
    }
  };
}

async function download(path, filename) {
  const res = await api("GET", path, undefined, { raw: true });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function table(columns, rows, onClick) {
  return el(
    "table",
    {},
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        columns.map(([label]) => el("th", {}, label)),
      ),
    ),
    el(
      "tbody",
      {},
      rows.map((row) =>
        el(
          "tr",
          {
            class: onClick ? "clickable" : null,
            "data-id": row.id,
            onclick: onClick ? () => onClick(row) : null,
          },
          columns.map(([, get]) => el("td", {}, String(get(row) ?? ""))),
        ),
      ),
    ),
  );
}

function formValues(form) {
  const out = {};
  for (const input of form.querySelectorAll("[name]")) {
    const { name, type } = input;
    if (type === "checkbox") {
      if (input.dataset.group) {
        out[input.dataset.group] ??= [];
        if (input.checked) out[input.dataset.group].push(input.value);
      } else out[name] = input.checked;
      continue;
    }
    let v = input.value.trim();
    if (v === "") continue;
    if (input.dataset.kind === "number") v = Number(v);
    else if (input.dataset.kind === "list") v = v.split(/[\s,]+/).filter(Boolean);
    else if (input.dataset.kind === "datetime") v = new Date(v).toISOString();
    else if (input.dataset.kind === "json") v = JSON.parse(v);
    out[name] = v;
  }
  return out;
}

/** A create form from field specs: [name, label, {kind, options, required}]. */
function specForm(id, title, fields, onSubmit) {
  const form = el(
    "form",
    { id, class: "card" },
    el("h3", {}, title),
    fields.map(([name, label, o = {}]) =>
      el(
        "label",
        {},
        label,
        o.options
          ? el(
              "select",
              { name, "data-kind": o.kind, required: o.required },
              o.options.map(([v, t]) => el("option", { value: v }, t)),
            )
          : el(o.kind === "textarea" || o.kind === "json" ? "textarea" : "input", {
              name,
              type:
                o.kind === "number"
                  ? "number"
                  : o.kind === "datetime"
                    ? "datetime-local"
                    : o.kind === "date"
                      ? "date"
                      : o.type || "text",
              step: o.kind === "number" ? "any" : null,
              "data-kind": o.kind,
              required: o.required,
              placeholder: o.placeholder,
            }),
      ),
    ),
    el("button", { type: "submit" }, "保存 / Save"),
  );
  form.addEventListener(
    "submit",
    guarded(() => onSubmit(formValues(form), form)),
  );
  return form;
}

// ---------- session ----------

function signOut() {
  session = null;
  sessionStorage.removeItem("gi-session");
  location.reload();
}

async function login(event) {
  event.preventDefault();
  clearMessages();
  try {
    const r = await api("POST", "/v1/auth/login", {
      email: $("email").value,
      password: $("password").value,
    });
    session = { token: r.access_token, user: r.user };
    sessionStorage.setItem("gi-session", JSON.stringify(session));
    start();
  } catch (error) {
    showError(error);
  }
}

const NAV = {
  producer: [["batches", "批次 / Batches", showBatches]],
  regulator: [["alerts", "预警 / Alerts", showAlerts]],
  admin: [
    ["gi", "地理标志 / GI products", () => showAdmin("gi")],
    ["orgs", "组织 / Organizations", () => showAdmin("orgs")],
    ["auths", "授权 / Authorizations", () => showAdmin("auths")],
    ["users", "用户 / Users", () => showAdmin("users")],
    ["alerts", "预警 / Alerts", showAlerts],
  ],
};

function start() {
  const user = session.user;
  $("who").textContent = `${user.display_name} (${user.role})`;
  $("logout").hidden = false;
  const items = NAV[user.role] || [];
  $("nav").replaceChildren(
    ...items.map(([key, label, fn]) =>
      el("button", { type: "button", id: `nav-${key}`, onclick: guarded(fn) }, label),
    ),
  );
  if (items[0]) guarded(items[0][2])();
  else view.replaceChildren(el("p", {}, "This role has no console views."));
}

// ---------- producer ----------

async function showBatches() {
  const [batches, auths] = await Promise.all([
    api("GET", "/v1/batches?limit=100"),
    api("GET", "/v1/authorizations?limit=100"),
  ]);
  const orgId = session.user.organization_id;
  const sites = orgId
    ? await api("GET", `/v1/organizations/${encodeURIComponent(orgId)}/sites`)
    : { items: [] };
  const siteList = sites.items || sites;
  const create = specForm(
    "batch-form",
    "新建批次 / New batch",
    [
      [
        "authorization_id",
        "授权 / Authorization",
        { options: auths.items.map((a) => [a.id, `${a.number} (${a.status})`]), required: true },
      ],
      ["site_id", "场所 / Site", { options: siteList.map((s) => [s.id, s.name]), required: true }],
      ["lot_code", "批号 / Lot code", { required: true, placeholder: "ZSDY-20261120-01" }],
      ["quantity", "数量 / Quantity", { kind: "number", required: true }],
      ["unit", "单位 / Unit", { required: true, placeholder: "kg" }],
      ["produced_at", "生产时间 / Produced at", { kind: "datetime", required: true }],
      ["gtin", "GTIN (optional)", {}],
    ],
    async (body) => {
      const b = await api("POST", "/v1/batches", body, {
        headers: { "idempotency-key": crypto.randomUUID() },
      });
      notify(`批次已创建 / Batch created: ${b.lot_code}`);
      await showBatch(b.id);
    },
  );
  view.replaceChildren(
    el("h2", {}, "批次 / Batches"),
    table(
      [
        ["Lot", (b) => b.lot_code],
        ["Status", (b) => b.status],
        ["Quantity", (b) => `${b.quantity} ${b.unit}`],
        ["Labels", (b) => b.label_count],
        ["Produced", (b) => b.produced_at],
      ],
      batches.items,
      (b) => guarded(() => showBatch(b.id))(),
    ),
    create,
  );
}

async function showBatch(id) {
  const [b, events] = await Promise.all([
    api("GET", `/v1/batches/${id}`),
    api("GET", `/v1/batches/${id}/events`),
  ]);
  const eventList = events.items || events;
  const eventForm = specForm(
    "event-form",
    "添加追溯事件 / Add trace event",
    [
      [
        "type",
        "类型 / Type",
        {
          options: [
            "harvest",
            "catch",
            "landing",
            "processing",
            "inspection",
            "packing",
            "shipping",
            "receiving",
            "retail",
          ].map((t) => [t, t]),
        },
      ],
      ["occurred_at", "时间 / When", { kind: "datetime", required: true }],
      ["place_name", "地点 / Place", {}],
      ["lat", "lat", { kind: "number" }],
      ["lng", "lng", { kind: "number" }],
    ],
    async (body) => {
      await api("POST", `/v1/batches/${id}/events`, body);
      notify("事件已添加 / Event added");
      await showBatch(id);
    },
  );
  const labelsForm = el(
    "form",
    { id: "labels-form", class: "card" },
    el("h3", {}, "发放标签 / Issue labels"),
    el(
      "label",
      {},
      "数量 / Count",
      el("input", { id: "label-count", type: "number", min: "1", max: "10000", value: "10" }),
    ),
    el("button", { type: "submit" }, "发放 / Issue"),
  );
  labelsForm.addEventListener(
    "submit",
    guarded(async () => {
      const r = await api(
        "POST",
        `/v1/batches/${id}/labels`,
        { count: Number($("label-count").value) },
        { headers: { "idempotency-key": crypto.randomUUID() } },
      );
      await showBatch(id);
      notify(`已发放 ${r.issued} 个标签 / Issued ${r.issued} labels`);
    }),
  );
  view.replaceChildren(
    el(
      "button",
      { type: "button", class: "secondary", onclick: guarded(showBatches) },
      "← 批次 / Batches",
    ),
    el(
      "section",
      { class: "card", id: "batch-detail", "data-status": b.status },
      el("h2", {}, `批次 / Batch ${b.lot_code}`),
      el(
        "p",
        {},
        `Status: `,
        el("strong", { id: "batch-status" }, b.status),
        ` · ${b.quantity} ${b.unit} · labels: `,
        el("span", { id: "label-total" }, String(b.label_count)),
      ),
      b.status === "draft"
        ? el(
            "button",
            {
              type: "button",
              id: "release-btn",
              onclick: guarded(async () => {
                await api("POST", `/v1/batches/${id}/release`);
                await showBatch(id);
                notify("已放行 / Released");
              }),
            },
            "放行 / Release",
          )
        : null,
      el(
        "button",
        {
          type: "button",
          id: "pdf-btn",
          class: "secondary",
          onclick: guarded(() =>
            download(`/v1/batches/${id}/labels.pdf`, `labels-${b.lot_code}.pdf`),
          ),
        },
        "PDF",
      ),
      el(
        "button",
        {
          type: "button",
          id: "csv-btn",
          class: "secondary",
          onclick: guarded(() =>
            download(`/v1/batches/${id}/labels?format=csv`, `labels-${b.lot_code}.csv`),
          ),
        },
        "CSV",
      ),
    ),
    el(
      "section",
      { class: "card" },
      el("h3", {}, "追溯 / Trace"),
      el(
        "ol",
        { class: "timeline", id: "events" },
        eventList.map((e) =>
          el("li", {}, `${e.occurred_at} · ${e.type}${e.place_name ? ` · ${e.place_name}` : ""}`),
        ),
      ),
    ),
    el("div", { class: "grid2" }, eventForm, labelsForm),
  );
}

// ---------- regulator ----------

async function showAlerts() {
  const filters = el(
    "form",
    { class: "card filters", id: "alert-filters" },
    el(
      "label",
      {},
      "Status",
      el(
        "select",
        { name: "status" },
        ["", "new", "acknowledged", "investigating", "confirmed", "dismissed"].map((s) =>
          el("option", { value: s }, s || "(any)"),
        ),
      ),
    ),
    el(
      "label",
      {},
      "Severity",
      el(
        "select",
        { name: "severity" },
        ["", "low", "medium", "high", "critical"].map((s) =>
          el("option", { value: s }, s || "(any)"),
        ),
      ),
    ),
    el("label", {}, "Rule", el("input", { name: "rule", placeholder: "many_clients" })),
    el("button", { type: "submit" }, "筛选 / Filter"),
  );
  const results = el("div", { id: "alert-list" });
  const load = async () => {
    const q = new URLSearchParams({ limit: "100" });
    for (const [k, v] of Object.entries(formValues(filters))) q.set(k, v);
    const r = await api("GET", `/v1/alerts?${q}`);
    results.replaceChildren(
      r.items.length
        ? table(
            [
              ["Rule", (a) => a.rule],
              ["Severity", (a) => a.severity],
              ["Status", (a) => a.status],
              ["Subject", (a) => a.subject_id],
              ["Region", (a) => a.scan_region_name || a.region_name || ""],
              ["Count", (a) => a.count],
              ["Last seen", (a) => a.last_seen_at],
            ],
            r.items,
            (a) => guarded(() => showAlert(a.id))(),
          )
        : el("p", {}, "没有预警 / No alerts"),
    );
  };
  filters.addEventListener("submit", guarded(load));
  view.replaceChildren(el("h2", {}, "预警 / Alert queue"), filters, results);
  await load();
}

let provinces = null;
async function provinceOutlines() {
  if (!provinces) provinces = await (await fetch("/assets/provinces.geojson")).json();
  return provinces;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  return n;
}

/** Equirectangular map: x = lng, y = -lat, over the province outlines. */
async function scanMap(geojson) {
  const outline = await provinceOutlines();
  const points = (geojson?.features || [])
    .filter((f) => f.geometry?.type === "Point")
    .map((f) => f.geometry.coordinates);
  let [minX, minY, maxX, maxY] = [73, 18, 135, 54];
  if (points.length) {
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    minX = Math.min(...xs) - 4;
    maxX = Math.max(...xs) + 4;
    minY = Math.min(...ys) - 3;
    maxY = Math.max(...ys) + 3;
  }
  const map = svg("svg", {
    class: "map",
    id: "scan-map",
    viewBox: `${minX} ${-maxY} ${maxX - minX} ${maxY - minY}`,
    role: "img",
    "aria-label": "scan map",
  });
  const ring = (coords) =>
    `${coords.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(3)} ${(-y).toFixed(3)}`).join("")}Z`;
  for (const f of outline.features) {
    const g = f.geometry;
    const polys =
      g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    const p = svg("path", { d: polys.map((poly) => poly.map(ring).join("")).join("") });
    p.append(Object.assign(svg("title"), { textContent: f.properties?.name || "" }));
    map.append(p);
  }
  const r = Math.max((maxX - minX) / 120, 0.05);
  if (points.length > 1)
    map.append(
      svg("polyline", {
        points: points.map(([x, y]) => `${x},${-y}`).join(" "),
        "stroke-width": r / 3,
      }),
    );
  for (const f of geojson?.features || []) {
    if (f.geometry?.type !== "Point") continue;
    const [x, y] = f.geometry.coordinates;
    const c = svg("circle", { cx: x, cy: -y, r, "stroke-width": r / 4, class: "scan-point" });
    c.append(
      Object.assign(svg("title"), {
        textContent: `${f.properties?.scanned_at || ""} ${f.properties?.verdict || ""}`,
      }),
    );
    map.append(c);
  }
  return map;
}

async function showAlert(id) {
  const a = await api("GET", `/v1/alerts/${id}`);
  const final = a.status === "confirmed" || a.status === "dismissed";
  const transition = el(
    "form",
    { class: "card", id: "transition-form" },
    el("h3", {}, "处理 / Act"),
    el(
      "label",
      {},
      "To",
      el(
        "select",
        { name: "to", id: "transition-to" },
        ["acknowledged", "investigating", "confirmed", "dismissed"].map((s) =>
          el("option", { value: s }, s),
        ),
      ),
    ),
    el(
      "label",
      {},
      "说明 / Note",
      el("textarea", { name: "note", id: "transition-note", rows: "2" }),
    ),
    el(
      "fieldset",
      {},
      el("legend", {}, "Actions (confirm only)"),
      ["void_labels", "suspend_authorization", "recall_batch"].map((act) =>
        el(
          "label",
          {},
          el("input", {
            type: "checkbox",
            name: `action-${act}`,
            "data-group": "actions",
            value: act,
            id: `action-${act}`,
          }),
          ` ${act}`,
        ),
      ),
    ),
    el("button", { type: "submit", id: "transition-btn" }, "提交 / Submit"),
  );
  transition.addEventListener(
    "submit",
    guarded(async () => {
      const body = formValues(transition);
      if (!body.actions?.length) delete body.actions;
      const r = await api("POST", `/v1/alerts/${id}/transition`, body);
      await showAlert(id);
      notify(`→ ${r.status ?? body.to}${r.effects ? ` ${JSON.stringify(r.effects)}` : ""}`);
    }),
  );
  view.replaceChildren(
    el(
      "button",
      { type: "button", class: "secondary", onclick: guarded(showAlerts) },
      "← 预警 / Alerts",
    ),
    el(
      "section",
      { class: "card", id: "alert-detail", "data-status": a.status },
      el(
        "h2",
        {},
        `${a.rule} · `,
        el("span", { class: `sev-${a.severity}` }, a.severity),
        " · ",
        el("span", { id: "alert-status" }, a.status),
      ),
      el(
        "p",
        {},
        `Subject: ${a.subject_type} ${a.subject_id} · count ${a.count} · ${a.first_seen_at} – ${a.last_seen_at}`,
      ),
      el(
        "p",
        {},
        `Region: ${a.region_name || a.region_code || "-"} · scans in ${a.scan_region_name || a.scan_region_code || "-"}`,
      ),
    ),
    el(
      "div",
      { class: "grid2" },
      el(
        "section",
        { class: "card" },
        el("h3", {}, "扫描地图 / Scan map"),
        await scanMap(a.geojson),
      ),
      el(
        "section",
        { class: "card" },
        el("h3", {}, "扫描时间线 / Scans"),
        el(
          "ol",
          { class: "timeline", id: "alert-scans" },
          [...a.scans]
            .reverse()
            .map((s) =>
              el(
                "li",
                {},
                `${s.scanned_at} · ${s.verdict} · ${s.region_code || "?"}${s.lat != null ? ` (${s.lat.toFixed(2)}, ${s.lng.toFixed(2)})` : ""}`,
              ),
            ),
        ),
        el("h3", {}, "历史 / History"),
        el(
          "ol",
          { class: "timeline" },
          (a.events || []).map((e) =>
            el(
              "li",
              {},
              `${e.created_at || e.at || ""} ${e.from_status || ""} → ${e.to_status || ""} ${e.note || ""}`,
            ),
          ),
        ),
      ),
    ),
    final ? null : transition,
  );
}

// ---------- admin ----------

const ADMIN = {
  gi: {
    title: "地理标志产品 / GI products",
    list: "/v1/gi-products?limit=100",
    post: "/v1/gi-products",
    columns: [
      ["名称 / Name", (r) => r.name_zh],
      ["Reg. no", (r) => r.registration_no],
      ["Type", (r) => r.protection_type],
      ["Status", (r) => r.status],
    ],
    fields: [
      ["name_zh", "中文名 / Name (zh)", { required: true }],
      ["name_en", "Name (en)", {}],
      [
        "category",
        "类别 / Category",
        {
          options: [
            "seafood",
            "aquatic",
            "produce",
            "fruit",
            "grain",
            "tea",
            "livestock",
            "processed_food",
            "beverage",
            "herbal",
            "handicraft",
            "other",
          ].map((c) => [c, c]),
        },
      ],
      [
        "protection_type",
        "保护类型 / Protection",
        {
          options: ["gi_product", "certification_mark", "collective_mark", "agri_product_gi"].map(
            (c) => [c, c],
          ),
        },
      ],
      ["registration_no", "登记号 / Registration no.", { required: true }],
      ["holder_name", "持有人 / Holder", { required: true }],
      [
        "protected_region_codes",
        "保护区域代码 / Region codes",
        { kind: "list", required: true, placeholder: "330922 330903" },
      ],
    ],
  },
  orgs: {
    title: "组织 / Organizations",
    list: "/v1/organizations?limit=100",
    post: "/v1/organizations",
    columns: [
      ["Name", (r) => r.name],
      ["USCC", (r) => r.uscc],
      ["Kind", (r) => r.kind],
      ["Region", (r) => r.region_name || r.region_code],
    ],
    fields: [
      ["name", "名称 / Name", { required: true }],
      ["uscc", "统一社会信用代码 / USCC", { required: true }],
      [
        "kind",
        "类型 / Kind",
        {
          options: ["cooperative", "enterprise", "individual_household", "association"].map((c) => [
            c,
            c,
          ]),
        },
      ],
      ["region_code", "区域代码 / Region code", { required: true }],
    ],
  },
  auths: {
    title: "授权 / Authorizations",
    list: "/v1/authorizations?limit=100",
    post: "/v1/authorizations",
    columns: [
      ["Number", (r) => r.number],
      ["Organization", (r) => r.organization_id],
      ["GI", (r) => r.gi_product_id],
      ["Valid", (r) => `${r.valid_from} – ${r.valid_until}`],
      ["Status", (r) => r.status],
    ],
    fields: [
      ["organization_id", "组织 ID / Organization id", { required: true }],
      ["gi_product_id", "地理标志 ID / GI product id", { required: true }],
      ["valid_from", "起 / From", { kind: "date", required: true }],
      ["valid_until", "止 / Until", { kind: "date", required: true }],
      ["annual_label_quota", "年度标签配额 / Annual quota", { kind: "number" }],
    ],
  },
  users: {
    title: "用户 / Users",
    list: "/v1/users?limit=100",
    post: "/v1/users",
    columns: [
      ["Email", (r) => r.email],
      ["Name", (r) => r.display_name],
      ["Role", (r) => r.role],
      ["Organization", (r) => r.organization_id],
      ["Regions", (r) => (r.region_codes || []).join(" ")],
    ],
    fields: [
      ["email", "Email", { required: true, type: "email" }],
      ["password", "密码 / Password", { required: true, type: "password" }],
      ["role", "角色 / Role", { options: ["producer", "regulator", "admin"].map((c) => [c, c]) }],
      ["display_name", "显示名 / Display name", { required: true }],
      ["organization_id", "组织 ID / Organization id (producers)", {}],
      ["region_codes", "区域代码 / Region codes (regulators)", { kind: "list" }],
    ],
  },
};

async function showAdmin(key) {
  const spec = ADMIN[key];
  const rows = await api("GET", spec.list);
  view.replaceChildren(
    el("h2", {}, spec.title),
    table(spec.columns, rows.items),
    specForm(`${key}-form`, `新建 / Create`, spec.fields, async (body) => {
      const created = await api("POST", spec.post, body);
      await showAdmin(key);
      notify(`已创建 / Created ${created.id || ""}`);
    }),
  );
}

$("login-form").addEventListener("submit", login);
$("logout").addEventListener("click", () => {
  fetch("/v1/auth/logout", {
    method: "POST",
    headers: { authorization: `Bearer ${session?.token}` },
  }).finally(signOut);
});
if (session?.token) start();
