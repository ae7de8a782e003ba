import {
  effectiveAuthorizationStatus,
  type StoredAuthorizationStatus,
} from "./authorization-status";
import { ApiError } from "./errors";

export type AuthorizationInUse = {
  authorization: {
    number: string;
    status: StoredAuthorizationStatus;
    validFrom: string;
    validUntil: string;
  };
  product: { nameZh: string; status: string };
  organizationStatus: string;
};

/** Throws 422 unless batches may be created and labels issued under this authorization. */
export function assertAuthorizationUsable(found: AuthorizationInUse): void {
  const { authorization, product } = found;
  if (found.organizationStatus === "suspended")
    throw new ApiError(
      "unprocessable",
      "Your organization is suspended: it can create no batches and issue no labels.",
    );
  const status = effectiveAuthorizationStatus(
    authorization.status,
    authorization.validFrom,
    authorization.validUntil,
  );
  if (status !== "active")
    throw new ApiError("unprocessable", `Authorization ${authorization.number} is ${status}.`);
  if (product.status !== "active")
    throw new ApiError("unprocessable", `GI product ${product.nameZh} is ${product.status}.`);
}
