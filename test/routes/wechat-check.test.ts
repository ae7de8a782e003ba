import { describe, expect, it } from "vitest";
import { checkFileName } from "../../src/routes/wechat-check";
import { call, expectProblem } from "../helpers/http";

// test/test-bindings.ts sets WECHAT_QR_CHECK_FILE=AbCd1234Ef and its content.
describe("GET /<name>.txt (the plain-link QR rule's check file)", () => {
  it("serves the configured file with its exact content", async () => {
    const res = await call("/AbCd1234Ef.txt");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("4f1c8a7b2d9e6f03");
  });

  it("answers HEAD too", async () => {
    expect((await call("/AbCd1234Ef.txt", { method: "HEAD" })).status).toBe(200);
  });

  it.each(["/abcd1234ef.txt", "/other.txt", "/AbCd1234Ef.txt.txt", "/v1/AbCd1234Ef.txt"])(
    "answers 404 for %s",
    async (path) => {
      await expectProblem(await call(path), 404, "not_found");
    },
  );

  it("refuses other methods", async () => {
    await expectProblem(
      await call("/AbCd1234Ef.txt", { method: "POST", body: "x" }),
      405,
      "method_not_allowed",
    );
  });

  it("takes the name with or without .txt and refuses names that are not WeChat's", () => {
    expect(checkFileName("AbCd1234Ef.txt")).toBe("AbCd1234Ef.txt");
    expect(checkFileName(" AbCd1234Ef ")).toBe("AbCd1234Ef.txt");
    expect(checkFileName("../etc/passwd")).toBeNull();
    expect(checkFileName("")).toBeNull();
    expect(checkFileName(undefined)).toBeNull();
  });
});
