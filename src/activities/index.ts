import { configuredChannels, type AlertChannel } from '../alerts/channel';
import { alertActivities } from './alerts';
import { catalogActivities } from './catalog';
import { maintenanceActivities } from './maintenance';
import { cycleActivities } from './cycles';
import { fetchActivities, type FetchActivityDeps } from './scrape';
import { selfCheckActivities } from './self-check';
import type { ActivityDeps } from './types';

export type { ActivityDeps } from './types';

/**
 * Activities of the main task queue, built from their dependencies so that the worker and the
 * tests wire them the same way.
 */
export function createActivities(deps: ActivityDeps) {
  let resolved: readonly AlertChannel[] | undefined;
  // Resolved on first use: a half-configured channel fails the alert activities, not the worker.
  const channels = deps.channels ?? (() => (resolved ??= configuredChannels(deps.env, { logger: deps.logger })));
  return {
    ...selfCheckActivities(deps.db),
    ...catalogActivities(deps),
    ...cycleActivities({ ...deps, channels }),
    ...alertActivities({ db: deps.db, logger: deps.logger, channels }),
    ...maintenanceActivities(deps),
  };
}

/** The fetch activity of one marketplace's task queue. */
export function createMarketplaceActivities(deps: FetchActivityDeps) {
  return fetchActivities(deps);
}

// The contracts workflows call through typed proxies, derived from the factories so that they
// cannot drift apart. Workflows import them with `import type` only: the bundle never loads this file.

/** Activities on the main task queue (database work). */
export type MainActivities = ReturnType<typeof createActivities>;

/** The activity on each marketplace's own task queue, rate-limited there across every worker. */
export type MarketplaceActivities = ReturnType<typeof createMarketplaceActivities>;
