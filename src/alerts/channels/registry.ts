import type { SettingProblem, SettingValues } from './descriptor';
import { discord } from './discord/descriptor';
import { email } from './email/descriptor';
import { slack } from './slack/descriptor';
import { webhook } from './webhook/descriptor';

/**
 * Every alert channel, once, in the order alerts go out and the configuration lists their
 * settings: the one list the configuration, configuredChannels, the rules' check of channel names
 * and the CLI iterate. Adding a channel is one folder beside this file (descriptor.ts, channel.ts,
 * render.ts) and its line here. Pure: the configuration imports it.
 */
export const CHANNELS = [discord, slack, webhook, email] as const;

export type ChannelName = (typeof CHANNELS)[number]['name'];

/** The names, as a non-empty tuple for z.enum. */
export const CHANNEL_NAMES = CHANNELS.map((c) => c.name) as unknown as readonly [ChannelName, ...ChannelName[]];

type ChannelSetting = (typeof CHANNELS)[number]['settings'][number];

/** Every channel setting's name. */
export type ChannelSettingName = ChannelSetting['name'];

/** Every channel's settings, parsed (as in the configuration's Env). */
export type ChannelSettingValues = SettingValues<readonly ChannelSetting[]>;

/** The problems of every channel's settings taken together (empty when none), channel by channel. */
export function channelSettingsProblems(settings: ChannelSettingValues): SettingProblem[] {
  return CHANNELS.flatMap((c) => c.settingsProblems(settings));
}
