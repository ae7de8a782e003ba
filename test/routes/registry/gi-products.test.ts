import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countRows, createUser } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";

type Product = {
  id: string;
  name_zh: string;
  status: string;
  registration_no: string;
  protected_area: unknown;
};
type Page = { items: Product[]; next_cursor: string | null };

const square = (lng: number, lat: number, size = 1) => ({
  type: "Polygon",
  coordinates: [
    [
      [lng, lat],
      [lng + size, lat],
      [lng + size, lat + size],
      [lng, lat + size],
      [lng, lat],
    ],
  ],
});

const hairtail = {
  name_zh: "舟山带鱼",
  name_en: "Zhoushan Hairtail",
  category: "seafood",
  protection_type: "certification_mark",
  registration_no: "5981316",
  holder_name: "舟山市水产流通与加工行业协会",
  protected_region_codes: ["330900"],
  protected_area: square(121.6, 29.5, 1.8),
  shelf_life_days: 365,
  eu_china_agreement: true,
};

async function createProduct(token: string, overrides: Record<string, unknown> = {}) {
  const { status, body } = await callJson<Product>("/v1/gi-products", {
    token,
    body: { ...hairtail, ...overrides },
  });
  if (status !== 201) throw new Error(`create failed ${status} ${JSON.stringify(body)}`);
  return body;
}

describe("/v1/gi-products", () => {
  it("lets an admin register a product that anyone can read", async () => {
    const admin = await createUser("admin");
    const product = await createProduct(admin.token);
    expect(product.id).toMatch(/^gi_/);
    const { status, body } = await callJson<Product>(`/v1/gi-products/${product.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name_zh: "舟山带鱼",
      status: "active",
      protected_area: hairtail.protected_area,
    });
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ?")
      .bind(product.id)
      .first();
    expect(audit).toEqual({ action: "gi_product.create" });
  });

  it("checks registration numbers per protection type and rejects duplicates per type", async () => {
    const admin = await createUser("admin");
    const before = await countRows("gi_products");
    for (const [type, number] of [
      ["certification_mark", "AGI01234"],
      ["agri_product_gi", "12345678"],
      ["gi_product", "171"],
    ]) {
      const problem = await expectProblem(
        await call("/v1/gi-products", {
          token: admin.token,
          body: { ...hairtail, protection_type: type, registration_no: number },
        }),
        400,
        "validation_failed",
      );
      expect(problem.errors?.[0]?.path).toBe("body.registration_no");
      expect(problem.errors?.[0]?.message).toContain("expected");
    }
    expect(await countRows("gi_products")).toBe(before);
    await createProduct(admin.token, { registration_no: "7000001" });
    await expectProblem(
      await call("/v1/gi-products", {
        token: admin.token,
        body: { ...hairtail, registration_no: "7000001" },
      }),
      409,
      "conflict",
    );
    // The same number under another protection type is another registration.
    await createProduct(admin.token, {
      registration_no: "7000001",
      protection_type: "collective_mark",
    });
    await createProduct(admin.token, {
      registration_no: "agi00077",
      protection_type: "agri_product_gi",
    });
    await createProduct(admin.token, {
      registration_no: "2005年第171号",
      protection_type: "gi_product",
    });
  });

  it("rejects unknown region codes and invalid protected areas", async () => {
    const admin = await createUser("admin");
    const open = {
      type: "Polygon",
      coordinates: [
        [
          [121, 29],
          [122, 29],
          [122, 30],
          [121, 30],
        ],
      ],
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ protected_region_codes: ["330999"] }, "body.protected_region_codes.0"],
      [{ protected_area: open }, "body.protected_area"],
      [{ protected_area: { type: "Point", coordinates: [121, 29] } }, "body.protected_area"],
      [{ protected_area: square(200, 29) }, "body.protected_area"],
    ];
    for (const [overrides, path] of cases) {
      const problem = await expectProblem(
        await call("/v1/gi-products", {
          token: admin.token,
          body: { ...hairtail, registration_no: "8000001", ...overrides },
        }),
        400,
        "validation_failed",
      );
      expect(
        problem.errors?.some((e) => e.path.startsWith(path)),
        JSON.stringify(problem.errors),
      ).toBe(true);
    }
  });

  it("filters by name, category, region (by prefix, both ways) and EU agreement", async () => {
    const admin = await createUser("admin");
    await createProduct(admin.token, {
      registration_no: "9100001",
      name_zh: "测试带鱼甲",
      protected_region_codes: ["330903"],
    });
    await createProduct(admin.token, {
      registration_no: "9100002",
      name_zh: "测试大葱乙",
      name_en: "Test Scallion",
      category: "produce",
      protected_region_codes: ["370114"],
      eu_china_agreement: false,
      protected_area: null,
    });
    const names = async (query: string) =>
      (await callJson<Page>(`/v1/gi-products?${query}`)).body.items.map((p) => p.name_zh);
    expect(await names("q=测试")).toEqual(expect.arrayContaining(["测试带鱼甲", "测试大葱乙"]));
    expect(await names("q=scallion")).toEqual(["测试大葱乙"]);
    expect(await names("q=测试&category=produce")).toEqual(["测试大葱乙"]);
    expect(await names("q=测试&region_code=330000")).toEqual(["测试带鱼甲"]);
    expect(await names("q=测试&region_code=330900")).toEqual(["测试带鱼甲"]);
    expect(await names("q=测试&region_code=370100")).toEqual(["测试大葱乙"]);
    expect(await names("q=测试&region_code=440000")).toEqual([]);
    expect(await names("q=测试&eu_china_agreement=false")).toEqual(["测试大葱乙"]);
    expect(await names("q=%25")).toEqual([]);
  });

  it("changes status only with a reason, and only admins write", async () => {
    const admin = await createUser("admin");
    const product = await createProduct(admin.token, { registration_no: "9200001" });
    await expectProblem(
      await call(`/v1/gi-products/${product.id}`, {
        method: "PATCH",
        token: admin.token,
        body: { status: "suspended" },
      }),
      400,
      "validation_failed",
    );
    const { body } = await callJson<Product>(`/v1/gi-products/${product.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { status: "suspended", status_reason: "质量抽检不合格" },
    });
    expect(body.status).toBe("suspended");
    const regulator = await createUser("regulator", { regionCodes: ["330900"] });
    await expectProblem(
      await call(`/v1/gi-products/${product.id}`, {
        method: "PATCH",
        token: regulator.token,
        body: { name_zh: "x" },
      }),
      403,
      "forbidden",
    );
    await expectProblem(await call("/v1/gi-products", { body: hairtail }), 401, "unauthorized");
    await expectProblem(await call("/v1/gi-products/gi_missing000000000"), 404, "not_found");
  });
});
