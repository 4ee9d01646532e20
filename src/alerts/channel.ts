import type { Env } from '../config/schema';
import type { Logger } from '../logging/logger';
import { discordChannel } from './channels/discord';
import { emailChannel } from './channels/email';
import { slackChannel } from './channels/slack';
import { webhookChannel } from './channels/webhook';
import type { AlertChannel, ChannelName } from './message';
import { emailSettingsProblem } from './settings';

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
  /** Each send is logged at debug level: channel, masked target, outcome, milliseconds. */
  logger?: Logger;
  /** Clock for `sentAt`, signatures and timestamps; defaults to the system clock. */
  now?: () => Date;
}

/**
 * The channels the configuration sets up, in the order discord, slack, webhook, email (empty when
 * none). A channel is set up when its URL is set (e-mail: SMTP_URL and at least one address in
 * ALERT_EMAIL_TO). Building them does no I/O; each `send` is one request.
 * Throws Error naming the setting when e-mail is half-configured (SMTP_URL without
 * ALERT_EMAIL_TO or the reverse); parseEnv reports the same as a ConfigError first.
 */
export function configuredChannels(env: ChannelSettings, deps: ChannelDeps = {}): AlertChannel[] {
  const now = deps.now ?? (() => new Date());
  const timeoutMs = env.ALERT_TIMEOUT_MS;
  const channels: AlertChannel[] = [];
  if (env.DISCORD_WEBHOOK_URL) channels.push(discordChannel({ url: env.DISCORD_WEBHOOK_URL, timeoutMs, now }));
  if (env.SLACK_WEBHOOK_URL) channels.push(slackChannel({ url: env.SLACK_WEBHOOK_URL, timeoutMs, now }));
  if (env.ALERT_WEBHOOK_URL) {
    channels.push(webhookChannel({ url: env.ALERT_WEBHOOK_URL, secret: env.ALERT_WEBHOOK_SECRET, timeoutMs, now }));
  }
  const problem = emailSettingsProblem(env);
  if (problem) throw new Error(`${problem.variable}: ${problem.reason}`);
  if (env.SMTP_URL) {
    channels.push(
      emailChannel({
        smtpUrl: env.SMTP_URL,
        user: env.SMTP_USER,
        password: env.SMTP_PASSWORD,
        from: env.ALERT_EMAIL_FROM,
        to: env.ALERT_EMAIL_TO,
        timeoutMs,
      }),
    );
  }
  const logger = deps.logger;
  return logger ? channels.map((c) => logged(c, logger)) : channels;
}

/** The channel, each send logged at debug level (name, masked target, outcome; never the URL). */
function logged(channel: AlertChannel, logger: Logger): AlertChannel {
  return {
    name: channel.name,
    target: channel.target,
    async send(message, options) {
      const started = Date.now();
      const outcome = await channel.send(message, options);
      logger.debug(`alert ${message.dedupeKey} on ${channel.name}: ${outcome.status}`, {
        channel: channel.name,
        target: channel.target,
        status: outcome.status,
        httpStatus: outcome.httpStatus,
        ms: Date.now() - started,
        ...(outcome.status === 'delivered' ? {} : { reason: outcome.reason }),
      });
      return outcome;
    },
  };
}

/** One configured channel by name, or undefined when it is not configured. */
export function configuredChannel(name: ChannelName, env: ChannelSettings, deps: ChannelDeps = {}): AlertChannel | undefined {
  return configuredChannels(env, deps).find((c) => c.name === name);
}
