import { request } from 'undici';
import type { Env } from '../config';
import type { Logger } from '../logging/logger';

export interface OperatorAlert {
  title: string;
  text: string;
  severity: 'info' | 'warning' | 'critical';
}

export interface Notifier {
  /** Sends to every configured webhook; resolves to how many accepted it. Never throws. */
  send(alert: OperatorAlert): Promise<{ delivered: number; failed: number; configured: number }>;
}

/** The body each kind of webhook expects. */
function bodyFor(kind: 'generic' | 'discord' | 'slack', alert: OperatorAlert): unknown {
  const line = `[${alert.severity.toUpperCase()}] ${alert.title}\n${alert.text}`;
  if (kind === 'discord') return { content: line.slice(0, 2000) };
  if (kind === 'slack') return { text: line };
  return { ...alert, source: 'ticket-tracker', sentAt: new Date().toISOString() };
}

/** Alerts go to the webhooks in the configuration (generic JSON, Discord, Slack). */
export function createWebhookNotifier(
  env: Pick<Env, 'ALERT_WEBHOOK_URL' | 'DISCORD_WEBHOOK_URL' | 'SLACK_WEBHOOK_URL'>,
  logger: Logger,
): Notifier {
  const targets = (
    [
      ['generic', env.ALERT_WEBHOOK_URL],
      ['discord', env.DISCORD_WEBHOOK_URL],
      ['slack', env.SLACK_WEBHOOK_URL],
    ] as const
  ).filter((t): t is readonly ['generic' | 'discord' | 'slack', string] => typeof t[1] === 'string');
  return {
    async send(alert) {
      if (targets.length === 0) {
        logger.warn(`operator alert (no webhook configured): ${alert.title}`, { alert });
        return { delivered: 0, failed: 0, configured: 0 };
      }
      let delivered = 0;
      let failed = 0;
      for (const [kind, url] of targets) {
        try {
          const res = await request(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(bodyFor(kind, alert)),
            headersTimeout: 10_000,
            bodyTimeout: 10_000,
          });
          await res.body.dump();
          if (res.statusCode >= 200 && res.statusCode < 300) delivered++;
          else {
            failed++;
            logger.warn(`${kind} webhook answered ${res.statusCode}`, { title: alert.title });
          }
        } catch (err) {
          failed++;
          logger.warn(`${kind} webhook failed: ${(err as Error).message}`, { title: alert.title });
        }
      }
      return { delivered, failed, configured: targets.length };
    },
  };
}
