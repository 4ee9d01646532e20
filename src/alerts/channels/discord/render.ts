import type { AlertMessage } from '../../message';
import { cut, factsOf, oneLine } from '../../text';

/**
 * The Discord "Execute Webhook" body for one alert: a `content` line (what notifications and
 * clients without embeds show) and one rich embed.
 *
 * Format and limits, from Discord's developer documentation (discord/discord-api-docs):
 * - docs/resources/webhook.md, "Execute Webhook": JSON params `content` (up to 2000 characters),
 *   `username`, `embeds` (up to 10), `allowed_mentions`; at least one of content/embeds.
 * - docs/resources/message.md, "Embed Limits": title 256, description 4096, up to 25 fields,
 *   field name 256, field value 1024, footer text 2048, author name 256, and at most 6000
 *   characters in all of them together; "Violating any of these constraints will result in a
 *   Bad Request response". Embed structure: title, type, description, url, timestamp (ISO 8601),
 *   color (integer), footer {text}, fields [{name, value, inline}].
 * - "Allowed Mentions Object": `{"parse": []}` suppresses every mention, so an event called
 *   "@everyone" pings no one.
 */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  total: 6000,
} as const;

export interface DiscordEmbed {
  title: string;
  description?: string;
  url?: string;
  timestamp: string;
  color: number;
  footer: { text: string };
  fields: { name: string; value: string; inline: boolean }[];
}

export interface DiscordWebhookBody {
  content: string;
  username: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: never[] };
}

/** Embed side-bar colours (Discord's brand palette). */
const COLORS = { drop: 0x57f287, rise: 0xfee75c, info: 0x5865f2, warning: 0xfee75c, critical: 0xed4245 } as const;

function colorOf(message: AlertMessage): number {
  if (message.kind === 'price' && typeof message.changePercent === 'number' && message.changePercent !== 0) {
    return message.changePercent < 0 ? COLORS.drop : COLORS.rise;
  }
  return COLORS[message.severity];
}

/** Characters Discord counts towards the 6000 total. */
export function embedCharacters(embed: DiscordEmbed): number {
  return (
    embed.title.length +
    (embed.description?.length ?? 0) +
    embed.footer.text.length +
    embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/**
 * The body to POST for `message`. `now` is the embed's timestamp when the alert has no
 * `capturedAt`. Every limit above holds whatever the message's lengths (long texts are cut with
 * "…", the description last of all so the total stays within 6000).
 */
export function renderDiscord(message: AlertMessage, now: Date): DiscordWebhookBody {
  const title = cut(oneLine(message.title), DISCORD_LIMITS.title) || 'Ticket Tracker alert';
  const fields = factsOf(message)
    .slice(0, DISCORD_LIMITS.fields)
    .map((f) => ({
      name: cut(f.label, DISCORD_LIMITS.fieldName),
      value:
        cut(f.url && f.label === 'Event' ? `[${escapeMarkdown(f.value)}](${f.url})` : escapeMarkdown(f.value), DISCORD_LIMITS.fieldValue) ||
        '-',
      inline: f.label !== 'Event',
    }));
  const footer = { text: cut(`Ticket Tracker · ${message.kind} alert · ${message.dedupeKey}`, DISCORD_LIMITS.footer) };
  const embed: DiscordEmbed = {
    title,
    ...(message.event?.url ? { url: message.event.url } : {}),
    timestamp: message.capturedAt ?? now.toISOString(),
    color: colorOf(message),
    footer,
    fields,
  };
  const room = DISCORD_LIMITS.total - embedCharacters(embed);
  const description = cut(message.text, Math.min(DISCORD_LIMITS.description, room));
  if (description) embed.description = description;
  const severity = message.severity === 'info' ? '' : `[${message.severity.toUpperCase()}] `;
  return {
    content: cut(`${severity}${oneLine(message.title)}`, DISCORD_LIMITS.content),
    username: 'Ticket Tracker',
    embeds: [embed],
    allowed_mentions: { parse: [] },
  };
}

/**
 * Discord markdown's special characters escaped, so an event name shows as written: emphasis,
 * code, spoiler and link characters anywhere; quote, heading and list markers at a line's start.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_~`|[\]])/g, '\\$1').replace(/^([>#-])(?=[ #])/gm, '\\$1');
}
