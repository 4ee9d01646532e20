import type { AlertChannel, AlertMessage } from '../alerts/channel';
import { recordOperatorAlert } from '../alerts/log';
import { errorRateAlert, formatDriftAlert } from '../alerts/operator';
import { countRecentErrors, recordCycleEnd, recordScrapeError, recordCycleStart } from '../db/cycles';
import type { MarketplaceName } from '../domain/listing';
import type { CycleSummary } from '../domain/tracker';
import type { ActivityDeps, OperatorAlertResult } from './types';

/** The cycle's bookkeeping: its start and end, failed scrapes, and the operator alerts they raise. */
export function cycleActivities({ db, logger, channels }: ActivityDeps & { channels: () => readonly AlertChannel[] }) {
  /** Operator alerts travel the price alerts' channels and log: recorded here, delivered by the workflow (deliverAlerts). */
  function operatorDelivery(alertId: number, alert: AlertMessage): { alertId: number; dedupeKey: string; channels: string[] } {
    return { alertId, dedupeKey: alert.dedupeKey, channels: channels().map((c) => c.name as string) };
  }

  return {
    async startCycle({ cycleId, startedAt }: { cycleId: string; startedAt: string }): Promise<void> {
      await recordCycleStart(db, { cycleId, startedAt: new Date(startedAt) });
    },

    async finishCycle({ summary }: { summary: CycleSummary }): Promise<void> {
      const failed = summary.eventsFailed + (summary.catalogError ? 1 : 0);
      // An empty scrape (0 listings after many) is never a plain success: the cycle is partial.
      const marked = (summary.marketplacesEmpty ?? 0) > 0;
      const status =
        summary.eventsDue > 0 && summary.eventsScraped === 0
          ? 'failed'
          : failed > 0 || summary.marketplacesFailed > 0 || marked
            ? 'partial'
            : 'succeeded';
      await recordCycleEnd(db, {
        cycleId: summary.cycleId,
        status,
        eventsScraped: summary.eventsScraped,
        errors: summary.marketplacesFailed + (summary.catalogError ? 1 : 0),
        finishedAt: new Date(summary.finishedAt),
        durationMs: Date.parse(summary.finishedAt) - Date.parse(summary.startedAt),
        details: summary,
      });
    },

    async recordScrapeFailure({
      cycleId,
      eventId,
      marketplace,
      attempt,
      message,
    }: {
      cycleId: string;
      eventId: number;
      marketplace: MarketplaceName;
      attempt: number;
      message: string;
    }): Promise<void> {
      await recordScrapeError(db, { cycleId, eventId, marketplace, attempt, message, at: new Date() });
    },

    /** A format-drift failure: one operator alert per marketplace per hour (later ones in the hour are only recorded). */
    async reportFormatDrift({
      marketplace,
      eventId,
      message,
    }: {
      marketplace: MarketplaceName;
      eventId: number;
      message: string;
    }): Promise<OperatorAlertResult> {
      const alert = formatDriftAlert({ marketplace, eventId, message, at: new Date() });
      const alertId = await recordOperatorAlert(db, {
        kind: 'operator_format_drift',
        dedupeKey: alert.dedupeKey,
        message: alert,
        marketplace,
        details: { marketplace, eventId },
      });
      if (alertId === null) return { alerted: false };
      logger.warn(`format drift on ${marketplace}: ${message}`, { marketplace, eventId });
      return { alerted: true, ...operatorDelivery(alertId, alert) };
    },

    /**
     * More than `threshold` errors in the window raises one operator alert per window: the
     * alert's dedupe key names the window, so retries and later cycles in it do not repeat it.
     * The alert is only recorded: the caller starts its delivery (deliverAlerts, retried by Temporal).
     */
    async checkErrorRate({
      threshold,
      windowMinutes,
    }: {
      threshold: number;
      windowMinutes: number;
    }): Promise<OperatorAlertResult & { errors: number }> {
      const now = Date.now();
      const errors = await countRecentErrors(db, new Date(now - windowMinutes * 60_000));
      if (errors <= threshold) return { errors, alerted: false };
      const alert = errorRateAlert({ errors, threshold, windowMinutes, at: new Date(now) });
      const alertId = await recordOperatorAlert(db, {
        kind: 'operator_error_rate',
        dedupeKey: alert.dedupeKey,
        message: alert,
        details: { errors, threshold, windowMinutes },
      });
      if (alertId === null) return { errors, alerted: false };
      logger.warn(alert.text, { errors, threshold });
      return { errors, alerted: true, ...operatorDelivery(alertId, alert) };
    },
  };
}
