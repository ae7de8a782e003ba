// A suspended organization (PATCH /v1/organizations/{id} {"status":"suspended"}, DESIGN section 4)
// creates no batches, issues no labels, its labels scan suspicious (authorization_lapsed) and the
// public lookup shows it and its authorizations as suspended.
import { describe, expect, it } from "vitest";
import { createBatch, createUser } from "../../helpers/fixtures";
import { call, callJson, expectProblem } from "../../helpers/http";
import { releasedLabels, scan } from "../../helpers/scans";

describe("a suspended organization", () => {
  it("creates no batches, issues no labels, scans suspicious and reads suspended publicly", async () => {
    const { setup, batch, codes } = await releasedLabels(1);
    const admin = await createUser("admin");
    const suspended = await call(`/v1/organizations/${setup.org.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { status: "suspended" },
    });
    expect(suspended.status).toBe(200);

    await expect(createBatch(setup)).rejects.toThrow(/422/);
    await expectProblem(
      await call(`/v1/batches/${batch}/labels`, {
        token: setup.producer.token,
        body: { count: 1 },
      }),
      422,
      "unprocessable",
    );

    const answer = (await scan({ code: codes[0] })) as Awaited<ReturnType<typeof scan>> & {
      authorization?: { status: string };
      producer?: { status: string };
    };
    expect(answer.verdict).toBe("suspicious");
    expect(answer.reasons).toContain("authorization_lapsed");
    expect(answer.authorization?.status).toBe("suspended");
    expect(answer.producer?.status).toBe("suspended");

    const lookup = await callJson<{
      organization: { status: string };
      authorizations: { status: string }[];
    }>(`/v1/public/authorizations?uscc=${setup.org.uscc}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.organization.status).toBe("suspended");
    expect(lookup.body.authorizations.map((a) => a.status)).toEqual(["suspended"]);

    // Reinstated, it works again.
    await call(`/v1/organizations/${setup.org.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { status: "active" },
    });
    expect((await scan({ code: codes[0], client_id: "after-reinstatement" })).verdict).not.toBe(
      "suspicious",
    );
    expect(await createBatch(setup)).toMatch(/^bat_/);
  });
});
