// Reports are throttled per source, kept whole, listed for regulators in scope and shown in the
// detail of the alert they were attached to.
import { describe, expect, it } from "vitest";
import { createUser } from "../helpers/fixtures";
import { call, callJson, expectProblem } from "../helpers/http";
import { regulatorOf, releasedLabels } from "../helpers/scans";

type Report = {
  id: string;
  label_code: string | null;
  description: string;
  alert_id: string | null;
};
type Page = { items: Report[]; next_cursor: string | null };

const from = (ip: string) => ({ "CF-Connecting-IP": ip });

describe("reports", () => {
  it("throttles one address to 10 reports a minute", async () => {
    if (Date.now() % 60_000 > 50_000)
      await new Promise((resolve) => setTimeout(resolve, 60_100 - (Date.now() % 60_000)));
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const response = await call("/v1/reports", {
        body: { description: `垃圾举报第 ${i} 条，内容无意义` },
        headers: from("198.51.100.150"),
      });
      statuses.push(response.status);
      if (response.status === 429) await expectProblem(response, 429, "rate_limited");
      else await response.body?.cancel();
    }
    expect(statuses).toEqual([...Array(10).fill(201), 429, 429]);
    const other = await call("/v1/reports", {
      body: { description: "另一个地址的正常举报" },
      headers: from("198.51.100.151"),
    });
    expect(other.status).toBe(201);
  });

  it("keeps every report, lists them in scope and shows them in the alert's detail", async () => {
    const { setup, codes } = await releasedLabels(1);
    const code = codes[0] as string;
    const descriptions = ["包装印刷模糊", "价格明显偏低，疑似假货", "二维码贴纸可以揭下"];
    const ids: string[] = [];
    for (const [i, description] of descriptions.entries()) {
      const created = await callJson<{ id: string }>("/v1/reports", {
        body: { code, description },
        headers: from(`203.0.113.${60 + i}`),
      });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }

    const zhoushan = await regulatorOf("330900");
    const page = await callJson<Page>(`/v1/reports?label_code=${code}`, { token: zhoushan.token });
    expect(page.status).toBe(200);
    expect(page.body.items.map((r) => r.description).sort()).toEqual([...descriptions].sort());
    const alertId = page.body.items[0]?.alert_id as string;
    expect(alertId).toMatch(/^alr_/);
    expect(new Set(page.body.items.map((r) => r.alert_id))).toEqual(new Set([alertId]));

    const one = await callJson<Report>(`/v1/reports/${ids[0]}`, { token: zhoushan.token });
    expect(one.body).toMatchObject({ id: ids[0], label_code: code, description: descriptions[0] });
    const own = await callJson<Page>("/v1/reports", { token: setup.producer.token });
    expect(own.body.items.map((r) => r.id).sort()).toEqual([...ids].sort());

    const beijing = await regulatorOf("110000");
    await expectProblem(
      await call(`/v1/reports/${ids[0]}`, { token: beijing.token }),
      404,
      "not_found",
    );
    const none = await callJson<Page>(`/v1/reports?label_code=${code}`, { token: beijing.token });
    expect(none.body.items).toEqual([]);
    const consumer = await createUser("consumer");
    expect((await call("/v1/reports", { token: consumer.token })).status).toBe(403);

    const detail = await callJson<{
      count: number;
      details: Record<string, unknown>;
      reports: Report[];
    }>(`/v1/alerts/${alertId}`, { token: zhoushan.token });
    expect(detail.status).toBe(200);
    expect(detail.body.count).toBe(3);
    expect(detail.body.reports.map((r) => r.description).sort()).toEqual([...descriptions].sort());
    expect(JSON.stringify(detail.body.details)).not.toContain(descriptions[2]);
  });
});
