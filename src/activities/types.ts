import type { AlertChannel } from '../alerts/channel';
import type { Env } from '../config';
import type { Db } from '../db/pool';
import type { MarketplaceName } from '../domain/listing';

export type { ScrapeInput } from '../domain/listing';
import type { Logger } from '../logging/logger';

/**
 * The activities' input and result types, and the task queue names: what workflows import from
 * the activities (type-only, except marketplaceTaskQueue, which is pure). The activity contracts
 * themselves are derived from the factories (MainActivities in ./index.ts).
 */

/** What syncCatalog returns. */
export interface CatalogSyncSummary {
  /** Where the catalog was read from (CatalogReader.origin). */
  origin: string;
  added: number;
  updated: number;
  unchanged: number;
  untracked: number;
  invalid: number;
}

/** `ticket-tracker-stubhub` and so on: one queue per marketplace so each has its own rate limit. */
export function marketplaceTaskQueue(mainTaskQueue: string, marketplace: MarketplaceName): string {
  return `${mainTaskQueue}-${marketplace}`;
}

/** What the main queue's activities are built from. */
export interface ActivityDeps {
  db: Db;
  env: Env;
  logger: Logger;
  /** Marketplaces this deployment scrapes; events' other marketplace ids are left alone. */
  enabledMarketplaces: readonly MarketplaceName[];
  /** The alert channels; by default those the settings configure (src/alerts/channel.ts). */
  channels?: () => readonly AlertChannel[];
}

/** An operator alert raised (or not: already raised in its window); with the id and channels to deliver it on. */
export interface OperatorAlertResult {
  alerted: boolean;
  alertId?: number;
  dedupeKey?: string;
  channels?: string[];
}

/**
 * The operator alert ("channel X is broken") a permanent delivery failure raised, carried as the
 * first detail of the DELIVERY_PERMANENT_FAILURE (`{ operatorAlert }`): recorded by the activity,
 * delivered by a deliverAlerts child the workflow starts (on every other configured channel).
 */
export interface OperatorAlertToDeliver {
  alertId: number;
  dedupeKey: string;
  channels: string[];
}
