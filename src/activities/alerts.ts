import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AlertChannel } from '../alerts/channel';
import { brokenChannels, loadAlertMessage, markBroken, recordDelivery, recordOperatorAlert, wasDelivered } from '../alerts/log';
import { brokenChannelAlert } from '../alerts/operator';
import type { Db } from '../db/pool';
import type { ScrapeEvaluationSummary, StoredScrapeRef } from '../domain/tracker';
import type { Logger } from '../logging/logger';
import { evaluateStoredScrape } from '../scrape/evaluate';
import type { OperatorAlertToDeliver } from './types';

/** Failure types of deliverAlert (the workflow tells them apart from other failures). */
export const DELIVERY_RETRY_FAILURE = 'AlertDeliveryRetry';
export const DELIVERY_PERMANENT_FAILURE = 'AlertDeliveryPermanent';

export interface AlertActivityDeps {
  db: Db;
  logger: Logger;
  /** The configured channels (src/alerts/channel.ts configuredChannels), resolved on first use. */
  channels: () => readonly AlertChannel[];
}

/** A stored scrape's evaluation, and the delivery of one alert on one channel. */
export function alertActivities(deps: AlertActivityDeps) {
  const { db, logger } = deps;
  return {
    /**
     * After a stored scrape, as a local activity: what `scrape` does itself in the same attempt
     * (evaluateStoredScrape), run by the workflow only when the scrape's result carries no
     * evaluation (it failed there, or the history was recorded before). Returns the firings to deliver.
     */
    async evaluateScrape({ ref }: { ref: StoredScrapeRef }): Promise<ScrapeEvaluationSummary> {
      return evaluateStoredScrape(db, logger, ref);
    },

    /**
     * One alert on one channel, once: throws for 'retry' (retryable) and 'permanent' (not). An
     * alert the log shows delivered there is not sent again (a retried activity). The channel's
     * answer decides: 'retry' throws a retryable failure whose nextRetryDelay is the receiver's
     * retry_after (Discord's and Slack's 429); 'permanent' marks the channel broken, records a
     * notice to the operator once, and fails without retry (the notice is recorded here and handed
     * to the workflow in the failure's details, see OperatorAlertToDeliver, so it is delivered with
     * retries). A channel that is not configured, or marked broken, is skipped (logged).
     */
    async deliverAlert({
      alertId,
      channel,
    }: {
      alertId: number;
      channel: string;
    }): Promise<{ channel: string; outcome: 'delivered' | 'skipped'; detail: string }> {
      const attempt = Context.current().info.attempt;
      if (await wasDelivered(db, alertId, channel)) return { channel, outcome: 'delivered', detail: 'delivered before' };
      const broken = (await brokenChannels(db)).get(channel);
      const target = deps.channels().find((c) => c.name === channel);
      if (broken !== undefined || !target) {
        const detail = broken !== undefined ? `channel marked broken: ${broken}` : `channel "${channel}" is not configured`;
        await recordDelivery(db, { alertId, channel, attempt, outcome: 'skipped', detail });
        logger.warn(`alert ${alertId} not sent on ${channel}: ${detail}`, { alertId, channel });
        return { channel, outcome: 'skipped', detail };
      }
      const message = await loadAlertMessage(db, alertId);
      const outcome = await target.send(message, { signal: Context.current().cancellationSignal });
      const detail = outcome.status === 'delivered' ? outcome.response : outcome.reason;
      await recordDelivery(db, { alertId, channel, attempt, outcome: outcome.status, detail });
      if (outcome.status === 'retry') {
        throw ApplicationFailure.create({
          message: `${channel}: ${outcome.reason}`,
          type: DELIVERY_RETRY_FAILURE,
          ...(outcome.retryAfterMs !== undefined ? { nextRetryDelay: Math.max(1, Math.ceil(outcome.retryAfterMs)) } : {}),
        });
      }
      if (outcome.status === 'permanent') {
        if (await markBroken(db, channel, outcome.reason)) {
          const operatorMessage = brokenChannelAlert({ channel, reason: `alert ${alertId}: ${outcome.reason}`, at: new Date() });
          logger.warn(operatorMessage.text, { channel, alertId });
          const id = await recordOperatorAlert(db, {
            kind: 'operator_channel_broken',
            dedupeKey: operatorMessage.dedupeKey,
            message: operatorMessage,
          });
          // Recorded here, delivered by the deliverAlerts workflow (with Temporal's retries): the
          // failure's details hand the workflow the operator alert to start (OperatorAlertToDeliver).
          if (id !== null) {
            const operatorAlert: OperatorAlertToDeliver = {
              alertId: id,
              dedupeKey: operatorMessage.dedupeKey,
              channels: deps
                .channels()
                .map((c) => c.name as string)
                .filter((name) => name !== channel),
            };
            throw ApplicationFailure.create({
              message: `${channel}: ${outcome.reason}`,
              type: DELIVERY_PERMANENT_FAILURE,
              nonRetryable: true,
              details: [{ operatorAlert }],
            });
          }
        }
        throw ApplicationFailure.create({ message: `${channel}: ${outcome.reason}`, type: DELIVERY_PERMANENT_FAILURE, nonRetryable: true });
      }
      return { channel, outcome: 'delivered', detail };
    },
  };
}
