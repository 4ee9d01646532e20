import type { Logger } from '../logging/logger';
import { configuredChannels, type ChannelSettings } from './channel';
import type { Severity } from './message';
import { operatorAlert } from './operator';

/**
 * The operator-alert path of before the notification log: sends once to every configured
 * channel, without retries. It renders through the same channels as price alerts (so both look
 * the same) until its callers move onto the notification log and `deliverAlert`.
 */
export interface OperatorAlert {
  title: string;
  text: string;
  severity: Severity;
  /** Same key = same alert (sent as Idempotency-Key and in the bodies); default: a hash of the alert. */
  dedupeKey?: string;
}

export interface Notifier {
  /** Sends to every configured channel; resolves to how many accepted it. Never throws. */
  send(alert: OperatorAlert): Promise<{ delivered: number; failed: number; configured: number }>;
}

/** Operator alerts to the channels in the configuration (Discord, Slack, webhook, e-mail). */
export function createWebhookNotifier(env: ChannelSettings, logger: Logger): Notifier {
  const channels = configuredChannels(env, { logger });
  return {
    async send(alert) {
      if (channels.length === 0) {
        logger.warn(`operator alert (no alert channel configured): ${alert.title}`, { alert });
        return { delivered: 0, failed: 0, configured: 0 };
      }
      const message = operatorAlert(alert);
      const outcomes = await Promise.all(channels.map(async (c) => ({ channel: c, outcome: await c.send(message) })));
      let delivered = 0;
      for (const { channel, outcome } of outcomes) {
        if (outcome.status === 'delivered') delivered++;
        else
          logger.warn(`${channel.name} alert not delivered (${outcome.status}): ${outcome.reason}`, {
            title: alert.title,
            target: channel.target,
          });
      }
      return { delivered, failed: channels.length - delivered, configured: channels.length };
    },
  };
}
