import { z } from 'zod';
import { classifyAnswer, isFailure, maskUrl, retryAfterFromHeaders, type HttpAnswer, type HttpPost } from '../../http';
import type { AlertChannel, AlertMessage, DeliveryOutcome } from '../../message';
import { renderDiscord } from './render';

/**
 * The Discord channel: one Execute Webhook request per alert (POST {webhook URL}?wait=true).
 *
 * Answers, from Discord's developer documentation (discord/discord-api-docs):
 * - docs/resources/webhook.md "Execute Webhook": `204 No Content`, or `200` with the created
 *   message when `wait=true` (we ask for it: Discord then confirms the message was saved).
 * - docs/topics/rate-limits.md "Exceeding A Rate Limit": 429 with a JSON body
 *   `{"message": "You are being rate limited.", "retry_after": 64.57, "global": false}`
 *   (`retry_after` in seconds, a float) and `Retry-After` / `X-RateLimit-Reset-After` headers.
 *   "If a webhook returns a 404 status you should not attempt to use it again."
 * - docs/topics/opcodes-and-status-codes.md "JSON Error Codes": error bodies are
 *   `{"code": 10015, "message": "Unknown Webhook"}`, `{"code": 50027, "message": "Invalid Webhook
 *   Token"}` (401), and for a bad payload 400 `{"code": 50035, "message": "Invalid Form Body",
 *   "errors": {...: {"_errors": [{"code", "message"}]}}}`.
 * Pure: the request goes through `post`.
 */
export function discordChannel(options: { url: string; timeoutMs: number; now: () => Date; post: HttpPost }): AlertChannel<'discord'> {
  const target = withWait(options.url);
  return {
    name: 'discord',
    target: maskUrl(options.url),
    async send(message: AlertMessage, sendOptions?: { signal?: AbortSignal }): Promise<DeliveryOutcome> {
      const body = JSON.stringify(renderDiscord(message, options.now()));
      const answer = await options.post(target, body, {
        headers: { 'content-type': 'application/json', 'user-agent': 'ticket-tracker (alerts)' },
        timeoutMs: options.timeoutMs,
        signal: sendOptions?.signal,
      });
      if (isFailure(answer)) return { status: 'retry', reason: `Discord: ${answer.reason}` };
      return classifyDiscordAnswer(answer, options.now().getTime());
    },
  };
}

/** The webhook URL with `wait=true` added (other query parameters such as thread_id kept). */
export function withWait(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('wait')) u.searchParams.set('wait', 'true');
  return u.toString();
}

const rateLimitBody = z.object({ message: z.string().optional(), retry_after: z.number().nonnegative(), global: z.boolean().optional() });
const errorBody = z.object({ code: z.number().optional(), message: z.string().optional(), errors: z.unknown().optional() });
const messageBody = z.object({ id: z.string() });

/**
 * The outcome of Discord's answer. 2xx delivered (response: the message id when Discord sent
 * the message back); 429 retry after the body's `retry_after` (else the headers); 5xx retry;
 * 400 (bad payload), 401, 403, 404 and other 4xx permanent, with Discord's error message and the
 * field paths of a 400.
 */
export function classifyDiscordAnswer(answer: HttpAnswer, now: number): DeliveryOutcome {
  const json = parseJson(answer.body);
  if (answer.status >= 200 && answer.status < 300) {
    const sent = messageBody.safeParse(json);
    return {
      status: 'delivered',
      httpStatus: answer.status,
      response: sent.success ? `message ${sent.data.id}` : answer.status === 204 ? '204 No Content' : answer.body.slice(0, 2000),
    };
  }
  if (answer.status === 429) {
    const limited = rateLimitBody.safeParse(json);
    const retryAfterMs = limited.success ? Math.ceil(limited.data.retry_after * 1000) : retryAfterFromHeaders(answer.headers, now);
    const detail = limited.success ? `${limited.data.message ?? 'rate limited'}${limited.data.global ? ' (global)' : ''}` : undefined;
    return classifyAnswer(answer, 'Discord', retryAfterMs, detail);
  }
  const error = errorBody.safeParse(json);
  const detail = error.success ? describeDiscordError(error.data) : undefined;
  return classifyAnswer(answer, 'Discord', answer.status >= 500 ? retryAfterFromHeaders(answer.headers, now) : undefined, detail);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** "Invalid Form Body (50035): embeds.0.fields.6.value: Must be 1024 or fewer in length." */
export function describeDiscordError(error: z.infer<typeof errorBody>): string {
  const head = `${error.message ?? 'error'}${error.code !== undefined ? ` (${error.code})` : ''}`;
  const problems: string[] = [];
  collectErrors(error.errors, [], problems);
  return problems.length > 0 ? `${head}: ${problems.join('; ')}` : head;
}

function collectErrors(node: unknown, path: string[], out: string[]): void {
  if (node === null || typeof node !== 'object' || out.length >= 10) return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === '_errors' && Array.isArray(value)) {
      for (const e of value) {
        const m = (e as { message?: unknown }).message;
        out.push(`${path.join('.') || '(body)'}: ${typeof m === 'string' ? m : JSON.stringify(e)}`);
      }
    } else {
      collectErrors(value, [...path, key], out);
    }
  }
}
