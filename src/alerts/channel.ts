import type { Env } from '../config/schema';
import type { Logger } from '../logging/logger';
import { CHANNELS, type ChannelName, type ChannelSettingName } from './channels/registry';
import type { AlertChannel } from './message';
import { CHANNEL_IO } from './transport';

export { CHANNEL_NAMES, CHANNELS, type ChannelName } from './channels/registry';
export {
  SEVERITIES,
  alertMessageSchema,
  deliveryOutcomeSchema,
  type AlertChannel,
  type AlertEvent,
  type AlertMessage,
  type DeliveryOutcome,
  type Severity,
} from './message';

/** The settings the channels read (group 'Alerts' of src/config/schema.ts): each channel's own, and the shared timeout. */
export type ChannelSettings = Pick<Env, ChannelSettingName | 'ALERT_TIMEOUT_MS'>;

/** What channels may be given besides the settings (tests pass a clock). */
export interface ChannelDeps {
  /** Each send is logged at debug level: channel, masked target, outcome, milliseconds. */
  logger?: Logger;
  /** Clock for `sentAt`, signatures and timestamps; defaults to the system clock. */
  now?: () => Date;
}

/**
 * The channels the configuration sets up, in the registry's order (src/alerts/channels/registry.ts:
 * discord, slack, webhook, email; empty when none): each descriptor's `configure`, given the
 * network (src/alerts/transport.ts). A channel is set up when its URL is set (e-mail: SMTP_URL and
 * at least one address in ALERT_EMAIL_TO). Building them does no I/O; each `send` is one request.
 * Throws Error naming the setting when e-mail is half-configured (SMTP_URL without
 * ALERT_EMAIL_TO or the reverse); parseEnv reports the same as a ConfigError first.
 */
export function configuredChannels(env: ChannelSettings, deps: ChannelDeps = {}): AlertChannel<ChannelName>[] {
  const context = { timeoutMs: env.ALERT_TIMEOUT_MS, now: deps.now ?? (() => new Date()), io: CHANNEL_IO };
  const channels = CHANNELS.map((c) => c.configure(env, context)).filter((c) => c !== null);
  const logger = deps.logger;
  return logger ? channels.map((c) => logged(c, logger)) : channels;
}

/** The channel, each send logged at debug level (name, masked target, outcome; never the URL). */
function logged<N extends string>(channel: AlertChannel<N>, logger: Logger): AlertChannel<N> {
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
export function configuredChannel(name: ChannelName, env: ChannelSettings, deps: ChannelDeps = {}): AlertChannel<ChannelName> | undefined {
  return configuredChannels(env, deps).find((c) => c.name === name);
}
