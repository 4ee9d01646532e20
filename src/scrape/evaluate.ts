import type { ScrapeInput } from '../domain/listing';
import { rulesFor } from '../alerts/rules/store';
import { markScraped } from '../catalog/lifecycle';
import { eventStatusAt } from '../db/event-status';
import { withTransaction, type Db } from '../db/pool';
import { waitingOutDatabase } from '../db/unavailable';
import { isLiveStatus, type EventStatus } from '../domain/event-status';
import { SUMMARY_ZONE } from '../domain/listing';
import type { ScrapeEvaluationSummary, StoredScrapeRef } from '../domain/tracker';
import type { Logger } from '../logging/logger';
import type { ScrapeAttempt } from './attempt';
import { percentChange, recordPriceChanges } from './price-changes';
import {
  claimEvaluation,
  evaluationDone,
  firingsOf,
  loadScrape,
  markEvaluated,
  markEvaluationSkipped,
  previousScrape,
  zoneFigures,
  type Firing,
  type ScrapeRow,
  type ZoneFigures,
} from './queries/evaluate';
import { evaluateRules } from './rules';

/**
 * The evaluate step: price changes and alert rules, in the same attempt as the store step: no
 * local activity, no extra workflow activation and history marker per scrape (issue 17).
 * Idempotent by scrape key. When it fails here, the scrape's result goes without `evaluation`
 * and the workflow runs the evaluateScrape activity, with its own retries, as before: so this
 * never throws, it logs and returns undefined. An unreachable database is waited out until `deadline`.
 */
export async function evaluateInAttempt(
  { db, logger }: { db: Db; logger: Logger },
  { scrapeId, eventId, marketplace }: ScrapeInput,
  deadline: number,
  attempt: ScrapeAttempt,
): Promise<ScrapeEvaluationSummary | undefined> {
  try {
    return await waitingOutDatabase(
      () => evaluateStoredScrape(db, logger, { scrapeId, eventId, marketplace }),
      deadline,
      (waited) => attempt.waitingForDatabase(waited),
    );
  } catch (err) {
    logger.warn(`${scrapeId}: evaluation left to the workflow: ${(err as Error).message}`, { err });
    return undefined;
  }
}

/**
 * Right after a scrape is stored: its price changes, the rules watching it and their firings
 * (evaluateScrape), then the event's marketplace marked scraped. Idempotent by scrape key: a
 * second call (a retried attempt, the workflow's local activity after a scrape that evaluated
 * already) records nothing new and returns the same firings.
 *
 * @throws what the database throws; "no scrape stored" when nothing is stored under the key.
 */
export async function evaluateStoredScrape(
  db: Db,
  logger: Logger,
  ref: Pick<StoredScrapeRef, 'scrapeId' | 'eventId' | 'marketplace'>,
): Promise<ScrapeEvaluationSummary> {
  const evaluation = await evaluateScrape(db, ref.scrapeId);
  await markScraped(db, ref.eventId, ref.marketplace, { ok: true, at: new Date() });
  if (evaluation.firings.length > 0 && !evaluation.alreadyEvaluated)
    logger.info(`${evaluation.firings.length} alert(s) fired for ${ref.scrapeId}`, { firings: evaluation.firings });
  return {
    previousLowest: evaluation.previousLowest,
    changePercent: evaluation.changePercent,
    allInPreviousLowest: evaluation.allInPreviousLowest,
    allInChangePercent: evaluation.allInChangePercent,
    rulesEvaluated: evaluation.rulesEvaluated,
    firings: evaluation.firings.map((f) => ({ alertId: f.alertId, dedupeKey: f.dedupeKey, channels: f.channels })),
  };
}

export interface ScrapeEvaluation {
  /** The ALL zone's lowest price (1 ticket) of the previous scrape and its change in percent, before fees. */
  previousLowest: number | null;
  changePercent: number | null;
  /** The same, all in. */
  allInPreviousLowest: number | null;
  allInChangePercent: number | null;
  priceChanges: number;
  rulesEvaluated: number;
  firings: Firing[];
  /** True when this scrape had been evaluated before (a retry or a replay): nothing was written again. */
  alreadyEvaluated: boolean;
  /**
   * Why the scrape was not evaluated (it is marked suspect: scrapes.health 'empty' or
   * 'format-drift'; or its event was stated cancelled or postponed), as recorded in scrape_evaluations.skipped; null when it was evaluated.
   */
  skipped: string | null;
}

/** Why a scrape with this health mark is not evaluated, or null when it is to be believed. */
export function skipReason(scrape: Pick<ScrapeRow, 'health' | 'healthReason'>): string | null {
  if (scrape.health === 'ok') return null;
  return `scrape marked ${scrape.health}${scrape.healthReason ? ` (${scrape.healthReason})` : ''}: not evaluated, no rule changed or fired`;
}

/**
 * Why a scrape of an event a marketplace stated cancelled or postponed is not evaluated (its
 * prices are not live prices: no alert, no price change), or null when the status allows it.
 */
export function notLiveReason(state: { status: EventStatus; marketplace: string } | null): string | null {
  if (state === null || isLiveStatus(state.status)) return null;
  return `event ${state.status} (${state.marketplace}): its prices are not live prices; not evaluated, no rule changed or fired`;
}

/**
 * After a scrape is stored: records its price changes, evaluates every rule watching it and
 * records the firings, in one transaction guarded by scrape_evaluations, so a retried or replayed
 * call writes nothing twice and returns the same firings. A rule fires at most once per scrape
 * (alerts has a unique (rule, scrape key)). Throws when no scrape is stored under `scrapeKey`.
 * A scrape marked suspect (health not 'ok', see domain/scrape-health) is not evaluated: no price
 * changes, no rule state change, no firing; the reason is recorded in scrape_evaluations.skipped.
 * Marked scrapes are also never the "previous" scrape, the "N hours ago" scrape, nor another
 * marketplace's latest for cheaper-elsewhere.
 */
export async function evaluateScrape(db: Db, scrapeKey: string): Promise<ScrapeEvaluation> {
  return withTransaction(db, async (client) => {
    const scrape = await loadScrape(client, scrapeKey);
    if (!scrape) throw new Error(`no scrape stored under "${scrapeKey}"`);
    const previous = await previousScrape(client, scrape);
    const now = await zoneFigures(client, scrape);
    const before = previous ? await zoneFigures(client, previous) : new Map<string, ZoneFigures>();
    const previousLowest = before.get(SUMMARY_ZONE)?.lowest[1] ?? null;
    const skipped = skipReason(scrape) ?? notLiveReason(await eventStatusAt(client, scrape.eventId, scrape.capturedAt));
    const changePercent = skipped ? null : percentChange(previousLowest, now.get(SUMMARY_ZONE)?.lowest[1] ?? null);
    const allInPreviousLowest = before.get(SUMMARY_ZONE)?.allInLowest[1] ?? null;
    const allInChangePercent = skipped ? null : percentChange(allInPreviousLowest, now.get(SUMMARY_ZONE)?.allInLowest[1] ?? null);
    const changes = { previousLowest, changePercent, allInPreviousLowest, allInChangePercent };

    // The guard: the first caller for a scrape writes; a later one (retry, replay) reads back.
    if (!(await claimEvaluation(client, scrapeKey))) {
      const done = await evaluationDone(client, scrapeKey);
      return {
        ...changes,
        priceChanges: Number(done?.price_changes ?? 0),
        rulesEvaluated: done?.rules_evaluated ?? 0,
        firings: await firingsOf(client, scrapeKey),
        alreadyEvaluated: true,
        skipped: done?.skipped ?? null,
      };
    }
    if (skipped) {
      await markEvaluationSkipped(client, scrapeKey, skipped);
      return { ...changes, priceChanges: 0, rulesEvaluated: 0, firings: [], alreadyEvaluated: false, skipped };
    }

    const priceChanges = previous ? await recordPriceChanges(client, scrape, previous, now, before) : 0;
    const rules = await rulesFor(client, scrape.eventId, scrape.marketplace);
    const firings = rules.length > 0 ? await evaluateRules(client, scrape, previous, now, before, rules) : [];
    await markEvaluated(client, scrapeKey, rules.length, firings.length);
    return { ...changes, priceChanges, rulesEvaluated: rules.length, firings, alreadyEvaluated: false, skipped: null };
  });
}
