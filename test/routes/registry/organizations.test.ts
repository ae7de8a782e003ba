import { describe, expect, it } from "vitest";
import { zhoushanArea } from "../../../scripts/demo-data";
import { countRows, createOrganization, createUser, makeUscc } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";

type Org = { id: string; uscc: string; region_code: string; name: string };
type Site = { id: string; within_protected_areas: { gi_product_id: string }[] };

const coop = (uscc: string) => ({
  name: "岱山县衢山岛大黄鱼养殖专业合作社",
  uscc,
  kind: "cooperative",
  region_code: "330922",
});

describe("/v1/organizations", () => {
  it("registers an organization with a valid USCC, normalised to upper case", async () => {
    const admin = await createUser("admin");
    const uscc = makeUscc("330922");
    const { status, body } = await callJson<Org>("/v1/organizations", {
      token: admin.token,
      body: coop(uscc.toLowerCase()),
    });
    expect(status).toBe(201);
    expect(body.uscc).toBe(uscc);
    await expectProblem(
      await call("/v1/organizations", { token: admin.token, body: coop(uscc) }),
      409,
      "conflict",
    );
  });

  it("names the expected check character of a wrong USCC and stores nothing", async () => {
    const admin = await createUser("admin");
    const before = await countRows("organizations");
    const problem = await expectProblem(
      await call("/v1/organizations", { token: admin.token, body: coop("911100001011596836") }),
      400,
      "validation_failed",
    );
    expect(problem.errors?.[0]).toMatchObject({ path: "body.uscc" });
    expect(problem.errors?.[0]?.message).toContain("'X'");
    const letters = await expectProblem(
      await call("/v1/organizations", { token: admin.token, body: coop("91110000I01159683X") }),
      400,
      "validation_failed",
    );
    expect(letters.errors?.[0]?.message).toContain("'I'");
    expect(await countRows("organizations")).toBe(before);
  });

  it("shows regulators their region's organizations and producers only their own (others 404)", async () => {
    const zhoushan = await createOrganization({ regionCode: "330903" });
    const jinan = await createOrganization({ regionCode: "370114" });
    const regulator = await createUser("regulator", { regionCodes: ["330900"] });
    const producer = await createUser("producer", { organizationId: jinan.id });
    const seen = (
      await callJson<{ items: Org[] }>("/v1/organizations?limit=200", { token: regulator.token })
    ).body.items.map((o) => o.id);
    expect(seen).toContain(zhoushan.id);
    expect(seen).not.toContain(jinan.id);
    expect(
      (await call(`/v1/organizations/${zhoushan.id}`, { token: regulator.token })).status,
    ).toBe(200);
    await expectProblem(
      await call(`/v1/organizations/${jinan.id}`, { token: regulator.token }),
      404,
      "not_found",
    );
    const own = (
      await callJson<{ items: Org[] }>("/v1/organizations", { token: producer.token })
    ).body.items.map((o) => o.id);
    expect(own).toEqual([jinan.id]);
    await expectProblem(
      await call(`/v1/organizations/${zhoushan.id}`, { token: producer.token }),
      404,
      "not_found",
    );
    const consumer = await createUser("consumer");
    await expectProblem(
      await call("/v1/organizations", { token: consumer.token }),
      403,
      "forbidden",
    );
  });

  it("lets a producer add sites to its own organization and says which protected areas contain them", async () => {
    const admin = await createUser("admin");
    const area = zhoushanArea;
    const product = await callJson<{ id: string }>("/v1/gi-products", {
      token: admin.token,
      body: {
        name_zh: "测试带鱼",
        category: "seafood",
        protection_type: "collective_mark",
        registration_no: "6100001",
        holder_name: "协会",
        protected_region_codes: ["330900"],
        protected_area: area,
      },
    });
    const org = await createOrganization();
    const producer = await createUser("producer", { organizationId: org.id });
    const inside = await callJson<Site>(`/v1/organizations/${org.id}/sites`, {
      token: producer.token,
      body: {
        name: "沈家门渔港",
        kind: "port",
        lat: 29.9445,
        lng: 122.3027,
        region_code: "330903",
      },
    });
    expect(inside.status).toBe(201);
    expect(inside.body.within_protected_areas.map((p) => p.gi_product_id)).toContain(
      product.body.id,
    );
    const outside = await callJson<Site>(`/v1/organizations/${org.id}/sites`, {
      token: producer.token,
      body: { name: "杭州冷库", kind: "warehouse", lat: 30.27, lng: 120.15, region_code: "330100" },
    });
    expect(outside.body.within_protected_areas.map((p) => p.gi_product_id)).not.toContain(
      product.body.id,
    );
    const list = await callJson<{ items: Site[] }>(`/v1/organizations/${org.id}/sites`, {
      token: producer.token,
    });
    expect(list.body.items).toHaveLength(2);
    const other = await createOrganization();
    await expectProblem(
      await call(`/v1/organizations/${other.id}/sites`, {
        token: producer.token,
        body: { name: "x", kind: "farm", lat: 30, lng: 120, region_code: "330100" },
      }),
      404,
      "not_found",
    );
    await expectProblem(
      await call(`/v1/organizations/${org.id}/sites`, {
        token: producer.token,
        body: { name: "x", kind: "farm", lat: 95, lng: 120, region_code: "330100" },
      }),
      400,
      "validation_failed",
    );
  });
});
