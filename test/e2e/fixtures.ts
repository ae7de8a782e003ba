// Registry and producer data on a local worker (wrangler dev), made through the API as an
// administrator and a producer would. Every call registers its own organization, products and
// accounts (a fresh USCC, registration number and e-mail), so test files can share one server.
import { existsSync, readFileSync } from "node:fs";
import { inject } from "vitest";
import { makeUscc } from "../helpers/uscc.ts";

export type Credentials = { email: string; password: string };

declare module "vitest" {
  export interface ProvidedContext {
    localServer: { file: string; admin: Credentials };
  }
}

export type SharedServer = { base: string; admin: Credentials };

/** The `wrangler dev` that test/e2e/global-setup.ts starts for this run, once it answers. */
export async function sharedServer(timeoutMs = 170_000): Promise<SharedServer> {
  const { file, admin } = inject("localServer");
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error("the shared wrangler dev did not start in time");
    await new Promise((r) => setTimeout(r, 250));
  }
  const started = JSON.parse(readFileSync(file, "utf8")) as { base?: string; error?: string };
  if (!started.base) throw new Error(`the shared wrangler dev did not start: ${started.error}`);
  return { base: started.base, admin };
}

// biome-ignore lint/suspicious/noExplicitAny: set-up reads a few fields of answers of many shapes
export type Caller = (method: string, path: string, body?: unknown, token?: string) => Promise<any>;

/** JSON calls to `base`; a non-2xx answer throws with its body. `headers` go on every call. */
export function caller(base: string, headers: Record<string, string> = {}): Caller {
  return async (method, path, body, token) => {
    const all: Record<string, string> = { "content-type": "application/json", ...headers };
    if (token) all.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

export const tokenOf = async (call: Caller, user: Credentials): Promise<string> =>
  (await call("POST", "/v1/auth/login", user)).access_token;

const unique = () => crypto.randomUUID().replaceAll("-", "").slice(0, 10);

const digits = (n: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b % 10).join("");

/** A registration number of the product's protection type that no other product has. */
function registrationNo(protectionType: string): string {
  return protectionType === "agri_product_gi" ? `AGI${digits(5)}` : `6${digits(8)}`;
}

export type ProductSpec = {
  name_zh: string;
  name_en?: string;
  category: string;
  protection_type: string;
  holder_name: string;
  protected_region_codes: string[];
};
export type SiteSpec = {
  name: string;
  kind: string;
  lat: number;
  lng: number;
  region_code: string;
};
export type ProducerSpec = {
  organization: { name: string; region_code: string };
  products: ProductSpec[];
  sites: SiteSpec[];
  annualLabelQuota?: number;
  /** Also registers a regulator covering these regions. */
  regulatorRegions?: string[];
};

/** The Shengsi mussel cooperative of the console, verify-page and mini-program tests. */
export const SHENGSI_MUSSEL: ProducerSpec = {
  organization: { name: "嵊泗县贻贝专业合作社", region_code: "330922" },
  products: [
    {
      name_zh: "嵊泗贻贝",
      name_en: "Shengsi mussel",
      category: "seafood",
      protection_type: "agri_product_gi",
      holder_name: "嵊泗县贻贝协会",
      protected_region_codes: ["330922"],
    },
  ],
  sites: [{ name: "嵊泗养殖基地", kind: "farm", lat: 30.72, lng: 122.45, region_code: "330922" }],
  annualLabelQuota: 100000,
};

const PASSWORD = "e2e-password-1";

/**
 * Registers an organization with its products, one authorization per product, its sites and a
 * producer account (and a regulator when asked); returns their ids, the accounts and tokens.
 */
export async function registerProducer(call: Caller, admin: Credentials, spec: ProducerSpec) {
  const adminToken = await tokenOf(call, admin);
  const tag = unique();
  const org = await call(
    "POST",
    "/v1/organizations",
    {
      name: spec.organization.name,
      uscc: makeUscc(spec.organization.region_code),
      kind: "cooperative",
      region_code: spec.organization.region_code,
    },
    adminToken,
  );
  const products: { id: string }[] = [];
  for (const product of spec.products) {
    products.push(
      await call(
        "POST",
        "/v1/gi-products",
        { ...product, registration_no: registrationNo(product.protection_type) },
        adminToken,
      ),
    );
  }
  const authorizations: { id: string }[] = [];
  for (const product of products) {
    authorizations.push(
      await call(
        "POST",
        "/v1/authorizations",
        {
          organization_id: org.id,
          gi_product_id: product.id,
          valid_from: "2026-01-01",
          valid_until: "2030-12-31",
          annual_label_quota: spec.annualLabelQuota ?? 1000,
        },
        adminToken,
      ),
    );
  }
  const sites: { id: string }[] = [];
  for (const site of spec.sites) {
    sites.push(await call("POST", `/v1/organizations/${org.id}/sites`, site, adminToken));
  }
  const producer: Credentials = { email: `coop-${tag}@e2e.local`, password: PASSWORD };
  await call(
    "POST",
    "/v1/users",
    { ...producer, role: "producer", display_name: "合作社", organization_id: org.id },
    adminToken,
  );
  let regulator: Credentials | undefined;
  if (spec.regulatorRegions) {
    regulator = { email: `reg-${tag}@e2e.local`, password: PASSWORD };
    await call(
      "POST",
      "/v1/users",
      {
        ...regulator,
        role: "regulator",
        display_name: "嵊泗监管",
        region_codes: spec.regulatorRegions,
      },
      adminToken,
    );
  }
  return {
    adminToken,
    organizationId: org.id as string,
    productIds: products.map((p) => p.id),
    authorizationIds: authorizations.map((a) => a.id),
    siteIds: sites.map((s) => s.id),
    producer,
    producerToken: await tokenOf(call, producer),
    regulator,
  };
}

export type BatchSpec = {
  authorizationId: string;
  siteId: string;
  lotCode: string;
  gtin?: string;
  quantity?: number;
  producedAt?: string;
  /** A trace event recorded before the release. */
  event?: Record<string, unknown>;
  labels: number;
};

/** A released batch of the producer's, with the labels it was issued. */
export async function releasedBatch(call: Caller, producerToken: string, spec: BatchSpec) {
  const batch = await call(
    "POST",
    "/v1/batches",
    {
      authorization_id: spec.authorizationId,
      site_id: spec.siteId,
      lot_code: spec.lotCode,
      quantity: spec.quantity ?? 500,
      unit: "kg",
      produced_at: spec.producedAt ?? "2026-11-01T04:00:00Z",
      ...(spec.gtin ? { gtin: spec.gtin } : {}),
    },
    producerToken,
  );
  if (spec.event) await call("POST", `/v1/batches/${batch.id}/events`, spec.event, producerToken);
  await call("POST", `/v1/batches/${batch.id}/release`, undefined, producerToken);
  const issued = await call(
    "POST",
    `/v1/batches/${batch.id}/labels`,
    { count: spec.labels },
    producerToken,
  );
  return { batchId: batch.id as string, labels: issued.labels as { code: string; url: string }[] };
}
