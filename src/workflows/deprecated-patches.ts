import { deprecatePatch } from '@temporalio/workflow';

/**
 * The patches of the last build whose workers ran without Worker Versioning (main at c9ba53c),
 * in step 2 of Temporal's patch lifecycle (`patched` -> `deprecatePatch` -> removed): the old
 * branches are gone, and each call only lets a history that recorded the patch's marker replay.
 * Those histories exist while workflows started on unversioned workers are open: when a versioned
 * build becomes current, they are routed to it (test/fixtures/histories/unversioned-c9ba53c).
 * Removed in the first build after that folder leaves in-flight.json (docs/upgrades.md).
 */
export const DEPRECATED_PATCH = {
  /** The marketplace activity is `scrape` (it was `fetchListings`). */
  scrapeActivity: 'scrape-activity',
  /** evaluateScrape + deliverAlerts children; operator alerts delivered by the workflow. */
  alerts: 'alerts-evaluate-and-deliver',
  /** refreshRollups at the end of a cycle. */
  rollupsAtCycleEnd: 'rollups-at-cycle-end',
  /** The operator's "channel X is broken" alert delivered by its own deliverAlerts child. */
  operatorAlertDelivery: 'operator-alert-delivered-by-workflow',
} as const;

/** Marks `patch` deprecated (deprecatePatch): the code always takes the branch it guarded. */
export function deprecated(patch: keyof typeof DEPRECATED_PATCH): void {
  deprecatePatch(DEPRECATED_PATCH[patch]);
}
