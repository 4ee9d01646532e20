import type { z } from 'zod';
import type { AlertChannel, AlertMessage } from '../message';
import type { ChannelIo } from './io';

/**
 * What every other part of the product needs to know about an alert channel: its name and label,
 * its settings (the configuration's group Alerts is built from them), how to tell whether they
 * make sense together, and how to set the channel up from them. Pure: no I/O import, so
 * src/config can read the settings; the channel sends through the `io` it is given. Each
 * channel's folder holds its descriptor.ts, its channel.ts (send and the reading of answers) and
 * its render.ts; registry.ts lists every descriptor, and everything else iterates that list.
 */
export interface ChannelSettingSpec<N extends string = string, S extends z.ZodType = z.ZodType> {
  /** Environment variable, e.g. "DISCORD_WEBHOOK_URL". */
  name: N;
  description: string;
  /** Secret values are masked in logs, printed config and error messages. */
  secret: boolean;
  /** The value as read from the environment (src/config/setting-schemas.ts), with its default. */
  schema: S;
}

/** A setting that is wrong with respect to another, and why. */
export interface SettingProblem {
  variable: string;
  reason: string;
}

/** The parsed values of `S`, as parseEnv gives them (optional when the schema has no default). */
export type SettingValues<S extends readonly ChannelSettingSpec[]> = z.output<z.ZodObject<{ [K in S[number] as K['name']]: K['schema'] }>>;

/** What `configure` is given besides the channel's own settings. */
export interface ConfigureDeps {
  /** ALERT_TIMEOUT_MS: one delivery (connect, answer and body), in milliseconds. */
  timeoutMs: number;
  /** Clock for `sentAt`, signatures and timestamps. */
  now: () => Date;
  /** The network (src/alerts/transport.ts; tests may pass their own). */
  io: ChannelIo;
}

export interface ChannelDescriptor<
  N extends string = string,
  S extends readonly ChannelSettingSpec[] = readonly ChannelSettingSpec[],
  R = unknown,
> {
  name: N;
  /** How people write it ("E-mail"). */
  label: string;
  /** Every setting of this channel, in the order the configuration lists them. */
  settings: S;
  /** The problems of these settings taken together (empty when none); parseEnv reports them as a ConfigError. */
  settingsProblems(settings: SettingValues<S>): SettingProblem[];
  /**
   * The channel, or null when its settings do not set it up. No I/O: each `send` is one delivery
   * through `deps.io`. Throws Error "<VARIABLE>: <reason>" when it is half set up in a way it
   * cannot send with (e-mail: SMTP_URL without ALERT_EMAIL_TO, or the reverse).
   */
  configure(settings: SettingValues<S>, deps: ConfigureDeps): AlertChannel<N> | null;
  /** What `send` delivers for `message` (a request body, or an e-mail); `now` stands for the sending time. */
  render(message: AlertMessage, now: Date): R;
}

/** A descriptor, its settings' names and schemas kept exact (for the configuration's types). */
export function defineChannel<const N extends string, const S extends readonly ChannelSettingSpec[], R>(
  descriptor: ChannelDescriptor<N, S, R>,
): ChannelDescriptor<N, S, R> {
  return descriptor;
}
