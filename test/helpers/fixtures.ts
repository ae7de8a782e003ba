import { env } from "cloudflare:workers";
import { zhoushanArea } from "../../scripts/demo-data";
import { getDb } from "../../src/db/client";
import {
  authorizations,
  giProducts,
  organizations,
  type Role,
  sites,
  users,
} from "../../src/db/schema";
import { newId } from "../../src/lib/ids";
import { hashPassword } from "../../src/lib/password";
import { call, callJson } from "./http";
import { makeUscc } from "./uscc";

export const TEST_PASSWORD = "test-password-123";
let passwordHash: Promise<string> | undefined;

export const db = () => getDb(env.DB);

export { makeUscc };

export async function createOrganization(
  overrides: Partial<typeof organizations.$inferInsert> = {},
) {
  const values = {
    id: newId("org"),
    name: "测试渔业专业合作社",
    uscc: makeUscc(overrides.regionCode ?? "330903"),
    kind: "cooperative" as const,
    regionCode: "330903",
    ...overrides,
  };
  await db().insert(organizations).values(values);
  return values;
}

export type TestUser = {
  id: string;
  email: string;
  role: Role;
  token: string;
  refreshToken: string;
};

/** Inserts an account with TEST_PASSWORD and signs it in through the API. */
export async function createUser(
  role: Role,
  options: { organizationId?: string; regionCodes?: string[]; email?: string } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = options.email ?? `${role}-${crypto.randomUUID().slice(0, 8)}@test.local`;
  const id = newId("usr");
  await db()
    .insert(users)
    .values({
      id,
      email,
      passwordHash: await passwordHash,
      role,
      displayName: `Test ${role}`,
      organizationId: options.organizationId ?? null,
      regionCodes: options.regionCodes ?? [],
    });
  const { status, body } = await callJson<{ access_token: string; refresh_token: string }>(
    "/v1/auth/login",
    { body: { email, password: TEST_PASSWORD } },
  );
  if (status !== 200) throw new Error(`sign-in of ${email} failed: ${status}`);
  return { id, email, role, token: body.access_token, refreshToken: body.refresh_token };
}

export async function countRows(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? 0;
}

export async function createGiProduct(overrides: Partial<typeof giProducts.$inferInsert> = {}) {
  const values = {
    id: newId("gi"),
    nameZh: "舟山带鱼",
    nameEn: "Zhoushan Hairtail",
    category: "seafood" as const,
    protectionType: "certification_mark" as const,
    registrationNo: String(1_000_000 + Math.floor(Math.random() * 8_000_000)),
    holderName: "舟山市水产流通与加工行业协会",
    protectedRegionCodes: ["330900"],
    protectedArea: zhoushanArea,
    shelfLifeDays: 365,
    ...overrides,
  };
  await db().insert(giProducts).values(values);
  return values;
}

/** A producer with a site inside the Zhoushan demo area and an active authorization. */
export async function createProducerSetup(
  options: { quota?: number | null; regionCode?: string } = {},
) {
  const org = await createOrganization({ regionCode: options.regionCode ?? "330903" });
  const product = await createGiProduct();
  const site = {
    id: newId("site"),
    organizationId: org.id,
    name: "沈家门渔港",
    kind: "port" as const,
    lat: 29.9445,
    lng: 122.3027,
    regionCode: "330903",
  };
  const outsideSite = {
    id: newId("site"),
    organizationId: org.id,
    name: "杭州冷库",
    kind: "warehouse" as const,
    lat: 30.27,
    lng: 120.15,
    regionCode: "330100",
  };
  await db().insert(sites).values([site, outsideSite]);
  const authorization = {
    id: newId("auth"),
    number: `GIA-2026-${crypto.randomUUID().slice(0, 6).toUpperCase()}`,
    organizationId: org.id,
    giProductId: product.id,
    validFrom: "2026-01-01",
    validUntil: "2030-12-31",
    annualLabelQuota: options.quota === undefined ? null : options.quota,
  };
  await db().insert(authorizations).values(authorization);
  const producer = await createUser("producer", { organizationId: org.id });
  return { org, product, site, outsideSite, authorization, producer };
}

export type ProducerSetup = Awaited<ReturnType<typeof createProducerSetup>>;

let lotCounter = 0;

/** Creates a batch through the API (optionally released) and returns its id. */
export async function createBatch(
  setup: ProducerSetup,
  overrides: Record<string, unknown> = {},
  release = false,
): Promise<string> {
  lotCounter += 1;
  const { status, body } = await callJson<{ id: string }>("/v1/batches", {
    token: setup.producer.token,
    body: {
      authorization_id: setup.authorization.id,
      site_id: setup.site.id,
      lot_code: `LOT-${Date.now().toString(36)}-${lotCounter}`,
      quantity: 500,
      unit: "kg",
      produced_at: "2026-11-20T04:30:00Z",
      ...overrides,
    },
  });
  if (status !== 201) throw new Error(`batch create failed: ${status} ${JSON.stringify(body)}`);
  if (release) {
    const released = await callJson(`/v1/batches/${body.id}/release`, {
      method: "POST",
      token: setup.producer.token,
    });
    if (released.status !== 200) throw new Error(`release failed: ${released.status}`);
  }
  return body.id;
}

/** The producer's request for `count` labels of the batch, answered whatever it is. */
export function askLabels(setup: ProducerSetup, batchId: string, count: number) {
  return call(`/v1/batches/${batchId}/labels`, { token: setup.producer.token, body: { count } });
}

export async function issue(setup: ProducerSetup, batchId: string, count: number) {
  const { status, body } = await callJson<{
    issued: number;
    labels: { code: string; url: string }[];
  }>(`/v1/batches/${batchId}/labels`, { token: setup.producer.token, body: { count } });
  if (status !== 201) throw new Error(`issue failed: ${status} ${JSON.stringify(body)}`);
  return body.labels;
}
