import type { Env } from '../config/schema';
import type { Logger } from '../logging/logger';
import type { AlertChannel, ChannelName } from './message';

export {
  CHANNEL_NAMES,
  SEVERITIES,
  alertMessageSchema,
  deliveryOutcomeSchema,
  type AlertChannel,
  type AlertEvent,
  type AlertMessage,
  type ChannelName,
  type DeliveryOutcome,
  type Severity,
} from './message';

/** The settings the channels read (group 'Alerts' of src/config/schema.ts). */
export type ChannelSettings = Pick<
  Env,
  | 'DISCORD_WEBHOOK_URL'
  | 'SLACK_WEBHOOK_URL'
  | 'ALERT_WEBHOOK_URL'
  | 'ALERT_WEBHOOK_SECRET'
  | 'SMTP_URL'
  | 'SMTP_USER'
  | 'SMTP_PASSWORD'
  | 'ALERT_EMAIL_FROM'
  | 'ALERT_EMAIL_TO'
  | 'ALERT_TIMEOUT_MS'
>;

/** What channels may be given besides the settings (tests pass a clock). */
export interface ChannelDeps {
  logger?: Logger;
  /** Clock for `sentAt`, signatures and timestamps; defaults to the system clock. */
  now?: () => Date;
}

/**
 * The channels the configuration sets up, in the order discord, slack, webhook, email (empty when
 * none). A channel is set up when its URL is set (e-mail: SMTP_URL and ALERT_EMAIL_TO).
 * Throws Error naming the setting when a channel is half-configured (e.g. SMTP_URL without
 * ALERT_EMAIL_TO).
 */
export function configuredChannels(env: ChannelSettings, deps: ChannelDeps = {}): AlertChannel[] {
  void env;
  void deps;
  throw new Error('configuredChannels: channels not built yet (branch alerts-channels in progress)');
}

/** One configured channel by name, or undefined when it is not configured. */
export function configuredChannel(name: ChannelName, env: ChannelSettings, deps: ChannelDeps = {}): AlertChannel | undefined {
  return configuredChannels(env, deps).find((c) => c.name === name);
}
