import fc from "fast-check";
import type { Polygon, Position } from "geojson";
import { describe, expect, it } from "vitest";
import {
  distanceKm,
  isValidLatLng,
  MAX_AREA_POSITIONS,
  pointInArea,
  prefectureAt,
  prefectureOutline,
  roundToKilometre,
  validateProtectedArea,
} from "../../src/lib/geo";
import { isRegionCode } from "../../src/lib/regions";

const square = (w: number, s: number, e: number, n: number): Position[] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];

// Zhoushan-ish fishing area with a hole (a harbour excluded from it).
const withHole: Polygon = {
  type: "Polygon",
  coordinates: [square(122, 29.8, 122.5, 30.2), square(122.2, 29.9, 122.3, 30)],
};

const errorsOf = (input: unknown) => {
  const result = validateProtectedArea(input);
  if (result.ok) throw new Error("expected the area to be refused");
  return result.errors;
};

describe("prefectureAt", () => {
  it.each([
    ["沈家门 port, Zhoushan", 29.9445, 122.3027, "330900"],
    ["Jinan", 36.68, 117.02, "370100"],
    ["Zhangqiu", 36.71, 117.53, "370100"],
    ["Laiwu, merged into Jinan in 2019", 36.21, 117.68, "370100"],
    ["Zhengzhou", 34.75, 113.62, "410100"],
    ["Zibo", 36.81, 118.05, "370300"],
    ["Chaoyang, Liaoning", 41.57, 120.45, "211300"],
    ["Hangzhou", 30.27, 120.15, "330100"],
    ["Beijing", 39.9042, 116.4074, "110100"],
    ["Shanghai", 31.2304, 121.4737, "310100"],
    ["Chongqing, a district", 29.56, 106.55, "500100"],
    ["Fengdu, a Chongqing county", 29.86, 107.73, "500200"],
    ["Xiantao, under Hubei directly", 30.36, 113.45, "429004"],
    ["Aral, a corps city inside Aksu", 40.55, 81.28, "659002"],
    ["Lankao, missing from the package's Kaifeng outline", 34.82, 114.82, "410200"],
    ["Hong Kong", 22.28, 114.17, "810000"],
  ])("places %s", (_, lat, lng, code) => {
    expect(prefectureAt(lat, lng)).toBe(code);
  });

  it("answers the nearest prefecture for a point just off the coast", () => {
    // Qingdao's seafront: outside the outline, about a kilometre from the shore.
    expect(prefectureAt(36.05, 120.38)).toBe("370200");
  });

  it("answers null far out at sea and abroad", () => {
    expect(prefectureAt(30, 125)).toBeNull(); // East China Sea
    expect(prefectureAt(29.9445, 123.3)).toBeNull(); // 100 km east of Zhoushan
    expect(prefectureAt(35.68, 139.69)).toBeNull(); // Tokyo
    expect(prefectureAt(0, 0)).toBeNull();
  });

  it("answers null for impossible coordinates", () => {
    expect(prefectureAt(Number.NaN, 120)).toBeNull();
    expect(prefectureAt(91, 120)).toBeNull();
    expect(prefectureAt(30, 181)).toBeNull();
  });

  it("answers a known region code or null anywhere", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 18, max: 54, noNaN: true }),
        fc.double({ min: 73, max: 135, noNaN: true }),
        (lat, lng) => {
          const code = prefectureAt(lat, lng);
          return code === null || isRegionCode(code);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("answers the same after the outlines it decoded were evicted and decoded again", () => {
    const places: [number, number][] = [
      [29.9445, 122.3027],
      [36.05, 120.38],
      [40.55, 81.28],
      [22.28, 114.17],
    ];
    const before = places.map(([lat, lng]) => prefectureAt(lat, lng));
    // A grid over the country lands in far more prefectures than the decoded cache keeps.
    const seen = new Set<string>();
    for (let lat = 20; lat <= 50; lat += 0.5) {
      for (let lng = 76; lng <= 132; lng += 0.5) {
        const code = prefectureAt(lat, lng);
        if (code) seen.add(code);
      }
    }
    expect(seen.size).toBeGreaterThan(200);
    expect(places.map(([lat, lng]) => prefectureAt(lat, lng))).toEqual(before);
    expect(before).toEqual(["330900", "370200", "659002", "810000"]);
  });

  it("exposes the outline it used", () => {
    const outline = prefectureOutline("330900");
    expect(outline?.type).toBe("MultiPolygon");
    expect(outline && pointInArea(29.9445, 122.3027, outline)).toBe(true);
    expect(prefectureOutline("999999")).toBeNull();
  });
});

describe("pointInArea", () => {
  it("is inside the exterior, outside the hole, inside on the boundary", () => {
    expect(pointInArea(30.1, 122.1, withHole)).toBe(true);
    expect(pointInArea(29.95, 122.25, withHole)).toBe(false);
    expect(pointInArea(30.3, 122.1, withHole)).toBe(false);
    expect(pointInArea(29.8, 122.1, withHole)).toBe(true);
  });

  it("takes latitude first, unlike GeoJSON", () => {
    // (lng, lat) given the wrong way round lands far away.
    expect(pointInArea(122.1, 30.1, withHole)).toBe(false);
  });

  it("works on MultiPolygons", () => {
    const two = {
      type: "MultiPolygon" as const,
      coordinates: [[square(0, 0, 1, 1)], [square(10, 10, 11, 11)]],
    };
    expect(pointInArea(10.5, 10.5, two)).toBe(true);
    expect(pointInArea(5, 5, two)).toBe(false);
  });
});

describe("distanceKm", () => {
  it("measures Beijing to Shanghai at about 1,067 km", () => {
    const d = distanceKm({ lat: 39.9042, lng: 116.4074 }, { lat: 31.2304, lng: 121.4737 });
    expect(d).toBeGreaterThan(1060);
    expect(d).toBeLessThan(1075);
  });

  it("is zero to itself, symmetric and obeys the triangle inequality", () => {
    const p = fc.record({
      lat: fc.double({ min: -89, max: 89, noNaN: true }),
      lng: fc.double({ min: -179, max: 179, noNaN: true }),
    });
    fc.assert(
      fc.property(p, p, p, (a, b, c) => {
        expect(distanceKm(a, a)).toBeCloseTo(0, 6);
        expect(distanceKm(a, b)).toBeCloseTo(distanceKm(b, a), 6);
        expect(distanceKm(a, c)).toBeLessThanOrEqual(distanceKm(a, b) + distanceKm(b, c) + 1e-6);
      }),
    );
  });
});

describe("roundToKilometre", () => {
  it("keeps two decimals", () => {
    expect(roundToKilometre(29.94449, 122.30271)).toEqual({ lat: 29.94, lng: 122.3 });
    expect(roundToKilometre(36.6751, -0.001)).toEqual({ lat: 36.68, lng: 0 });
    expect(Object.is(roundToKilometre(-0.001, -0.001).lat, -0)).toBe(false);
  });

  it("moves a point in China by less than a kilometre", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 18, max: 54, noNaN: true }),
        fc.double({ min: 73, max: 135, noNaN: true }),
        (lat, lng) => {
          const rounded = roundToKilometre(lat, lng);
          return distanceKm({ lat, lng }, rounded) < 0.8;
        },
      ),
    );
  });
});

describe("isValidLatLng", () => {
  it("accepts the ranges and refuses everything else", () => {
    expect(isValidLatLng(29.9, 122.3)).toBe(true);
    expect(isValidLatLng(-90, -180)).toBe(true);
    expect(isValidLatLng(90, 180)).toBe(true);
    expect(isValidLatLng(90.1, 0)).toBe(false);
    expect(isValidLatLng(0, -180.1)).toBe(false);
    expect(isValidLatLng(Number.NaN, 0)).toBe(false);
    expect(isValidLatLng(0, Number.POSITIVE_INFINITY)).toBe(false);
    expect(isValidLatLng("30", 120)).toBe(false);
  });
});

describe("validateProtectedArea", () => {
  it("accepts a polygon with a hole and returns a clean copy", () => {
    const result = validateProtectedArea({
      ...withHole,
      bbox: [122, 29.8, 122.5, 30.2],
      coordinates: [withHole.coordinates[0]?.map(([x, y]) => [x, y, 12]), withHole.coordinates[1]],
    });
    expect(result).toEqual({ ok: true, area: withHole });
  });

  it("accepts a MultiPolygon in either winding order", () => {
    const area = {
      type: "MultiPolygon",
      coordinates: [[square(0, 0, 1, 1)], [[...square(10, 10, 11, 11)].reverse()]],
    };
    expect(validateProtectedArea(area)).toEqual({ ok: true, area });
  });

  it("refuses an open ring, naming it", () => {
    const ring = square(122, 29.8, 122.5, 30.2).slice(0, 4);
    ring.push([122.1, 29.8]);
    const errors = errorsOf({ type: "Polygon", coordinates: [ring] });
    expect(errors).toEqual([
      { path: "coordinates[0]", message: expect.stringMatching(/not closed/) },
    ]);
  });

  it("refuses a ring of too few positions", () => {
    const errors = errorsOf({
      type: "Polygon",
      coordinates: [
        [
          [122, 30],
          [122.1, 30],
          [122, 30],
        ],
      ],
    });
    expect(errors).toEqual([
      { path: "coordinates[0]", message: expect.stringMatching(/at least 4 positions.*got 3/) },
    ]);
  });

  it("refuses a ring without area", () => {
    const errors = errorsOf({
      type: "Polygon",
      coordinates: [
        [
          [122, 30],
          [122.1, 30],
          [122.2, 30],
          [122, 30],
        ],
      ],
    });
    expect(errors[0]?.message).toMatch(/no area/);
  });

  it("names out-of-range positions and hints at swapped coordinates", () => {
    const ring = square(122, 29.8, 122.5, 30.2);
    ring[2] = [30.2, 122.5];
    ring[3] = [181, 30.2];
    const errors = errorsOf({ type: "Polygon", coordinates: [ring] });
    expect(errors).toEqual([
      {
        path: "coordinates[0][2]",
        message: expect.stringMatching(/^Latitude 122.5 is outside -90..90.*swapped/),
      },
      { path: "coordinates[0][3]", message: expect.stringMatching(/^Longitude 181 is outside/) },
    ]);
  });

  it("refuses positions that are not pairs of finite numbers", () => {
    const ring: unknown[] = square(0, 0, 1, 1);
    ring[1] = [Number.NaN, 0];
    ring[2] = ["1", "1"];
    ring[3] = [1];
    const errors = errorsOf({ type: "Polygon", coordinates: [ring] });
    expect(errors.map((e) => e.path)).toEqual([
      "coordinates[0][1]",
      "coordinates[0][2]",
      "coordinates[0][3]",
    ]);
    expect(errors[0]?.message).toMatch(/finite numbers/);
    expect(errors[2]?.message).toMatch(/\[longitude, latitude\]/);
  });

  it("refuses the wrong type, and says what to send instead of a Feature", () => {
    expect(errorsOf({ type: "Point", coordinates: [122, 30] })).toEqual([
      { path: "type", message: expect.stringMatching(/"Point"/) },
    ]);
    expect(errorsOf({ type: "Feature", geometry: withHole })[0]?.message).toMatch(
      /geometry itself/,
    );
    expect(errorsOf("POLYGON((...))")).toEqual([{ path: "", message: expect.any(String) }]);
    expect(errorsOf(null)[0]?.path).toBe("");
    expect(errorsOf([withHole])[0]?.message).toMatch(/an array/);
  });

  it("refuses missing or empty coordinates", () => {
    expect(errorsOf({ type: "Polygon" })[0]?.path).toBe("coordinates");
    expect(errorsOf({ type: "Polygon", coordinates: [] })[0]?.path).toBe("coordinates");
    expect(errorsOf({ type: "MultiPolygon", coordinates: [] })[0]?.path).toBe("coordinates");
    expect(errorsOf({ type: "Polygon", coordinates: ["ring"] })[0]?.path).toBe("coordinates[0]");
  });

  it("checks holes: closed, and inside the exterior", () => {
    const open = square(122.2, 29.9, 122.3, 30).slice(0, 4);
    expect(errorsOf({ type: "Polygon", coordinates: [withHole.coordinates[0], open] })).toEqual([
      { path: "coordinates[1]", message: expect.stringMatching(/not closed/) },
    ]);
    const astray = square(122.4, 29.9, 122.6, 30);
    expect(errorsOf({ type: "Polygon", coordinates: [withHole.coordinates[0], astray] })).toEqual([
      {
        path: "coordinates[1][1]",
        message: expect.stringMatching(/outside the exterior ring coordinates\[0\]/),
      },
    ]);
  });

  it("names paths inside a MultiPolygon", () => {
    const ring = square(10, 10, 11, 11);
    ring[3] = [10, 95];
    const errors = errorsOf({
      type: "MultiPolygon",
      coordinates: [[square(0, 0, 1, 1)], [ring]],
    });
    expect(errors).toEqual([
      { path: "coordinates[1][0][3]", message: expect.stringMatching(/Latitude 95/) },
    ]);
  });

  it(`refuses more than ${MAX_AREA_POSITIONS} positions`, () => {
    // A square walked round 5,000 times: small as JSON, but 20,001 positions.
    const ring: Position[] = [];
    for (let i = 0; i < MAX_AREA_POSITIONS / 4; i++) ring.push([0, 0], [1, 0], [1, 1], [0, 1]);
    ring.push([0, 0]);
    expect(errorsOf({ type: "Polygon", coordinates: [ring] })).toEqual([
      { path: "coordinates", message: expect.stringMatching(/20001 positions; at most 20000/) },
    ]);
    expect(validateProtectedArea({ type: "Polygon", coordinates: [ring.slice(4)] }).ok).toBe(true);
  });

  it("refuses more than 256 KB", () => {
    const ring: Position[] = [];
    for (let i = 0; i < 12_000; i++) {
      const a = (2 * Math.PI * i) / 12_000;
      ring.push([120 + Math.cos(a) * 0.123456789, 30 + Math.sin(a) * 0.123456789]);
    }
    ring.push(ring[0] as Position);
    expect(errorsOf({ type: "Polygon", coordinates: [ring] })).toEqual([
      { path: "", message: expect.stringMatching(/bytes as JSON; at most 262144/) },
    ]);
  });

  it("stops listing errors after twenty", () => {
    const ring = Array.from({ length: 100 }, () => [500, 500]);
    expect(errorsOf({ type: "Polygon", coordinates: [ring] })).toHaveLength(20);
  });

  it("accepts any rectangle in range, and the area contains its centre", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -179, max: 178, noNaN: true }),
        fc.double({ min: -89, max: 88, noNaN: true }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        (w, s, dx, dy) => {
          const result = validateProtectedArea({
            type: "Polygon",
            coordinates: [square(w, s, w + dx, s + dy)],
          });
          return result.ok && pointInArea(s + dy / 2, w + dx / 2, result.area);
        },
      ),
    );
  });
});
