import type { Notifier } from '../alerts/webhooks';
import { countRecentErrors, recordCycleEnd, recordScrapeError, recordCycleStart } from '../db/cycles';
import type { ActivityDeps, MainActivities } from './types';

export function cycleActivities({
  db,
  logger,
  notifier,
}: ActivityDeps & { notifier: Notifier }): Pick<
  MainActivities,
  'startCycle' | 'finishCycle' | 'recordScrapeFailure' | 'checkErrorRate' | 'reportFormatDrift'
> {
  return {
    async startCycle({ cycleId, startedAt }) {
      await recordCycleStart(db, { cycleId, startedAt: new Date(startedAt) });
    },

    async finishCycle({ summary }) {
      const failed = summary.eventsFailed + (summary.catalogError ? 1 : 0);
      // An empty scrape (0 listings after many) is never a plain success: the run is partial.
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

    async recordScrapeFailure({ cycleId, eventId, marketplace, attempt, message }) {
      await recordScrapeError(db, { cycleId, eventId, marketplace, attempt, message, at: new Date() });
    },

    async reportFormatDrift({ marketplace, eventId, message }) {
      const hour = Math.floor(Date.now() / 3_600_000);
      const key = `format-drift/${marketplace}/${hour}`;
      const inserted = await db.query(
        `INSERT INTO alerts (kind, marketplace, dedupe_key, message, details, triggered_at)
         VALUES ('operator_format_drift', $4, $1, $2, $3, now()) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
        [key, message.slice(0, 4000), JSON.stringify({ marketplace, eventId }), marketplace],
      );
      if (inserted.rowCount === 0) return { alerted: false };
      logger.warn(`format drift on ${marketplace}: ${message}`, { marketplace, eventId });
      const sent = await notifier.send({
        title: `Ticket Tracker: ${marketplace} changed its format`,
        text: `${message}\nSave a payload with \`ticket-tracker sources probe ${marketplace} ID --save FILE\` and check it with \`ticket-tracker sources parse\`.`,
        severity: 'critical',
      });
      if (sent.delivered > 0) await db.query(`UPDATE alerts SET sent_at = now(), channels = $2 WHERE dedupe_key = $1`, [key, ['webhook']]);
      return { alerted: true };
    },

    /**
     * More than `threshold` errors in the window raises one operator alert per window: the
     * alert's dedupe key names the window, so retries and later cycles in it do not repeat it.
     */
    async checkErrorRate({ threshold, windowMinutes }) {
      const now = Date.now();
      const errors = await countRecentErrors(db, new Date(now - windowMinutes * 60_000));
      if (errors <= threshold) return { errors, alerted: false };
      const windowKey = Math.floor(now / (windowMinutes * 60_000));
      const message = `${errors} scrape errors in the last ${windowMinutes} minutes (threshold ${threshold}); see \`ticket-tracker errors\``;
      const inserted = await db.query(
        `INSERT INTO alerts (kind, dedupe_key, message, details, triggered_at)
         VALUES ('operator_error_rate', $1, $2, $3, now()) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
        [`error-rate/${windowKey}`, message, JSON.stringify({ errors, threshold, windowMinutes })],
      );
      if (inserted.rowCount === 0) return { errors, alerted: false };
      logger.warn(message, { errors, threshold });
      const sent = await notifier.send({ title: 'Ticket Tracker: high scrape error rate', text: message, severity: 'warning' });
      if (sent.delivered > 0) {
        await db.query(`UPDATE alerts SET sent_at = now(), channels = $2 WHERE dedupe_key = $1`, [`error-rate/${windowKey}`, ['webhook']]);
      }
      return { errors, alerted: true };
    },
  };
}
