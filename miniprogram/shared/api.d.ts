// The API types for the mini-program: types only, so they need not be inside miniprogramRoot at
// run time. web/api/schema.d.ts is generated from the app's OpenAPI document (npm run api:types).
import type { components, paths } from "../../web/api/schema";

export type { components, paths };
export type Schemas = components["schemas"];
export type ScanRequest = Schemas["ScanRequest"];
/**
 * The scan answer. `scan_id` and `location_token` are the contract of POST /v1/scans/{id}/location
 * (the location added after the verdict); optional until the scan route returns them.
 */
export type ScanResult = Schemas["ScanResult"] & { scan_id?: string; location_token?: string };
export type TokenPair = Schemas["TokenPair"];
export type Scan = Schemas["Scan"];
export type Problem = { title?: string; detail?: string; code?: string; status?: number };
export type Notification = Schemas["Notification"];
export type Subscription = Schemas["Subscription"];
