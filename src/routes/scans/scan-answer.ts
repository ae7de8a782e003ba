// What a consumer is told about a scan of a real label: the verdict and everything about the
// item, in the shape of ScanResult. One builder for the scan and for the location added after it.

import type { Context } from "hono";
import type { LabelContextRow } from "../../db/queries/scan-store";
import { effectiveAuthorizationStatus, underOrganization } from "../../lib/authorization-status";
import { languageOf } from "../../lib/language";
import { regionName } from "../../lib/regions";
import { type Evaluation, verdictMessage } from "../../lib/risk";
import { issueLocationToken } from "../../lib/scan-location-token";
import { cbvBusinessStep, traceStepName } from "../../lib/trace-events";
import type { AppEnv } from "../../types";

export type LabelCounters = {
  scan_count: number;
  first_scan_at: string;
  first_scan_region: string | null;
};

export async function labelScanAnswer(
  c: Context<AppEnv>,
  scan: { id: string; at: string },
  row: LabelContextRow,
  evaluation: Pick<Evaluation, "verdict" | "reasons">,
  counters: LabelCounters,
) {
  const pepper = c.env.CLIENT_ID_PEPPER;
  const scanId = scan.id;
  const scannedAt = scan.at;
  const lang = languageOf(c.req.header("Accept-Language"));
  const firstRegion = counters.first_scan_region;
  const firstRegionName = firstRegion ? regionName(firstRegion) : null;
  const { product, batch, organization, authorization } = row;
  const location = await issueLocationToken(pepper, scanId, scannedAt);
  return {
    verdict: evaluation.verdict,
    reasons: evaluation.reasons,
    message: verdictMessage(evaluation.verdict, lang, {
      count: counters.scan_count,
      firstAt: counters.first_scan_at,
      firstRegionName,
    }),
    scan_id: scanId,
    scanned_at: scannedAt,
    location_token: location.token,
    location_token_expires_at: location.expiresAt,
    scan_count: counters.scan_count,
    first_scan: {
      at: counters.first_scan_at,
      region_code: firstRegion,
      region_name: firstRegionName,
    },
    product: {
      id: product.id,
      name_zh: product.nameZh,
      name_en: product.nameEn,
      category: product.category,
      protection_type: product.protectionType,
      registration_no: product.registrationNo,
      holder_name: product.holderName,
      protected_region_codes: product.protectedRegionCodes,
      quality_standard: product.qualityStandard,
      eu_china_agreement: product.euChinaAgreement,
      status: product.status,
    },
    batch: {
      id: batch.id,
      lot_code: batch.lotCode,
      gtin: batch.gtin,
      produced_at: batch.producedAt,
      quantity: batch.quantity,
      unit: batch.unit,
      status: batch.status,
    },
    producer: {
      name: organization.name,
      uscc: organization.uscc,
      kind: organization.kind,
      region_code: organization.regionCode,
      region_name: regionName(organization.regionCode),
      status: organization.status,
    },
    authorization: {
      number: authorization.number,
      status: underOrganization(
        effectiveAuthorizationStatus(
          authorization.status,
          authorization.validFrom,
          authorization.validUntil,
        ),
        organization.status,
      ),
      valid_from: authorization.validFrom,
      valid_until: authorization.validUntil,
    },
    trace: row.trace.map((event) => ({
      type: event.type,
      cbv_business_step: event.bizStep ?? cbvBusinessStep[event.type],
      step_name: traceStepName(event.type, event.bizStep, lang),
      occurred_at: event.occurredAt,
      place_name: event.placeName,
      lat: event.lat,
      lng: event.lng,
      data: event.data ?? null,
    })),
  };
}
