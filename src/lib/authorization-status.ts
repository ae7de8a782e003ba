// The status a reader sees: the stored one, except that an active authorization outside its
// validity dates reads as pending (not yet valid) or expired. Dates are China calendar days.
import { chinaDate } from "./beijing-time";

export type StoredAuthorizationStatus = "active" | "suspended" | "revoked";
export type EffectiveAuthorizationStatus = StoredAuthorizationStatus | "expired" | "pending";

export function effectiveAuthorizationStatus(
  stored: StoredAuthorizationStatus,
  validFrom: string,
  validUntil: string,
  today: string = chinaDate(),
): EffectiveAuthorizationStatus {
  if (stored !== "active") return stored;
  if (today > validUntil) return "expired";
  if (today < validFrom) return "pending";
  return "active";
}

/**
 * The authorization's status under its organization: a suspended organization suspends every
 * authorization it holds that is not already revoked (DESIGN section 4).
 */
export function underOrganization<S extends EffectiveAuthorizationStatus>(
  status: S,
  organizationStatus: "active" | "suspended",
): S | "suspended" {
  return organizationStatus === "suspended" && status !== "revoked" ? "suspended" : status;
}

/** Allowed stored-status changes: revocation is final. */
export function canChangeAuthorizationStatus(
  from: StoredAuthorizationStatus,
  to: StoredAuthorizationStatus,
): boolean {
  return from !== to && from !== "revoked";
}
