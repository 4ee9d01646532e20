import { createWebhookNotifier } from '../alerts/webhooks';
import { catalogActivities } from './catalog';
import { maintenanceActivities } from './maintenance';
import { cycleActivities } from './cycles';
import { fetchActivities, priceChangeActivities, type FetchActivityDeps } from './scrape';
import { selfCheckActivities } from './self-check';
import type { ActivityDeps, MainActivities, MarketplaceActivities } from './types';

export type { ActivityDeps } from './types';

/**
 * Activities of the main task queue, built from their dependencies so that the worker and the
 * tests wire them the same way.
 */
export function createActivities(deps: ActivityDeps): MainActivities {
  const notifier = deps.notifier ?? createWebhookNotifier(deps.env, deps.logger);
  return {
    ...selfCheckActivities(deps.db),
    ...catalogActivities(deps),
    ...cycleActivities({ ...deps, notifier }),
    ...priceChangeActivities(deps.db),
    ...maintenanceActivities(deps),
  };
}

/** The fetch activity of one marketplace's task queue. */
export function createMarketplaceActivities(deps: FetchActivityDeps): MarketplaceActivities {
  return fetchActivities(deps);
}
