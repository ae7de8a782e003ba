import { describe, expect, it } from "vitest";
import { call } from "../../helpers/http";

const CODE = "1ABCDEFGH0JKMNPQRST1";

describe("GET /v/{code}: the verify page, as a phone opens a label's QR", () => {
  it.each([
    `/V/${CODE}`,
    `/v/${CODE}`,
    `/v/${CODE.toLowerCase()}`,
    `/V/${CODE}/`,
    `/v/${CODE.toLowerCase()}/`,
  ])("serves the page for %s", async (path) => {
    const res = await call(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await res.text()).toContain('src="/assets/verify.js"');
  });

  it("answers 405 with Allow for anything but GET and HEAD", async () => {
    const res = await call(`/V/${CODE}`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });
});
