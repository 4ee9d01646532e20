import type { AlertMessage } from '../../message';
import { cut, factsOf, oneLine } from '../../text';

/**
 * The Slack incoming-webhook body for one alert: Block Kit blocks plus a `text` fallback (what
 * notifications and clients without blocks show).
 *
 * Format and limits, from Slack's documentation (docs.slack.dev / api.slack.com):
 * - "Sending messages using incoming webhooks": POST JSON `{"text": ..., "blocks": [...]}`;
 *   with blocks, `text` is the fallback used in notifications.
 * - Block Kit reference: header block `{"type": "header", "text": {"type": "plain_text", "text"}}`
 *   with at most 150 characters; section block `text` at most 3000 characters, `fields` at most
 *   10 items of at most 2000 characters each; context block at most 10 elements; actions block
 *   with a button element (`text` plain_text at most 75 characters, `url` at most 3000
 *   characters, `action_id` at most 255); at most 50 blocks in a message.
 * - "Formatting text for app surfaces", escaping: in mrkdwn text, `&`, `<` and `>` must be sent
 *   as `&amp;`, `&lt;` and `&gt;` (Slack reads `<...>` as links and mentions).
 */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  buttonText: 75,
  buttonUrl: 3000,
  fallbackText: 3000,
} as const;

type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };
type Mrkdwn = { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'context'; elements: Mrkdwn[] }
  | { type: 'actions'; elements: { type: 'button'; text: PlainText; url: string; action_id: string }[] };

export interface SlackWebhookBody {
  text: string;
  blocks: SlackBlock[];
}

/** Slack's three control characters escaped (mrkdwn and the fallback text). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const EMOJI: Record<AlertMessage['severity'], string> = {
  info: ':information_source:',
  warning: ':warning:',
  critical: ':rotating_light:',
};

/** The body to POST for `message`; every limit above holds whatever the message's lengths. */
export function renderSlack(message: AlertMessage): SlackWebhookBody {
  const title = oneLine(message.title) || 'Ticket Tracker alert';
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: cut(title, SLACK_LIMITS.headerText), emoji: true } }];
  const text = message.text.trim();
  if (text) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(escapeSlack(text), SLACK_LIMITS.sectionText) } });
  const facts = factsOf(message).filter((f) => f.label !== 'Captured at');
  for (let i = 0; i < facts.length; i += SLACK_LIMITS.sectionFields) {
    blocks.push({
      type: 'section',
      fields: facts.slice(i, i + SLACK_LIMITS.sectionFields).map((f) => ({
        type: 'mrkdwn',
        text: cut(`*${escapeSlack(f.label)}*\n${escapeSlack(f.value)}`, SLACK_LIMITS.fieldText),
      })),
    });
  }
  const context: Mrkdwn[] = [{ type: 'mrkdwn', text: `${EMOJI[message.severity]} ${message.severity} ${message.kind} alert` }];
  if (message.capturedAt) context.push({ type: 'mrkdwn', text: `captured ${escapeSlack(message.capturedAt)}` });
  context.push({ type: 'mrkdwn', text: cut(`key \`${escapeSlack(message.dedupeKey)}\``, SLACK_LIMITS.fieldText) });
  blocks.push({ type: 'context', elements: context });
  const url = message.event?.url;
  if (url && url.length <= SLACK_LIMITS.buttonUrl) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the event page' }, url, action_id: 'open_event' }],
    });
  }
  const fallback = [title, text].filter((s) => s.length > 0).join('\n');
  return { text: cut(escapeSlack(fallback), SLACK_LIMITS.fallbackText), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}
