import { createHash } from 'node:crypto';
import type { AlertMessage, Severity } from './message';

/**
 * AlertMessages for the operator (kind 'operator'): the scrape error rate and format drift, or
 * any other. Pure functions; their dedupe keys name the window, so one alert per window goes out
 * whatever the retries.
 */

/** Any operator alert. Without `dedupeKey`, the key is a hash of severity, title and text. */
export function operatorAlert(input: { title: string; text: string; severity: Severity; dedupeKey?: string }): AlertMessage {
  const dedupeKey =
    input.dedupeKey ??
    `operator/${createHash('sha256').update(`${input.severity}\n${input.title}\n${input.text}`).digest('hex').slice(0, 24)}`;
  return { kind: 'operator', severity: input.severity, title: input.title, text: input.text, dedupeKey };
}

/**
 * More than `threshold` scrape errors in the last `windowMinutes`. `at` picks the window; the
 * key `error-rate/<window number>` is the one the alerts table uses.
 */
export function errorRateAlert(input: { errors: number; threshold: number; windowMinutes: number; at: Date }): AlertMessage {
  const windowKey = Math.floor(input.at.getTime() / (input.windowMinutes * 60_000));
  return operatorAlert({
    title: 'Ticket Tracker: high scrape error rate',
    text: `${input.errors} scrape errors in the last ${input.windowMinutes} minutes (threshold ${input.threshold}); see \`ticket-tracker errors\``,
    severity: 'warning',
    dedupeKey: `error-rate/${windowKey}`,
  });
}

/**
 * A marketplace's payloads no longer parse as expected ("format drift"): one alert per
 * marketplace per hour, key `format-drift/<marketplace>/<hour number>`.
 */
export function formatDriftAlert(input: { marketplace: string; eventId: number; message: string; at: Date }): AlertMessage {
  const hour = Math.floor(input.at.getTime() / 3_600_000);
  return {
    ...operatorAlert({
      title: `Ticket Tracker: ${input.marketplace} changed its format`,
      text: `${input.message}\nSave a payload with \`ticket-tracker marketplaces probe ${input.marketplace} ID --save FILE\` and check it with \`ticket-tracker marketplaces parse\`.`,
      severity: 'critical',
      dedupeKey: `format-drift/${input.marketplace}/${hour}`,
    }),
    marketplace: input.marketplace,
  };
}

/** A channel refused alerts for good (401/403/404/410, SMTP 5xx): told once per channel. */
export function brokenChannelAlert(input: { channel: string; reason: string; at: Date }): AlertMessage {
  return operatorAlert({
    title: `Ticket Tracker: alert channel ${input.channel} is broken`,
    text: `${input.channel} refused an alert: ${input.reason}\nFix its settings, then check it with \`ticket-tracker alerts test ${input.channel}\`.`,
    severity: 'critical',
    dedupeKey: `channel-broken/${input.channel}/${Math.floor(input.at.getTime() / 86_400_000)}`,
  });
}
