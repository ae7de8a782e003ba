import { describe, expect, it } from "vitest";
import {
  countRows,
  createGiProduct,
  createOrganization,
  createUser,
  makeUscc,
} from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";

type Report = {
  dry_run: boolean;
  organizations_created: number;
  authorizations_created: number;
  rows: {
    row: number;
    status: string;
    organization_id: string | null;
    authorization_id: string | null;
    errors: { field: string; message: string }[];
  }[];
};

const HEADER =
  "name,uscc,kind,region_code,contact_phone,gi_product_id,valid_from,valid_until,annual_label_quota";

const upload = (token: string, csv: string, dryRun = false) =>
  call(`/v1/organizations/import${dryRun ? "?dry_run=true" : ""}`, {
    token,
    body: csv,
    headers: { "Content-Type": "text/csv; charset=utf-8" },
  });

describe("POST /v1/organizations/import", () => {
  it("imports organizations with authorizations, reusing a USCC already registered", async () => {
    const admin = await createUser("admin");
    const product = await createGiProduct();
    const existing = await createOrganization();
    const a = makeUscc("330902");
    const csv = [
      HEADER,
      `定海渔业合作社,${a},cooperative,330902,0580-1234567,${product.id},2026-01-01,2026-12-31,1000`,
      `"普陀水产有限公司, 沈家门",${existing.uscc},enterprise,330903,,${product.id},2026-01-01,2026-12-31,`,
      `定海渔业合作社,${a.toLowerCase()},cooperative,330902,,,,,`,
    ].join("\n");
    const { status, body } = await callJson<Report>("/v1/organizations/import", {
      token: admin.token,
      body: `\uFEFF${csv}`,
      headers: { "Content-Type": "text/csv" },
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      dry_run: false,
      organizations_created: 1,
      authorizations_created: 2,
    });
    expect(body.rows.map((r) => r.status)).toEqual(["created", "existing", "existing"]);
    expect(body.rows[1]?.organization_id).toBe(existing.id);
    expect(body.rows[2]?.organization_id).toBe(body.rows[0]?.organization_id);
    const lookup = await callJson<{ authorizations: unknown[] }>(
      `/v1/public/authorizations?uscc=${a}`,
    );
    expect(lookup.body.authorizations).toHaveLength(1);
  });

  it("writes nothing and reports every bad row when any row is invalid", async () => {
    const admin = await createUser("admin");
    const product = await createGiProduct();
    const before = [
      await countRows("organizations"),
      await countRows("authorizations"),
      await countRows("audit_log"),
    ];
    const csv = [
      HEADER,
      `好合作社,${makeUscc()},cooperative,330903,,${product.id},2026-01-01,2026-12-31,`,
      "坏合作社,911100001011596836,cooperative,330903,,,,,",
      `无区划,${makeUscc()},cooperative,999999,,,,,`,
      `缺日期,${makeUscc()},cooperative,330903,,${product.id},2026-01-01,,`,
      `无产品,${makeUscc()},cooperative,330903,,gi_missing,2026-01-01,2026-12-31,`,
    ].join("\n");
    const problem = await expectProblem(await upload(admin.token, csv), 422, "unprocessable");
    const report = problem.report as Report;
    expect(report.rows.map((r) => r.status)).toEqual([
      "created",
      "invalid",
      "invalid",
      "invalid",
      "invalid",
    ]);
    expect(report.rows[1]?.errors[0]).toMatchObject({ field: "uscc" });
    expect(report.rows[1]?.errors[0]?.message).toContain("'X'");
    expect(report.rows[2]?.errors[0]?.field).toBe("region_code");
    expect(report.rows[3]?.errors[0]?.field).toBe("valid_until");
    expect(report.rows[4]?.errors[0]?.field).toBe("gi_product_id");
    expect([
      await countRows("organizations"),
      await countRows("authorizations"),
      await countRows("audit_log"),
    ]).toEqual(before);
  });

  it("reports without writing on dry_run, and refuses overlapping periods within the file", async () => {
    const admin = await createUser("admin");
    const product = await createGiProduct();
    const uscc = makeUscc();
    const ok = `${HEADER}\n甲,${uscc},cooperative,330903,,${product.id},2026-01-01,2026-12-31,`;
    const before = await countRows("organizations");
    const dry = await callJson<Report>("/v1/organizations/import?dry_run=true", {
      token: admin.token,
      body: ok,
      headers: { "Content-Type": "text/csv" },
    });
    expect(dry.body).toMatchObject({
      dry_run: true,
      organizations_created: 1,
      authorizations_created: 1,
    });
    expect(await countRows("organizations")).toBe(before);
    const overlapping = `${ok}\n甲,${uscc},cooperative,330903,,${product.id},2026-06-01,2027-05-31,`;
    const problem = await expectProblem(
      await upload(admin.token, overlapping),
      422,
      "unprocessable",
    );
    expect((problem.report as Report).rows[1]?.errors[0]?.message).toContain("overlaps");
  });

  it("refuses files without the required columns, other content types and non-admins", async () => {
    const admin = await createUser("admin");
    await expectProblem(
      await upload(admin.token, "name,kind\n甲,cooperative"),
      400,
      "validation_failed",
    );
    await expectProblem(await upload(admin.token, HEADER), 400, "validation_failed");
    await expectProblem(
      await call("/v1/organizations/import", { token: admin.token, body: { rows: [] } }),
      415,
      "unsupported_media_type",
    );
    const regulator = await createUser("regulator", { regionCodes: ["330900"] });
    await expectProblem(await upload(regulator.token, HEADER), 403, "forbidden");
  });

  it("imports a thousand rows in one request", async () => {
    const admin = await createUser("admin");
    const lines = [HEADER];
    for (let i = 0; i < 1000; i++) lines.push(`合作社${i},${makeUscc()},cooperative,330903,,,,,`);
    const { status, body } = await callJson<Report>("/v1/organizations/import", {
      token: admin.token,
      body: lines.join("\n"),
      headers: { "Content-Type": "text/csv" },
    });
    expect(status).toBe(200);
    expect(body.organizations_created).toBe(1000);
  });
});
