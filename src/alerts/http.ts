import { redact } from '../config/redact';
import { parseRetryAfter } from '../marketplaces/errors';
import type { DeliveryOutcome } from './message';
import { cut } from './text';

/**
 * The HTTP side shared by the Discord, Slack and webhook channels: what one POST answers and how
 * the answer (or the failure) is classified into a DeliveryOutcome. Pure: the POST itself is
 * `HttpPost`, given to the channels by configuredChannels (src/alerts/transport.ts sends it).
 */

/** How much of a receiver's answer goes into an outcome. */
export const MAX_RESPONSE_CHARS = 2000;

export type HeaderMap = Record<string, string | string[] | undefined>;

/** The receiver's answer to one POST. */
export interface HttpAnswer {
  status: number;
  headers: HeaderMap;
  body: string;
}

export interface PostOptions {
  headers: Record<string, string>;
  /** Whole request (connect, answer, body) in milliseconds. */
  timeoutMs: number;
  /** The caller's cancellation (e.g. Temporal's activity cancellation). */
  signal?: AbortSignal | undefined;
}

/** A network-level failure: the receiver never answered. */
export interface HttpFailure {
  reason: string;
}

/**
 * POSTs `body` to `url`; resolves to the answer, or to a failure (network error, timeout,
 * abort). Never rejects. The URL (which carries tokens) never appears in a failure's reason.
 */
export type HttpPost = (url: string, body: string, options: PostOptions) => Promise<HttpAnswer | HttpFailure>;

export function isFailure(x: HttpAnswer | HttpFailure): x is HttpFailure {
  return 'reason' in x;
}

/** A header's first value. */
export function header(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * How long the receiver asked us to wait, in ms: the `Retry-After` header (seconds or an HTTP
 * date, RFC 9110 §10.2.3), else `X-RateLimit-Reset-After` (seconds, decimals allowed; Discord).
 */
export function retryAfterFromHeaders(headers: HeaderMap, now: number): number | undefined {
  return parseRetryAfter(header(headers, 'retry-after'), now) ?? parseRetryAfter(header(headers, 'x-ratelimit-reset-after'), now);
}

/**
 * The usual classification of an answer: 2xx delivered; 429 retry (after `retryAfterMs` when
 * known); 408 and 5xx retry; 3xx and every other 4xx permanent (400 bad payload, 401/403 refused,
 * 404 unknown hook, 410 gone). `reason` says what the receiver said, cut to 2,000 characters.
 */
export function classifyAnswer(answer: HttpAnswer, what: string, retryAfterMs: number | undefined, detail?: string): DeliveryOutcome {
  const { status } = answer;
  // What the receiver said goes into the delivery log, the CLI, the dashboard and the activity's
  // result: a receiver that repeats the request (its URL with the hook's token) must not put it there.
  const said = redact(cut(detail ?? answer.body, MAX_RESPONSE_CHARS));
  const suffix = said ? `: ${said}` : '';
  if (status >= 200 && status < 300)
    return { status: 'delivered', httpStatus: status, response: redact(cut(answer.body, MAX_RESPONSE_CHARS)) };
  if (status === 429) {
    return {
      status: 'retry',
      httpStatus: status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      reason: `${what} is rate limiting (429${retryAfterMs !== undefined ? `, retry after ${retryAfterMs} ms` : ''})${suffix}`,
    };
  }
  if (status === 408 || status >= 500) {
    return {
      status: 'retry',
      httpStatus: status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      reason: `${what} answered ${status}${suffix}`,
    };
  }
  const hint =
    status >= 300 && status < 400
      ? ' (a redirect: set the final URL)'
      : status === 401 || status === 403
        ? ' (refused: check the URL or its token)'
        : status === 404 || status === 410
          ? ' (the hook does not exist any more: create a new one)'
          : '';
  return { status: 'permanent', httpStatus: status, reason: `${what} answered ${status}${hint}${suffix}` };
}

/**
 * A URL fit for logs and messages: scheme, host and the first path segment, the rest (tokens)
 * masked, the query dropped. `https://discord.com/api/webhooks/1/abc` -> `https://discord.com/api/***`.
 */
export function maskUrl(url: string): string {
  if (!URL.canParse(url)) return '***';
  const u = new URL(url);
  const first = u.pathname.split('/').filter((s) => s.length > 0)[0];
  return `${u.protocol}//${u.host}/${first ? `${first}/***` : '***'}`;
}

/** The URL's host in lowercase ('' when unset or not a URL). */
export function hostOf(url: string | undefined): string {
  return url && URL.canParse(url) ? new URL(url).hostname.toLowerCase() : '';
}
