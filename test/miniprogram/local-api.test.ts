// The verdict page's data flow against the real worker (wrangler dev, local D1): the mocked
// wx.request goes to it through fetch, so every request and answer is the API's own.
import { beforeAll, describe, expect, it } from "vitest";
import { type SharedServer, sharedServer } from "../e2e/fixtures";
import { caller, releasedBatch } from "./helpers/local-data";
import { methods, renderPage, setConfig, text } from "./helpers/pages";
import { createWx, flush, installWx, viaFetch } from "./helpers/wx-mock";

let server: SharedServer;
let data: Awaited<ReturnType<typeof releasedBatch>>;
let mock: ReturnType<typeof createWx>;

beforeAll(async () => {
  server = await sharedServer();
  data = await releasedBatch(caller(server.base), server.admin);
  mock = createWx(viaFetch(), { loginCode: "wx-user-local-api" });
  installWx(mock.wx);
  setConfig({
    apiBase: server.base,
    labelHosts: [new URL(server.base).host],
    recallTemplateId: "",
  });
}, 240_000);

async function openVerdict(query: Record<string, string>) {
  const page = renderPage("pages/verdict/index");
  await methods(page).onLoad(query);
  await flush();
  return page;
}

describe("verdict page against the local API", () => {
  it("opens the label URL the worker printed, as a plain-link QR launch, and shows the verdict", async () => {
    const label = data.labels[0];
    if (!label) throw new Error("no label issued");
    const page = await openVerdict({ q: encodeURIComponent(label.url), scancode_time: "1" });
    expect(text(page, "#error")).toBe("");
    expect(page.querySelector("#verdict")?.dom?.getAttribute("data-verdict")).toBe("genuine");
    expect(text(page, "#product")).toContain("嵊泗贻贝");
    expect(text(page, "#product")).toContain("农产品地理标志");
    expect(text(page, "#trace")).toContain("采收");
    expect(text(page, "#producer")).toContain("嵊泗县贻贝专业合作社");
  });

  it("counts a second scan of the code and says when and where it was first checked", async () => {
    const code = data.labels[0]?.code ?? "";
    const page = await openVerdict({ code });
    expect(text(page, "#notice")).toMatch(
      /^该码已被查询 2 次，首次查询时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/,
    );
  });

  it("resolves the GS1 Digital Link form of a label", async () => {
    const code = data.labels[1]?.code ?? "";
    const url = `${server.base}/01/06901234567892/10/SSYB-MP-1/21/${code}`;
    const page = await openVerdict({ q: encodeURIComponent(url) });
    expect(page.querySelector("#verdict")?.dom?.getAttribute("data-verdict")).toBe("genuine");
  });

  it("shows a forged code as invalid", async () => {
    const page = await openVerdict({ code: "0000000000000000000AA" });
    expect(page.querySelector("#verdict")?.dom?.getAttribute("data-verdict")).toBe("invalid");
    expect(text(page, "#invalid-help")).toContain("不在地理标志产品登记系统中");
  });

  it("signs in with wx.login and lists the consumer's own scans in history", async () => {
    const scan = await openVerdict({ code: data.labels[2]?.code ?? "" });
    expect(scan.querySelector("#verdict")?.dom?.getAttribute("data-verdict")).toBe("genuine");
    const history = renderPage("pages/history/index");
    await methods(history).onLoad();
    await flush();
    expect(mock.requests.some((r) => r.url.endsWith("/v1/auth/wechat"))).toBe(true);
    expect(text(history, "#error")).toBe("");
    // Scans sent after sign-in carry the token and are the consumer's own.
    const signedInScan = await openVerdict({ code: data.labels[2]?.code ?? "" });
    expect(signedInScan.querySelector("#verdict")).toBeTruthy();
    const again = renderPage("pages/history/index");
    await methods(again).onLoad();
    await flush();
    expect(text(again, "#history")).toContain(data.labels[2]?.code ?? "missing");
  });

  it("sends a report the API accepts", async () => {
    const page = renderPage("pages/report/index");
    methods(page).onLoad({ code: data.labels[0]?.code ?? "" });
    methods(page).onInput({ detail: { value: "包装印刷模糊，价格明显偏低" } });
    await methods(page).send();
    await flush();
    expect(text(page, "#error")).toBe("");
    expect(text(page, "#done")).toBe("已收到您的举报，谢谢。");
  });

  it("subscribes after a scan and shows the recall notice the queue recorded", async () => {
    setConfig({ recallTemplateId: "TPL-RECALL" });
    const page = await openVerdict({ code: data.labels[2]?.code ?? "" });
    expect(page.querySelector("#subscribe")).toBeTruthy();
    await methods(page).subscribe();
    await flush();
    expect(text(page, "#subscribe-state")).toBe("已订阅召回提醒");
    await caller(server.base)(
      "POST",
      `/v1/batches/${data.batchId}/recall`,
      { reason: "抽检不合格" },
      data.producer,
    );
    let shown = "";
    for (let i = 0; i < 40 && !shown.includes("召回通知"); i++) {
      await new Promise((r) => setTimeout(r, 500));
      const notices = renderPage("pages/notifications/index");
      await methods(notices).onLoad();
      await flush();
      shown = text(notices, "#notifications");
    }
    expect(shown).toContain("召回通知：嵊泗贻贝");
    expect(shown).toContain("SSYB-MP-1");
  });
});
