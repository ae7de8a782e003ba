import { MAX_USEFUL_ACCURACY_M } from "./client-context";
import { prefectureAt, roundToKilometre } from "./geo";

export type ScanLocation = {
  lat: number | null;
  lng: number | null;
  source: "gps" | "ip" | "none";
  regionCode: string | null;
};

/** What the device sent: coordinates and, when it knows it, their accuracy in metres. */
export type DevicePosition = { lat?: number; lng?: number; accuracy_m?: number };

/** Cloudflare's geolocation of the connecting IP (`request.cf`), as strings. */
export type IpGeolocation = { latitude?: string; longitude?: string } | undefined;

/** The platform's IP geolocation rounded to ~1 km, or null when it has none. */
export function ipPosition(cf: IpGeolocation): { lat: number; lng: number } | null {
  const lat = Number(cf?.latitude);
  const lng = Number(cf?.longitude);
  if (!cf?.latitude || !cf?.longitude || !Number.isFinite(lat) || !Number.isFinite(lng))
    return null;
  return roundToKilometre(lat, lng);
}

/** Device GPS rounded to ~1 km when given and precise enough, else the platform's IP geolocation. */
export function locateScan(device: DevicePosition, cf: IpGeolocation): ScanLocation {
  const precise = device.accuracy_m === undefined || device.accuracy_m <= MAX_USEFUL_ACCURACY_M;
  if (device.lat !== undefined && device.lng !== undefined && precise) {
    const rounded = roundToKilometre(device.lat, device.lng);
    return { ...rounded, source: "gps", regionCode: prefectureAt(rounded.lat, rounded.lng) };
  }
  const ip = ipPosition(cf);
  if (ip) return { ...ip, source: "ip", regionCode: prefectureAt(ip.lat, ip.lng) };
  return { lat: null, lng: null, source: "none", regionCode: null };
}
