import { deprecatePatch, workflowInfo } from '@temporalio/workflow';

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

/**
 * Accepts `patch`'s marker where a history recorded it; the code always takes the branch the patch
 * guarded. Called only while replaying: `deprecatePatch` records a marker (and a search attribute
 * upsert) in every new execution, 4 of a scrape's 24 history events, and only histories recorded
 * by c9ba53c need one. During a replay a history without the marker gets no command either (the
 * SDK decides "absent" without recording), so both kinds of history replay: the replay test holds
 * each (test/fixtures/histories/unversioned-c9ba53c and this build's own).
 */
export function deprecated(patch: keyof typeof DEPRECATED_PATCH): void {
  if (workflowInfo().unsafe.isReplaying) deprecatePatch(DEPRECATED_PATCH[patch]);
}
