/**
 * The alert transitions DESIGN section 4 allows, with the agreed short cuts: what the lifecycle
 * rule (test/lib) and the transition endpoint (test/routes/alerts) must both answer.
 */
export const ALLOWED_ALERT_TRANSITIONS = [
  "new→acknowledged",
  "new→investigating",
  "new→dismissed",
  "acknowledged→investigating",
  "acknowledged→confirmed",
  "acknowledged→dismissed",
  "investigating→confirmed",
  "investigating→dismissed",
] as const;
