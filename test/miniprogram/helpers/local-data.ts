// Registry and producer data for a local worker, made through the API as its users would.
// biome-ignore lint/suspicious/noExplicitAny: set-up reads a few fields of answers of many shapes
export type Caller = (method: string, path: string, body?: unknown, token?: string) => Promise<any>;

export function caller(base: string): Caller {
  return async (method, path, body, token) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

export const PRODUCER = { email: "coop@mp.local", password: "producer-password-1" };

/** A released batch with a GTIN and a trace, and its labels; returns what the tests need. */
export async function releasedBatch(call: Caller, admin: { email: string; password: string }) {
  const adminToken = (await call("POST", "/v1/auth/login", admin)).access_token;
  const org = await call(
    "POST",
    "/v1/organizations",
    {
      name: "嵊泗县贻贝专业合作社",
      uscc: "91350100M000100Y43",
      kind: "cooperative",
      region_code: "330922",
    },
    adminToken,
  );
  const gi = await call(
    "POST",
    "/v1/gi-products",
    {
      name_zh: "嵊泗贻贝",
      name_en: "Shengsi mussel",
      category: "seafood",
      protection_type: "agri_product_gi",
      registration_no: "AGI01234",
      holder_name: "嵊泗县贻贝协会",
      protected_region_codes: ["330922"],
    },
    adminToken,
  );
  const auth = await call(
    "POST",
    "/v1/authorizations",
    {
      organization_id: org.id,
      gi_product_id: gi.id,
      valid_from: "2026-01-01",
      valid_until: "2030-12-31",
      annual_label_quota: 100000,
    },
    adminToken,
  );
  const site = await call(
    "POST",
    `/v1/organizations/${org.id}/sites`,
    { name: "嵊泗养殖基地", kind: "farm", lat: 30.72, lng: 122.45, region_code: "330922" },
    adminToken,
  );
  await call(
    "POST",
    "/v1/users",
    { ...PRODUCER, role: "producer", display_name: "合作社", organization_id: org.id },
    adminToken,
  );
  const producer = (await call("POST", "/v1/auth/login", PRODUCER)).access_token;
  const lot = await releasedLot(call, producer, auth.id, site.id, "SSYB-MP-1");
  return { ...lot, producer, authorizationId: auth.id as string, siteId: site.id as string };
}

/** A released batch (GTIN, one trace event, three labels) of the producer's authorization. */
export async function releasedLot(
  call: Caller,
  producer: string,
  authorizationId: string,
  siteId: string,
  lotCode: string,
) {
  const batch = await call(
    "POST",
    "/v1/batches",
    {
      authorization_id: authorizationId,
      site_id: siteId,
      lot_code: lotCode,
      gtin: "06901234567892",
      quantity: 500,
      unit: "kg",
      produced_at: "2026-11-01T04:00:00Z",
    },
    producer,
  );
  await call(
    "POST",
    `/v1/batches/${batch.id}/events`,
    { type: "harvest", occurred_at: "2026-11-01T02:00:00Z", place_name: "嵊泗列岛养殖区" },
    producer,
  );
  await call("POST", `/v1/batches/${batch.id}/release`, undefined, producer);
  const issued = await call("POST", `/v1/batches/${batch.id}/labels`, { count: 3 }, producer);
  return { batchId: batch.id as string, labels: issued.labels as { code: string; url: string }[] };
}
