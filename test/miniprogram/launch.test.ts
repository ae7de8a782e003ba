import { describe, expect, it } from "vitest";
import type * as Launch from "../../miniprogram/lib/launch";
import { mpModule } from "./helpers/build";

const { parseLabelText, parseLaunchQuery } = mpModule<typeof Launch>("lib/launch");
const HOSTS = ["gi-trace.example.cn", "localhost:8787"];
const CODE = "1ABCDEFGHJKMNPQRSTVWX";

describe("parseLaunchQuery (扫普通链接二维码打开小程序)", () => {
  it("decodes the short label URL WeChat passes in q", () => {
    const q = encodeURIComponent(`HTTPS://GI-TRACE.EXAMPLE.CN/V/${CODE}`);
    expect(parseLaunchQuery({ q, scancode_time: "1764600000" }, HOSTS)).toEqual({
      kind: "code",
      code: CODE,
    });
  });

  it("accepts a q encoded twice and a lower-case path", () => {
    const q = encodeURIComponent(
      encodeURIComponent(`https://gi-trace.example.cn/v/${CODE.toLowerCase()}`),
    );
    expect(parseLaunchQuery({ q }, HOSTS)).toEqual({ kind: "code", code: CODE });
  });

  it("passes a GS1 Digital Link on to the server as a URL", () => {
    const url = `https://gi-trace.example.cn/01/06901234567892/10/LOT%2F7/21/${CODE}`;
    expect(parseLaunchQuery({ q: encodeURIComponent(url) }, HOSTS)).toEqual({
      kind: "digital_link",
      url,
    });
  });

  it("takes code= and url= from our own navigation", () => {
    expect(parseLaunchQuery({ code: CODE }, HOSTS)).toEqual({ kind: "code", code: CODE });
    const url = `http://localhost:8787/01/06901234567892/10/A1/21/${CODE}`;
    expect(parseLaunchQuery({ url: encodeURIComponent(url) }, HOSTS)).toEqual({
      kind: "digital_link",
      url,
    });
  });

  it("is null without any of q, code and url", () => {
    expect(parseLaunchQuery({}, HOSTS)).toBeNull();
    expect(parseLaunchQuery({ q: "" }, HOSTS)).toBeNull();
  });

  it.each([
    ["another host", `https://evil.example.com/v/${CODE}`],
    ["a look-alike host", `https://gi-trace.example.cn.evil.com/v/${CODE}`],
    ["a wrong path", `https://gi-trace.example.cn/x/${CODE}`],
    ["a short code", "https://gi-trace.example.cn/v/ABC"],
    ["a Digital Link without serial", "https://gi-trace.example.cn/01/06901234567892/10/A1"],
    ["a Digital Link with a bad GTIN", `https://gi-trace.example.cn/01/123/10/A1/21/${CODE}`],
    ["plain text", "hello"],
    ["broken percent-encoding", "https%3A%2F%2Fgi-trace.example.cn%2Fv%2F%E0%A4%A"],
  ])("answers not_ours for %s", (_, text) => {
    expect(parseLaunchQuery({ q: encodeURIComponent(text) }, HOSTS)?.kind).toBe("not_ours");
  });
});

describe("parseLabelText (wx.scanCode)", () => {
  it("reads a bare printed code with hyphens", () => {
    expect(parseLabelText("1abcd-efgh-jkmn-pqrs-tvwx", HOSTS)).toEqual({
      kind: "code",
      code: CODE,
    });
  });

  it("reads the 20-character codes issued now, grouped in fours, and the short URL with one", () => {
    expect(parseLabelText("1abc-defg-hjkm-npqr-stvw", HOSTS)).toEqual({
      kind: "code",
      code: "1ABCDEFGHJKMNPQRSTVW",
    });
    expect(parseLabelText("HTTPS://GI-TRACE.EXAMPLE.CN/V/1ABCDEFGHJKMNPQRSTVW", HOSTS)).toEqual({
      kind: "code",
      code: "1ABCDEFGHJKMNPQRSTVW",
    });
  });

  it("refuses over-long input", () => {
    expect(parseLabelText(`https://gi-trace.example.cn/v/${"A".repeat(3000)}`, HOSTS).kind).toBe(
      "not_ours",
    );
  });
});
