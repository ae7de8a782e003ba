import { describe, expect, it } from "vitest";
import { LABEL_CODE_LENGTH } from "../../src/lib/label-code";
import { labelOrigin, labelUrl } from "../../src/lib/label-links";

const CODE = "1ABCDEFGH0JKMNPQRST1";

describe("labelOrigin", () => {
  it("prints PUBLIC_HOST over https in production, whatever host was asked", () => {
    const production = { ENVIRONMENT: "production", PUBLIC_HOST: "gi.example.cn" };
    expect(labelOrigin(production, "http://127.0.0.1:8787/v1/batches/x/labels")).toBe(
      "https://gi.example.cn",
    );
    expect(labelOrigin({ ...production, PUBLIC_HOST: "https://gi.example.cn/" }, "http://a/")).toBe(
      "https://gi.example.cn",
    );
  });

  it("prints the origin the server is reached on anywhere else, port included", () => {
    const local = { ENVIRONMENT: "development", PUBLIC_HOST: "localhost:8787" };
    expect(labelOrigin(local, "http://localhost:8811/v1/batches/x/labels.pdf")).toBe(
      "http://localhost:8811",
    );
    expect(labelOrigin(local, "http://192.168.1.20:8787/v1/x")).toBe("http://192.168.1.20:8787");
  });
});

describe("labelUrl", () => {
  it("writes the short URL in upper case with the origin's scheme and port", () => {
    expect(labelUrl("http://localhost:8811", { gtin: null, lotCode: "L1" }, CODE)).toBe(
      `HTTP://LOCALHOST:8811/V/${CODE}`,
    );
    expect(labelUrl("https://gi.example.cn", { gtin: null, lotCode: "L1" }, CODE)).toBe(
      `HTTPS://GI.EXAMPLE.CN/V/${CODE}`,
    );
  });

  it("writes a Digital Link whose serial is the code, at most 20 characters", () => {
    const url = labelUrl("http://localhost:8811", { gtin: "4006381333931", lotCode: "L1" }, CODE);
    expect(url).toBe(`http://localhost:8811/01/04006381333931/10/L1/21/${CODE}`);
    expect(CODE).toHaveLength(LABEL_CODE_LENGTH);
    expect(LABEL_CODE_LENGTH).toBeLessThanOrEqual(20);
  });
});
