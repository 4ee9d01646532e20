import { Context } from '@temporalio/activity';
import { catalogSource } from '../catalog/catalog-source';
import { listDueEvents, markScraped, resolveEvent } from '../catalog/lifecycle';
import { syncEvents } from '../catalog/sync';
import type { ActivityDeps, MainActivities } from './types';

export function catalogActivities({ db, env, logger, enabledMarketplaces }: ActivityDeps): Pick<MainActivities, 'syncCatalog' | 'listDueEvents' | 'loadEvents' | 'markScraped'> {
  return {
    /** The whole sync is one transaction: a sheet that cannot be read changes nothing. */
    async syncCatalog() {
      const source = catalogSource(env);
      Context.current().heartbeat(source.origin);
      const report = await syncEvents(db, source);
      if (report.invalid.length > 0) {
        logger.warn(`catalog: ${report.invalid.length} invalid row(s) skipped`, { origin: report.origin, invalid: report.invalid.slice(0, 20) });
      }
      return {
        source: report.origin,
        added: report.added,
        updated: report.updated,
        unchanged: report.unchanged,
        untracked: report.untracked,
        invalid: report.invalid.length,
      };
    },

    /** Tracked, upcoming events with their ids on the marketplaces this deployment scrapes. */
    async listDueEvents() {
      const due = await listDueEvents(db, new Date(), env.PAST_EVENT_GRACE_HOURS);
      return due
        .map((e) => ({ id: e.id, name: e.name, startsAt: e.startsAt, sources: e.sources.filter((s) => enabledMarketplaces.includes(s.marketplace)) }))
        .filter((e) => e.sources.length > 0);
    },

    async loadEvents({ ids }) {
      const events = await Promise.all(ids.map((id) => resolveEvent(db, `id:${id}`)));
      return events
        .filter((e) => e !== undefined)
        .map((e) => ({ id: e.id, name: e.name, startsAt: e.startsAt, sources: e.sources.filter((s) => enabledMarketplaces.includes(s.marketplace)) }));
    },

    async markScraped({ eventId, marketplace, ok }) {
      await markScraped(db, eventId, marketplace, { ok, at: new Date() });
    },
  };
}
