import { describe, expect, it } from "vitest";
import { attachmentDisposition } from "../../../src/lib/exports/attachment";

describe("attachmentDisposition", () => {
  it("gives a Chinese name as RFC 5987 filename* beside the ASCII fallback", () => {
    expect(attachmentDisposition("舟山带鱼-LOT-1.csv", "labels-LOT-1.csv")).toBe(
      "attachment; filename=\"labels-LOT-1.csv\"; filename*=UTF-8''%E8%88%9F%E5%B1%B1%E5%B8%A6%E9%B1%BC-LOT-1.csv",
    );
  });

  it("keeps quotes, backslashes and non-ASCII out of the fallback", () => {
    expect(attachmentDisposition('a"b\\c 扫码.csv')).toBe(
      "attachment; filename=\"a_b_c __.csv\"; filename*=UTF-8''a%22b%5Cc%20%E6%89%AB%E7%A0%81.csv",
    );
  });

  it("percent-encodes the characters RFC 5987 does not allow bare", () => {
    expect(attachmentDisposition("it's (1)*.csv")).toContain(
      "filename*=UTF-8''it%27s%20%281%29%2A.csv",
    );
  });
});
