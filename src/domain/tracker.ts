import { z } from 'zod';
import { MARKETPLACE_NAMES } from '../marketplaces/registry';
import type { EventStatus } from './event-status';
import type { EventMarketplaceId, MarketplaceName } from './listing';
import { lazy } from './lazy';
import { intervalSettingsSchema, RANDOMIZATION } from './sleep';

/**
 * Shapes that travel through workflow history: the tracker loop's input and state, the
 * per-event scrape input, and the summaries they return. All small, all plain JSON.
 */
export const DEFAULT_TRACKER_WORKFLOW_ID = 'tracker';

// Workflows import this module: its schemas are built on first use (`lazy`, see there why).
const settingsFields = lazy(() => ({
  intervalHours: z.number().positive('must be positive').max(720, 'must be at most 720 hours'),
  randomization: z.enum(RANDOMIZATION),
  minFactor: z.number().positive('must be positive'),
  maxFactor: z.number().positive('must be positive'),
  fanout: z.number().int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200'),
  errorAlertThreshold: z.number().int().min(1, 'must be at least 1'),
}));

const buildTrackerSettingsSchema = () =>
  z
    .object({
      intervalHours: settingsFields().intervalHours.default(12),
      randomization: settingsFields().randomization.default('poisson'),
      minFactor: settingsFields().minFactor.default(0.7),
      maxFactor: settingsFields().maxFactor.default(1.3),
      fanout: settingsFields().fanout.default(10),
      errorAlertThreshold: settingsFields().errorAlertThreshold.default(10),
    })
    .strict()
    .superRefine((s, ctx) => {
      const check = intervalSettingsSchema().safeParse({
        intervalHours: s.intervalHours,
        randomization: s.randomization,
        minFactor: s.minFactor,
        maxFactor: s.maxFactor,
      });
      if (!check.success)
        for (const issue of check.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    });
export const trackerSettingsSchema = lazy(buildTrackerSettingsSchema);
export type TrackerSettings = z.infer<ReturnType<typeof buildTrackerSettingsSchema>>;

/** What the `reconfigure` update accepts: any subset of the settings. */
const buildTrackerSettingsPatchSchema = () =>
  z
    .object({
      intervalHours: settingsFields().intervalHours.optional(),
      randomization: settingsFields().randomization.optional(),
      minFactor: settingsFields().minFactor.optional(),
      maxFactor: settingsFields().maxFactor.optional(),
      fanout: settingsFields().fanout.optional(),
      errorAlertThreshold: settingsFields().errorAlertThreshold.optional(),
    })
    .strict();
export const trackerSettingsPatchSchema = lazy(buildTrackerSettingsPatchSchema);
export type TrackerSettingsPatch = z.infer<ReturnType<typeof buildTrackerSettingsPatchSchema>>;

export interface CycleSummary {
  cycle: number;
  cycleId: string;
  startedAt: string;
  finishedAt: string;
  eventsDue: number;
  eventsScraped: number;
  eventsFailed: number;
  marketplacesOk: number;
  marketplacesFailed: number;
  /** Scrapes that stored 0 listings where the previous one had many (see domain/scrape-health). */
  marketplacesEmpty?: number;
  /** Scrapes that failed as format drift (counted in marketplacesFailed too). */
  marketplacesDrifted?: number;
  listingsStored: number;
  catalogError: string | null;
}

const cycleSummaryFields = () =>
  z.object({
    cycle: z.number().int(),
    cycleId: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    eventsDue: z.number().int(),
    eventsScraped: z.number().int(),
    eventsFailed: z.number().int(),
    marketplacesOk: z.number().int(),
    marketplacesFailed: z.number().int(),
    marketplacesEmpty: z.number().int().optional(),
    marketplacesDrifted: z.number().int().optional(),
    listingsStored: z.number().int(),
    catalogError: z.string().nullable(),
  });
const cycleSummarySchema = lazy(cycleSummaryFields);

/** State carried across continue-as-new. */
const buildTrackerStateSchema = () =>
  z
    .object({
      cycle: z.number().int().min(0).default(0),
      paused: z.boolean().default(false),
      /** A scrapeNow not yet served: the next cycle starts at once, even when paused. */
      runNow: z.boolean().default(false),
      lastCycle: cycleSummarySchema().nullable().default(null),
      /**
       * A sleep between cycles carried across continue-as-new: the run that moved to a new
       * Worker Deployment Version mid-sleep (docs/upgrades.md) hands the next run the rest of it.
       * ISO instants: when the cycle ended (a new interval is drawn from there) and the wake-up.
       */
      sleeping: z.object({ cycleEnd: z.iso.datetime(), wakeAt: z.iso.datetime() }).strict().nullable().default(null),
    })
    .strict();
export const trackerStateSchema = lazy(buildTrackerStateSchema);
export type TrackerState = z.infer<ReturnType<typeof buildTrackerStateSchema>>;

const buildTrackerInputSchema = () =>
  z
    .object({
      settings: trackerSettingsSchema().default(() => trackerSettingsSchema().parse({})),
      state: trackerStateSchema().default(() => trackerStateSchema().parse({})),
    })
    .strict();
export const trackerInputSchema = lazy(buildTrackerInputSchema);
export type TrackerInput = z.input<ReturnType<typeof buildTrackerInputSchema>>;

export type TrackerPhase = 'starting' | 'scraping' | 'sleeping' | 'paused';

export interface TrackerStatus {
  phase: TrackerPhase;
  paused: boolean;
  cycle: number;
  nextWakeAt: string | null;
  settings: TrackerSettings;
  lastCycle: CycleSummary | null;
}

/**
 * An event to scrape in a cycle, as the tracker hands it to its scrapeEvent child: small,
 * whatever the number of listings. `startsAt` is an ISO instant, null while the date is TBA;
 * `marketplaceIds` are its marketplace ids (on the marketplaces this deployment scrapes).
 */
export interface DueEvent {
  id: number;
  name: string;
  startsAt: string | null;
  marketplaceIds: EventMarketplaceId[];
}

const eventMarketplaceIdSchema = lazy(() => z.object({ marketplace: z.enum(MARKETPLACE_NAMES), marketplaceEventId: z.string().min(1) }));

/** A DueEvent as it travels in history. */
export const dueEventSchema = lazy(() =>
  z.object({
    id: z.number().int().positive(),
    name: z.string(),
    startsAt: z.string().nullable(),
    marketplaceIds: z.array(eventMarketplaceIdSchema()),
  }),
);

const scrapeEventInputFields = () =>
  z
    .object({
      event: dueEventSchema(),
      cycleId: z.string().min(1),
      /** Scrape only the event's marketplace ids on these marketplaces; all of them when absent. */
      onlyMarketplaces: z.array(z.enum(MARKETPLACE_NAMES)).optional(),
    })
    .strict();
/** scrapeEvent's input. */
export const scrapeEventInputSchema = lazy(scrapeEventInputFields);
export interface ScrapeEventInput {
  event: DueEvent;
  cycleId: string;
  onlyMarketplaces?: MarketplaceName[];
}

/** A one-off scrape's input (`ticket-tracker scrape`, the scrapeEvents workflow). */
const buildScrapeEventsInputSchema = () =>
  z
    .object({
      /** Internal ids of the events to scrape; every due event when absent. */
      eventIds: z.array(z.number().int().positive()).min(1).optional(),
      fanout: z.number().int().min(1).max(200).default(10),
      errorAlertThreshold: z.number().int().min(1).default(10),
    })
    .strict();
export const scrapeEventsInputSchema = lazy(buildScrapeEventsInputSchema);
export type ScrapeEventsInput = z.input<ReturnType<typeof buildScrapeEventsInputSchema>>;

/** The claim check a fetch returns: a reference to what it stored, and a summary. */
export interface StoredScrapeRef {
  scrapeId: string;
  eventId: number;
  marketplace: MarketplaceName;
  capturedAt: string;
  kind: 'listings' | 'summary';
  listingsStored: number;
  listingsRejected: number;
  snapshots: number;
  /** The event's lowest price in this scrape before fees (`base`); null when the marketplace gives none. */
  lowestPrice: number | null;
  /** The same all in (`all-in`, see price-basis.ts); absent in histories recorded before issue 24. */
  allInLowestPrice?: number | null;
  alreadyPersisted: boolean;
  /** Listing items the payload held (null for a summary). */
  items?: number | null;
  /** 'ok', or 'empty' (0 listings after many): see domain/scrape-health. Format drift fails the fetch instead. */
  health?: 'ok' | 'format-drift' | 'empty';
  healthReason?: string | null;
  /** The event's status as this scrape's payload stated it (Ticketmaster); absent or null when none. */
  eventStatus?: EventStatus | null;
  /**
   * The scrape's evaluation (price changes, alert rules, firings), done by the `scrape` activity in
   * the same attempt; absent when it could not be done there (the workflow then runs the
   * `evaluateScrape` local activity), and in histories recorded before.
   */
  evaluation?: ScrapeEvaluationSummary;
}

/** What evaluating a stored scrape returns to the workflow: the change of its lowest price and the firings to deliver. */
export interface ScrapeEvaluationSummary {
  /** The previous scrape's lowest price before fees (`base`). */
  previousLowest: number | null;
  /** Percent change of the lowest price before fees against the previous scrape; null when either is missing. */
  changePercent: number | null;
  /** The same, all in (`all-in`); absent in histories recorded before issue 24. */
  allInPreviousLowest?: number | null;
  allInChangePercent?: number | null;
  rulesEvaluated: number;
  /** One per alert fired by this scrape; each is delivered by its own deliverAlerts child. */
  firings: { alertId: number; dedupeKey: string; channels: string[] }[];
}

export interface MarketplaceOutcome {
  marketplace: MarketplaceName;
  ok: boolean;
  scrapeId: string;
  listingsStored: number;
  /** The scrape's lowest price before fees (`base`). */
  lowestPrice: number | null;
  /** The scrape's lowest price all in; absent in histories recorded before issue 24. */
  allInLowestPrice?: number | null;
  /** The change of the lowest price before fees against the previous scrape (the evaluation's figure). */
  priceChangePercent: number | null;
  /** The same, all in; absent in histories recorded before issue 24 and on the older path without evaluation. */
  allInPriceChangePercent?: number | null;
  error: string | null;
  /** A scrape that must not pass for a plain success: 'format-drift' (failed) or 'empty' (stored, 0 listings after many). */
  mark?: 'format-drift' | 'empty' | null;
  /** The event's status as the marketplace stated it in this scrape (absent when none, and in histories recorded before). */
  eventStatus?: EventStatus;
}

export interface ScrapeEventResult {
  eventId: number;
  outcomes: MarketplaceOutcome[];
}

/** Deterministic scrape id: the same event, cycle and marketplace always name the same scrape. */
export function scrapeIdFor(cycleId: string, eventId: number, marketplace: MarketplaceName): string {
  return `${cycleId}/${eventId}/${marketplace}`;
}

/** `path: message; path: message` from a zod error, for messages that name what was wrong. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : 'input'}: ${i.message}`).join('; ');
}
