// Geometry for GI protected areas and scan locations. Positions are GeoJSON [longitude, latitude]
// (RFC 7946, WGS 84); the functions here take (lat, lng) in that order, as people say them.
import { booleanPointInPolygon } from "@turf/boolean-point-in-polygon";
import { distance } from "@turf/distance";
import { point } from "@turf/helpers";
import type { MultiPolygon, Polygon, Position } from "geojson";
import prefectures from "../data/prefectures.json";

export type Area = Polygon | MultiPolygon;
export type LatLng = { lat: number; lng: number };
export type GeoFieldError = { path: string; message: string };
export type ProtectedAreaResult = { ok: true; area: Area } | { ok: false; errors: GeoFieldError[] };

export const MAX_AREA_POSITIONS = 20_000;
export const MAX_AREA_BYTES = 256 * 1024;
const MAX_ERRORS = 20;

export function isValidLatLng(lat: unknown, lng: unknown): boolean {
  return (
    typeof lat === "number" &&
    typeof lng === "number" &&
    Number.isFinite(lat) &&
    Number.isFinite(lng) &&
    lat >= -90 &&
    lat <= 90 &&
    lng >= -180 &&
    lng <= 180
  );
}

/** Great-circle distance in kilometres (turf: haversine on a sphere of radius 6,371.0088 km). */
export function distanceKm(a: LatLng, b: LatLng): number {
  return distance(point([a.lng, a.lat]), point([b.lng, b.lat]), { units: "kilometers" });
}

/** Whether the point lies in the area; a point on its boundary counts as inside. */
export function pointInArea(lat: number, lng: number, area: Area): boolean {
  if (!isValidLatLng(lat, lng)) return false;
  return booleanPointInPolygon([lng, lat], area);
}

/**
 * Rounds a location to two decimals of a degree before it is stored (DESIGN: scans keep a
 * coarse location). 0.01° of latitude is 1.11 km; 0.01° of longitude is 1.11 km × cos(lat),
 * 0.96 km at Zhoushan (30° N) and 0.79 km at Harbin (45.8° N): about a kilometre everywhere in
 * China, and the rounded point is at most ~0.8 km from the true one. Two decimals also keep the
 * stored value readable, unlike a snap to an exact kilometre grid.
 */
export function roundToKilometre(lat: number, lng: number): LatLng {
  // `+ 0` turns -0 into 0.
  return { lat: Math.round(lat * 100) / 100 + 0, lng: Math.round(lng * 100) / 100 + 0 };
}

// --- protected areas ----------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const ringArea = (ring: Position[]): number => {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] as Position;
    const b = ring[i + 1] as Position;
    sum += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  return sum / 2;
};

const kindOf = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "string" ? `"${v}"` : typeof v;

/**
 * Checks a GI protected area: a GeoJSON Polygon or MultiPolygon (RFC 7946) of at most
 * 20,000 positions and 256 KB. Every ring is closed, has at least 4 positions and some area;
 * positions are [longitude, latitude] within range; every hole lies inside its exterior ring.
 * Winding order is not enforced (RFC 7946 asks parsers not to reject on it), and
 * self-intersections are not looked for. Error paths are relative to the geometry, e.g.
 * `coordinates[0][3]`. On success the area is a clean copy: type and coordinates only, positions
 * cut to [lng, lat].
 */
export function validateProtectedArea(input: unknown): ProtectedAreaResult {
  const errors: GeoFieldError[] = [];
  const fail = (path: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ path, message });
  };

  if (!isObject(input)) {
    return {
      ok: false,
      errors: [
        {
          path: "",
          message: `Expected a GeoJSON Polygon or MultiPolygon object, got ${kindOf(input)}.`,
        },
      ],
    };
  }
  const type = input.type;
  if (type !== "Polygon" && type !== "MultiPolygon") {
    const hint =
      type === "Feature" || type === "FeatureCollection"
        ? " Send the geometry itself, not a Feature or FeatureCollection."
        : "";
    return {
      ok: false,
      errors: [
        {
          path: "type",
          message: `Expected "Polygon" or "MultiPolygon", got ${kindOf(type)}.${hint}`,
        },
      ],
    };
  }

  let bytes: number;
  try {
    bytes = new TextEncoder().encode(JSON.stringify(input)).length;
  } catch {
    return { ok: false, errors: [{ path: "", message: "The area cannot be serialized as JSON." }] };
  }
  if (bytes > MAX_AREA_BYTES) {
    return {
      ok: false,
      errors: [
        {
          path: "",
          message: `The area is ${bytes} bytes as JSON; at most ${MAX_AREA_BYTES} are allowed. Simplify it.`,
        },
      ],
    };
  }

  let positions = 0;
  const readPosition = (value: unknown, path: string): Position | null => {
    positions++;
    if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
      fail(
        path,
        `A position is an array [longitude, latitude], got ${kindOf(value)}${Array.isArray(value) ? ` of ${value.length} items` : ""}.`,
      );
      return null;
    }
    const [lng, lat] = value as unknown[];
    if (
      typeof lng !== "number" ||
      !Number.isFinite(lng) ||
      typeof lat !== "number" ||
      !Number.isFinite(lat)
    ) {
      fail(path, "Longitude and latitude must be finite numbers.");
      return null;
    }
    const swapped = " GeoJSON positions are [longitude, latitude]: is this one swapped?";
    if (lng < -180 || lng > 180) {
      fail(
        path,
        `Longitude ${lng} is outside -180..180.${lat >= -180 && lat <= 180 ? swapped : ""}`,
      );
      return null;
    }
    if (lat < -90 || lat > 90) {
      fail(path, `Latitude ${lat} is outside -90..90.${lng >= -90 && lng <= 90 ? swapped : ""}`);
      return null;
    }
    return [lng, lat];
  };

  const readRing = (value: unknown, path: string): Position[] | null => {
    if (!Array.isArray(value)) {
      fail(path, `A linear ring is an array of positions, got ${kindOf(value)}.`);
      return null;
    }
    const ring: Position[] = [];
    let valid = true;
    value.forEach((p, i) => {
      const position = readPosition(p, `${path}[${i}]`);
      if (position) ring.push(position);
      else valid = false;
    });
    if (!valid) return null;
    if (ring.length < 4) {
      fail(
        path,
        `A linear ring needs at least 4 positions (the last repeating the first), got ${ring.length}.`,
      );
      return null;
    }
    const first = ring[0] as Position;
    const last = ring[ring.length - 1] as Position;
    if (first[0] !== last[0] || first[1] !== last[1]) {
      fail(
        path,
        `The ring is not closed: its last position ${JSON.stringify(last)} must repeat its first ${JSON.stringify(first)}.`,
      );
      return null;
    }
    if (ringArea(ring) === 0) {
      fail(path, "The ring encloses no area (its positions are all on one line).");
      return null;
    }
    return ring;
  };

  const readPolygon = (value: unknown, path: string): Position[][] | null => {
    if (!Array.isArray(value) || value.length === 0) {
      fail(
        path,
        `A polygon is a non-empty array of linear rings (exterior first, then holes), got ${kindOf(value)}.`,
      );
      return null;
    }
    const rings = value.map((r, i) => readRing(r, `${path}[${i}]`));
    if (rings.some((r) => r === null)) return null;
    const [exterior, ...holes] = rings as Position[][];
    const outline: Polygon = { type: "Polygon", coordinates: [exterior as Position[]] };
    holes.forEach((hole, h) => {
      const outside = hole.findIndex((p) => !booleanPointInPolygon(p, outline));
      if (outside >= 0) {
        fail(
          `${path}[${h + 1}][${outside}]`,
          `This position of a hole lies outside the exterior ring ${path}[0].`,
        );
      }
    });
    return rings as Position[][];
  };

  const coordinates = input.coordinates;
  let area: Area | null = null;
  if (type === "Polygon") {
    const polygon = readPolygon(coordinates, "coordinates");
    if (polygon) area = { type, coordinates: polygon };
  } else if (!Array.isArray(coordinates) || coordinates.length === 0) {
    fail(
      "coordinates",
      `A MultiPolygon's coordinates are a non-empty array of polygons, got ${kindOf(coordinates)}.`,
    );
  } else {
    const polygons = coordinates.map((p, i) => readPolygon(p, `coordinates[${i}]`));
    if (polygons.every((p) => p !== null)) area = { type, coordinates: polygons as Position[][][] };
  }

  if (positions > MAX_AREA_POSITIONS) {
    errors.unshift({
      path: "coordinates",
      message: `The area has ${positions} positions; at most ${MAX_AREA_POSITIONS} are allowed. Simplify it.`,
    });
  }
  if (errors.length > 0 || area === null) return { ok: false, errors };
  return { ok: true, area };
}

// --- prefectures --------------------------------------------------------------------------

type Encoded = { code: string; bbox: number[]; polygons: number[][][] };
// The box as four fields: destructuring a [w, s, e, n] array for each of ~370 entries on every
// lookup allocated an iterator per entry, the largest allocation of a scan request.
type Entry = {
  code: string;
  west: number;
  south: number;
  east: number;
  north: number;
  size: number;
  polygons: number[][][];
};

// Rings in src/data/prefectures.json are flat integer lists in thousandths of a degree: the
// first position absolute, the others as differences, the closing position left out
// (scripts/derive-prefectures.ts).
const decodeRing = (flat: number[]): Position[] => {
  const ring: Position[] = [];
  let x = 0;
  let y = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    x += flat[i] as number;
    y += flat[i + 1] as number;
    ring.push([x / 1000, y / 1000]);
  }
  const first = ring[0];
  if (first) ring.push(first);
  return ring;
};

let index: Entry[] | null = null;

function prefectureIndex(): Entry[] {
  if (index === null) {
    index = (prefectures as Encoded[])
      .map(({ code, bbox, polygons }) => {
        const [west = 0, south = 0, east = 0, north = 0] = bbox;
        return {
          code,
          west,
          south,
          east,
          north,
          size: (east - west) * (north - south),
          polygons,
        };
      })
      // Smaller units first: a corps city (阿拉尔) lies inside the outline of the prefecture
      // around it and must win.
      .sort((a, b) => a.size - b.size);
  }
  return index;
}

// Outlines are decoded for the prefectures lookups actually land in, and at most 64 are kept:
// all 370 decoded are ~92,000 two-number arrays, about half the objects of the isolate's heap
// (17.9 MB live after a full collection with all of them, 13.8 MB without, measured under scan
// load), which every full garbage collection walks. Scans of one deployment come from a few
// prefectures; the encoded lists stay as they are in the bundle.
const MAX_DECODED = 64;
const decoded = new Map<string, MultiPolygon>();

function outlineOf(entry: Entry): MultiPolygon {
  let outline = decoded.get(entry.code);
  if (outline) {
    // Re-inserted below as the most recently used; the first key is the one to evict.
    decoded.delete(entry.code);
  } else {
    outline = { type: "MultiPolygon", coordinates: entry.polygons.map((p) => p.map(decodeRing)) };
    if (decoded.size >= MAX_DECODED) decoded.delete(decoded.keys().next().value as string);
  }
  decoded.set(entry.code, outline);
  return outline;
}

function containing(lat: number, lng: number): string | null {
  const position = [lng, lat];
  for (const entry of prefectureIndex()) {
    if (lng < entry.west || lng > entry.east || lat < entry.south || lat > entry.north) continue;
    if (booleanPointInPolygon(position, outlineOf(entry))) return entry.code;
  }
  return null;
}

// Outlines are simplified to ~0.7 km and scan locations rounded to ~1 km, so a scan at a
// harbour or on a beach can fall just off the coast. Within this distance the nearest land
// prefecture is answered; farther out at sea the answer is null.
const NEAR_COAST_KM = 5;
const PROBE_BEARINGS = 8;

/**
 * The GB/T 2260 prefecture-level code of the area the point lies in ("330900" for Zhoushan),
 * from the simplified outlines in src/data/prefectures.json: a municipality's prefecture-level
 * code (110100, 500100 or 500200), a directly administered county-level unit's own code
 * (429004 仙桃), the province code for Hong Kong, Macao and Taiwan (810000, 820000, 710000).
 * A point off the coast answers the nearest prefecture within 5 km; otherwise null.
 */
export function prefectureAt(lat: number, lng: number): string | null {
  if (!isValidLatLng(lat, lng)) return null;
  const inside = containing(lat, lng);
  if (inside !== null) return inside;
  const kmPerDegreeLat = 111.32;
  const kmPerDegreeLng = kmPerDegreeLat * Math.max(Math.cos((lat * Math.PI) / 180), 0.01);
  for (let km = 1; km <= NEAR_COAST_KM; km++) {
    const votes = new Map<string, number>();
    for (let b = 0; b < PROBE_BEARINGS; b++) {
      const angle = (2 * Math.PI * b) / PROBE_BEARINGS;
      const code = containing(
        lat + (km * Math.cos(angle)) / kmPerDegreeLat,
        lng + (km * Math.sin(angle)) / kmPerDegreeLng,
      );
      if (code !== null) votes.set(code, (votes.get(code) ?? 0) + 1);
    }
    let best: string | null = null;
    let most = 0;
    for (const [code, count] of votes) {
      if (count > most) {
        best = code;
        most = count;
      }
    }
    if (best !== null) return best;
  }
  return null;
}

/** The simplified outline behind prefectureAt() for a code, e.g. to draw it; null if none. */
export function prefectureOutline(code: string): MultiPolygon | null {
  const entry = prefectureIndex().find((candidate) => candidate.code === code);
  return entry ? outlineOf(entry) : null;
}
