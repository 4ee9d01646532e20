import type { AlertChannel, AlertMessage } from '../alerts/channel';
import { recordOperatorAlert } from '../alerts/log';
import { errorRateAlert, formatDriftAlert } from '../alerts/operator';
import { countRecentErrors, recordCycleEnd, recordScrapeError, recordCycleStart } from '../db/cycles';
import { sendToChannels } from './alerts';
import type { MarketplaceName } from '../domain/listing';
import type { CycleSummary } from '../domain/tracker';
import type { ActivityDeps, OperatorAlertResult } from './types';

/** The cycle's bookkeeping: its start and end, failed scrapes, and the operator alerts they raise. */
export function cycleActivities({ db, logger, channels }: ActivityDeps & { channels: () => readonly AlertChannel[] }) {
  /** Operator alerts travel the price alerts' channels and log: handed to the workflow, or sent here. */
  async function operatorDelivery(
    alertId: number,
    alert: AlertMessage,
    deliver: 'workflow' | undefined,
  ): Promise<{ alertId: number; dedupeKey: string; channels: string[] }> {
    const names = channels().map((c) => c.name as string);
    if (deliver !== 'workflow') {
      const sent = await sendToChannels({ db, logger, channels }, alertId, alert);
      if (sent.configured === 0) logger.warn(`operator alert (no channel configured): ${alert.title}`, { alert });
    }
    return { alertId, dedupeKey: alert.dedupeKey, channels: names };
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
      deliver,
    }: {
      marketplace: MarketplaceName;
      eventId: number;
      message: string;
      /** 'workflow': only record the alert; the caller starts its delivery (deliverAlerts). */
      deliver?: 'workflow';
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
      return { alerted: true, ...(await operatorDelivery(alertId, alert, deliver)) };
    },

    /**
     * More than `threshold` errors in the window raises one operator alert per window: the
     * alert's dedupe key names the window, so retries and later cycles in it do not repeat it.
     * With `deliver: 'workflow'` the alert is only recorded and the caller starts its delivery
     * (deliverAlerts, retried by Temporal); otherwise it is sent here once per channel.
     */
    async checkErrorRate({
      threshold,
      windowMinutes,
      deliver,
    }: {
      threshold: number;
      windowMinutes: number;
      deliver?: 'workflow';
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
      return { errors, alerted: true, ...(await operatorDelivery(alertId, alert, deliver)) };
    },
  };
}
