import { beforeAll, describe, expect, it } from "vitest";
import {
  createBatch,
  createProducerSetup,
  createUser,
  issue,
  type ProducerSetup,
  type TestUser,
} from "../helpers/fixtures";
import { call, callJson } from "../helpers/http";
import { insertAlert } from "../helpers/scans";

/**
 * Route inventory and access matrix (DESIGN section 6). Every operation of /openapi.json must
 * be in EXPECTED and vice versa, so a new route fails here until someone decides who may call it.
 * Checked for each operation: no token → 401 (unless public); each role not listed → 403;
 * for object routes, a producer of another organization and a regulator of another region → 404;
 * each listed role is let through (neither 401 nor 403).
 */
type Role = "consumer" | "producer" | "regulator" | "admin" | "partner";
const ROLES: Role[] = ["consumer", "producer", "regulator", "admin", "partner"];
const STAFF: Role[] = ["producer", "regulator", "admin"];
const ANYONE = "anonymous" as const;
type Allowed = typeof ANYONE | Role[];

const EXPECTED: Record<string, Allowed> = {
  "GET /healthz": ANYONE,
  "GET /readyz": ANYONE,
  "GET /.well-known/jwks.json": ANYONE,
  "GET /.well-known/gs1resolver": ANYONE,
  "POST /v1/auth/login": ANYONE,
  "POST /v1/auth/refresh": ANYONE,
  "POST /v1/auth/wechat": ANYONE,
  "POST /v1/auth/logout": ROLES,
  "GET /v1/me": ROLES,
  "POST /v1/users": ["admin"],
  "GET /v1/users": ["admin"],
  "GET /v1/users/{id}": ["admin"],
  "PATCH /v1/users/{id}": ["admin"],
  "POST /v1/gi-products": ["admin"],
  "GET /v1/gi-products": ANYONE,
  "GET /v1/gi-products/{id}": ANYONE,
  "PATCH /v1/gi-products/{id}": ["admin"],
  "POST /v1/organizations": ["admin"],
  "POST /v1/organizations/import": ["admin"],
  "GET /v1/organizations": STAFF,
  "GET /v1/organizations/{id}": STAFF,
  "PATCH /v1/organizations/{id}": ["admin"],
  "POST /v1/organizations/{id}/sites": ["producer", "admin"],
  "GET /v1/organizations/{id}/sites": STAFF,
  "POST /v1/authorizations": ["admin"],
  "GET /v1/authorizations": STAFF,
  "GET /v1/authorizations/{id}": STAFF,
  // A producer reaches the route (its own authorization is visible) but may not change it.
  "POST /v1/authorizations/{id}/status": ["regulator", "admin"],
  "GET /v1/public/authorizations": ANYONE,
  "POST /v1/batches": ["producer"],
  "GET /v1/batches": STAFF,
  "GET /v1/batches/{id}": STAFF,
  "POST /v1/batches/{id}/release": ["producer"],
  "POST /v1/batches/{id}/recall": STAFF,
  "POST /v1/batches/{id}/events": ["producer"],
  "GET /v1/batches/{id}/events": STAFF,
  "POST /v1/batches/{id}/labels": ["producer"],
  "GET /v1/batches/{id}/labels": STAFF,
  "GET /v1/batches/{id}/labels.pdf": ["producer", "admin"],
  "GET /v1/label-templates": ["producer", "admin"],
  "GET /v1/labels/{code}": STAFF,
  "GET /v1/labels/{code}/qr.svg": STAFF,
  "GET /v1/labels/{code}/qr.png": STAFF,
  "POST /v1/labels/void": STAFF,
  "POST /v1/scans": ANYONE,
  "GET /v1/scans": ["consumer", "producer", "regulator", "admin"],
  "POST /v1/scans/{id}/location": ANYONE,
  "POST /v1/reports": ANYONE,
  "POST /v1/me/subscriptions": ["consumer"],
  "GET /v1/me/notifications": ["consumer"],
  "GET /v1/reports": STAFF,
  "GET /v1/reports/{id}": STAFF,
  "GET /v1/risk-settings": ["admin"],
  "PUT /v1/risk-settings": ["admin"],
  "GET /v1/alerts": STAFF,
  "GET /v1/alerts/{id}": STAFF,
  "POST /v1/alerts/{id}/transition": ["regulator", "admin"],
  "POST /v1/alerts/{id}/notes": ["regulator", "admin"],
  "GET /v1/stats/overview": STAFF,
  "GET /v1/batches/{id}/epcis": STAFF,
  "POST /epcis/capture": ["producer", "partner", "admin"],
  "GET /epcis/capture/{id}": ["producer", "partner", "admin"],
  "GET /epcis/events": ["producer", "partner", "admin"],
  "GET /epcis/events/{eventID}": ["producer", "partner", "admin"],
  "GET /v1/audit": ["admin"],
};

/** Public operations whose 401 answers a bad credential in the body, not a missing token. */
// The credential is in the body (a refresh token, a scan's location token): a made-up one is
// refused whoever calls, so these cannot show a role being let through.
const BODY_CREDENTIAL = new Set(["POST /v1/auth/refresh", "POST /v1/scans/{id}/location"]);

type Fixture = {
  home: ProducerSetup;
  other: ProducerSetup;
  batchId: string;
  draftBatchId: string;
  codes: string[];
  alertId: string;
  reportId: string;
  users: Record<Role, TestUser>;
  otherRegulator: TestUser;
};

/** The concrete path of an operation on the home organization's objects. */
function concretePath(template: string, f: Fixture): string {
  const id = template.startsWith("/v1/alerts")
    ? f.alertId
    : template.startsWith("/v1/reports")
      ? f.reportId
      : template.startsWith("/v1/authorizations")
        ? f.home.authorization.id
        : template.startsWith("/v1/batches/{id}/release")
          ? f.draftBatchId
          : template.startsWith("/v1/batches")
            ? f.batchId
            : template.startsWith("/v1/organizations")
              ? f.home.org.id
              : template.startsWith("/v1/gi-products")
                ? f.home.product.id
                : template.startsWith("/v1/users")
                  ? f.home.producer.id
                  : "";
  if (template.startsWith("/epcis/")) {
    return template
      .replace("{id}", "cap_0000000000000000")
      .replace("{eventID}", encodeURIComponent("ni:///sha-256;00?ver=CBV2.0"));
  }
  return template.replace("{id}", id).replace("{code}", f.codes[0] as string);
}

/** A minimal valid body, so that a handler-level decision is reached and not a 422. */
function bodyFor(key: string, f: Fixture): unknown {
  switch (key) {
    case "POST /v1/auth/logout":
    case "POST /v1/auth/refresh":
      return { refresh_token: "not-a-real-refresh-token" };
    case "POST /v1/authorizations/{id}/status":
      return { status: "suspended", reason: "access matrix check" };
    case "POST /v1/batches/{id}/recall":
      return { reason: "access matrix check" };
    case "POST /v1/me/subscriptions":
      return { topic: "recall" };
    case "POST /v1/batches/{id}/events":
      return { type: "landing", occurred_at: "2026-11-20T06:00:00Z" };
    case "POST /v1/batches/{id}/labels":
      return { count: 1 };
    case "POST /v1/labels/void":
      return { codes: [f.codes[1]], reason: "access matrix check" };
    case "POST /v1/organizations/{id}/sites":
      return { name: "矩阵码头", kind: "port", lat: 29.95, lng: 122.3, region_code: "330903" };
    case "POST /v1/alerts/{id}/transition":
      return { to: "acknowledged", note: "access matrix check" };
    case "POST /v1/alerts/{id}/notes":
      return { note: "access matrix check" };
    case "POST /v1/batches":
      return {
        authorization_id: f.home.authorization.id,
        site_id: f.home.site.id,
        lot_code: `AM-${Date.now().toString(36)}`,
        quantity: 1,
        unit: "kg",
        produced_at: "2026-11-20T04:30:00Z",
      };
    default:
      return key.startsWith("GET ") ? undefined : {};
  }
}

/** Every error status each operation answered in this file, to check against its documentation. */
const answered = new Map<string, Set<number>>();

async function send(key: string, f: Fixture, token?: string) {
  const [method, template] = key.split(" ") as [string, string];
  const response = await call(concretePath(template, f), { method, token, body: bodyFor(key, f) });
  if (response.status >= 400)
    answered.set(key, (answered.get(key) ?? new Set()).add(response.status));
  return response;
}

async function expectStatus(response: Response, status: number, label: string) {
  const text = await response.text();
  expect(response.status, `${label}: ${text.slice(0, 300)}`).toBe(status);
  expect(response.headers.get("Content-Type") ?? "", label).toMatch(/^application\/problem\+json/);
}

type DocumentedOperation = { operationId?: string; tags?: string[]; responses: object };

let operations: string[] = [];
let documented: Record<string, DocumentedOperation> = {};
let f: Fixture;

beforeAll(async () => {
  const doc = (await (await call("/openapi.json")).json()) as {
    paths: Record<string, Record<string, DocumentedOperation>>;
  };
  documented = Object.fromEntries(
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => ["get", "post", "put", "patch", "delete"].includes(m))
        .map(([m, operation]) => [`${m.toUpperCase()} ${path}`, operation]),
    ),
  );
  operations = Object.keys(documented);
  const home = await createProducerSetup();
  const other = await createProducerSetup({ regionCode: "110105" });
  const batchId = await createBatch(home, {}, true);
  const draftBatchId = await createBatch(home);
  const codes = (await issue(home, batchId, 3)).map((l) => l.code);
  const alertId = await insertAlert({
    subjectType: "label",
    subjectId: codes[0],
    labelCode: codes[0],
    batchId,
    authorizationId: home.authorization.id,
    organizationId: home.org.id,
    regionCode: "330903",
    scanRegionCode: "330903",
  });
  const users = {
    consumer: await createUser("consumer"),
    producer: home.producer,
    regulator: await createUser("regulator", { regionCodes: ["330900"] }),
    admin: await createUser("admin"),
    partner: await createUser("partner", { organizationId: home.org.id }),
  };
  const otherRegulator = await createUser("regulator", { regionCodes: ["110000"] });
  const report = await callJson<{ id: string }>("/v1/reports", {
    body: { code: codes[0], description: "access matrix report" },
  });
  f = {
    home,
    other,
    batchId,
    draftBatchId,
    codes,
    alertId,
    reportId: report.body.id,
    users,
    otherRegulator,
  };
});

describe("route inventory", () => {
  it("every operation of /openapi.json is in the expected table, and nothing else", () => {
    expect(operations.length).toBeGreaterThan(40);
    expect([...operations].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("every operation has an operationId and a tag", () => {
    const missing = operations.filter(
      (key) => !documented[key]?.operationId || !documented[key]?.tags?.length,
    );
    expect(missing).toEqual([]);
  });
});

describe("access matrix", () => {
  const keys = Object.keys(EXPECTED);

  it("without a token: 401 on every authenticated operation", async () => {
    for (const key of keys) {
      const response = await send(key, f);
      if (EXPECTED[key] === ANYONE) {
        if (!BODY_CREDENTIAL.has(key)) expect(response.status, key).not.toBe(401);
        await response.body?.cancel();
      } else {
        await expectStatus(response, 401, `${key} anonymous`);
      }
    }
  }, 60_000);

  it("with a role not allowed: 403", async () => {
    for (const key of keys) {
      const allowed = EXPECTED[key] as Allowed;
      if (allowed === ANYONE) continue;
      for (const role of ROLES.filter((r) => !allowed.includes(r))) {
        await expectStatus(await send(key, f, f.users[role].token), 403, `${key} as ${role}`);
      }
    }
  }, 60_000);

  it("another organization's or region's object: 404", async () => {
    for (const key of keys) {
      const allowed = EXPECTED[key] as Allowed;
      if (allowed === ANYONE) continue;
      const objectRoute = key.includes("{") || key === "POST /v1/labels/void";
      if (!objectRoute) continue;
      if (allowed.includes("producer")) {
        await expectStatus(await send(key, f, f.other.producer.token), 404, `${key} other org`);
      }
      if (allowed.includes("regulator")) {
        await expectStatus(await send(key, f, f.otherRegulator.token), 404, `${key} other region`);
      }
    }
  }, 60_000);

  it("each allowed role is let through (neither 401 nor 403)", async () => {
    for (const key of keys) {
      if (key === "POST /v1/auth/logout" || BODY_CREDENTIAL.has(key)) continue;
      const allowed = EXPECTED[key] as Allowed;
      for (const role of allowed === ANYONE ? ROLES : allowed) {
        const response = await send(key, f, f.users[role].token);
        const text = await response.text();
        expect(
          [401, 403],
          `${key} as ${role}: ${response.status} ${text.slice(0, 200)}`,
        ).not.toContain(response.status);
        expect(response.status, `${key} as ${role}`).toBeLessThan(500);
      }
    }
  }, 60_000);
});

describe("documented answers", () => {
  // Runs after the matrix above, on every error status the matrix saw.
  it("every error status an operation answered is documented on it", () => {
    expect(answered.size).toBeGreaterThan(40);
    const undocumented = [...answered].flatMap(([key, statuses]) =>
      [...statuses]
        .filter((status) => !(String(status) in (documented[key]?.responses ?? {})))
        .map((status) => `${key} ${status}`),
    );
    expect(undocumented).toEqual([]);
  });
});

describe("alert ownership", () => {
  it("lets a regulator who sees an alert only through scans read it and add a note, not move it", async () => {
    const alertId = await insertAlert({
      subjectType: "label",
      subjectId: f.codes[2],
      labelCode: f.codes[2],
      organizationId: f.home.org.id,
      regionCode: "330903",
      scanRegionCode: "110105",
    });
    const beijing = f.otherRegulator.token;
    expect((await call(`/v1/alerts/${alertId}`, { token: beijing })).status).toBe(200);
    const note = await call(`/v1/alerts/${alertId}/notes`, {
      token: beijing,
      body: { note: "seen on our market" },
    });
    expect(note.status).toBe(201);
    await expectStatus(
      await call(`/v1/alerts/${alertId}/transition`, {
        token: beijing,
        body: { to: "dismissed", note: "not ours to keep" },
      }),
      403,
      "foreign regulator transition",
    );
  });
});
