import { Context } from '@temporalio/activity';
import { catalogReader } from '../catalog/read/open-reader';
import { loadDueEvents, markScraped } from '../catalog/lifecycle';
import { listScrapableEvents } from '../db/event-status';
import type { DueEvent } from '../domain/tracker';
import { syncEvents } from '../catalog/sync';
import type { MarketplaceName } from '../domain/listing';
import type { ActivityDeps, CatalogSyncSummary } from './types';

/** The catalog's activities: its sync, the events due, and each event's scraped mark. */
export function catalogActivities({ db, env, logger, enabledMarketplaces }: ActivityDeps) {
  const onEnabledMarketplaces = (e: DueEvent): DueEvent => ({
    ...e,
    marketplaceIds: e.marketplaceIds.filter((s) => enabledMarketplaces.includes(s.marketplace)),
  });
  return {
    /** The whole sync is one transaction: a sheet that cannot be read changes nothing. */
    async syncCatalog(): Promise<CatalogSyncSummary> {
      const reader = catalogReader(env);
      Context.current().heartbeat(reader.origin);
      const report = await syncEvents(db, reader);
      if (report.invalid.length > 0) {
        logger.warn(`catalog: ${report.invalid.length} invalid row(s) skipped`, {
          origin: report.origin,
          invalid: report.invalid.slice(0, 20),
        });
      }
      return {
        origin: report.origin,
        added: report.added,
        updated: report.updated,
        unchanged: report.unchanged,
        untracked: report.untracked,
        invalid: report.invalid.length,
      };
    },

    /**
     * Tracked, upcoming events with their ids on the marketplaces this deployment scrapes; an
     * event a marketplace stated cancelled is left out, a rescheduled one goes by its new start
     * (src/db/event-status.ts).
     */
    async listDueEvents(): Promise<DueEvent[]> {
      const due = await listScrapableEvents(db, new Date(), env.PAST_EVENT_GRACE_HOURS);
      return due.map(onEnabledMarketplaces).filter((e) => e.marketplaceIds.length > 0);
    },

    /**
     * The named events (tracked or not) with their ids on the marketplaces this deployment scrapes.
     * By internal id: the CLI resolved the references already, so nothing is resolved again here.
     */
    async loadEvents({ ids }: { ids: number[] }): Promise<DueEvent[]> {
      return (await loadDueEvents(db, ids)).map(onEnabledMarketplaces);
    },

    async markScraped({ eventId, marketplace, ok }: { eventId: number; marketplace: MarketplaceName; ok: boolean }): Promise<void> {
      await markScraped(db, eventId, marketplace, { ok, at: new Date() });
    },
  };
}
