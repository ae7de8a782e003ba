// Opaque ids with a type prefix (`org_…`), 16 characters of base32 from the platform CSPRNG:
// 80 random bits, never sequential, safe to show in URLs.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix =
  | "gi"
  | "org"
  | "site"
  | "usr"
  | "rt"
  | "auth"
  | "bat"
  | "evt"
  | "scn"
  | "alr"
  | "ale"
  | "rpt"
  | "aud"
  | "cap"
  | "sub"
  | "ntc";

export function newId(prefix: IdPrefix): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return `${prefix}_${out}`;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Human-readable authorization number, e.g. GIA-2026-7K3M9Q (30 random bits; unique index). */
export function newAuthorizationNumber(year: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  let suffix = "";
  for (const byte of bytes) suffix += CROCKFORD[byte & 31];
  return `GIA-${year}-${suffix}`;
}
