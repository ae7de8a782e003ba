import { describe, expect, it } from "vitest";
import { MAX_USEFUL_ACCURACY_M } from "../../src/lib/client-context";
import { ipPosition, locateScan } from "../../src/lib/scan-locate";

const shenjiamen = { lat: 29.9445, lng: 122.3027 };
const jinanIp = { latitude: "36.6512", longitude: "117.1201" };

describe("locateScan", () => {
  it("takes the device's position, rounded to ~1 km, with its prefecture", () => {
    expect(locateScan({ ...shenjiamen, accuracy_m: 30 }, jinanIp)).toEqual({
      lat: 29.94,
      lng: 122.3,
      source: "gps",
      regionCode: "330900",
    });
  });

  it("falls back to the IP's position when the device's is too coarse to place a scan", () => {
    const located = locateScan({ ...shenjiamen, accuracy_m: MAX_USEFUL_ACCURACY_M + 1 }, jinanIp);
    expect(located).toEqual({ lat: 36.65, lng: 117.12, source: "ip", regionCode: "370100" });
  });

  it("takes a device position without an accuracy as precise", () => {
    expect(locateScan(shenjiamen, undefined).source).toBe("gps");
  });

  it("has no location when neither the device nor the IP gives one", () => {
    expect(locateScan({}, undefined)).toEqual({
      lat: null,
      lng: null,
      source: "none",
      regionCode: null,
    });
    expect(locateScan({ lat: 30 }, { latitude: "", longitude: "120" }).source).toBe("none");
  });
});

describe("ipPosition", () => {
  it("refuses what is not a number", () => {
    expect(ipPosition({ latitude: "north", longitude: "117" })).toBeNull();
    expect(ipPosition(undefined)).toBeNull();
  });
});
