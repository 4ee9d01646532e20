import { redact } from '../config/redact';
import type { MarketplaceName } from '../domain/listing';

/**
 * Why a fetch failed, in the terms the retry decision needs:
 * - `rate-limited`: 429 (or 503 with Retry-After); retryable after the server's delay
 * - `unavailable`: 5xx, connection reset/refused, timeouts; retryable with the activity's backoff
 * - `rejected`: 400/401/403/404 and other 4xx; retrying cannot help
 * - `bad-payload`: the response is not the marketplace's format (wrong shape, truncated JSON)
 */
export type MarketplaceErrorKind = 'rate-limited' | 'unavailable' | 'rejected' | 'bad-payload';

export interface MarketplaceErrorInit {
  marketplace: MarketplaceName;
  eventId: string;
  kind: MarketplaceErrorKind;
  message: string;
  status?: number;
  /** From Retry-After (or the marketplace's own reset header), in milliseconds. */
  retryAfterMs?: number;
  /** The policy a rate limit names (Ticketmaster's 429 bodies do). */
  policy?: string;
  /** For bad payloads: where in the payload, e.g. "tickets[3].p". */
  path?: string;
  /** For a body that is not JSON: the body as received (what `marketplaces probe --save` keeps). */
  body?: string;
  cause?: unknown;
}

export class MarketplaceError extends Error {
  override name = 'MarketplaceError';
  readonly marketplace: MarketplaceName;
  readonly eventId: string;
  readonly kind: MarketplaceErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly policy?: string;
  readonly path?: string;
  readonly body?: string;

  constructor(init: MarketplaceErrorInit) {
    // Redacted here, once for every path the message takes (logs, scrape_errors and so the `errors`
    // command and the dashboard, the Temporal failure and its stack): a marketplace that repeats
    // the request in its error body (an API key, a client secret, a session token) must not put
    // the credential into any of them.
    super(
      redact(`${init.marketplace} event ${init.eventId}: ${init.message}`),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.marketplace = init.marketplace;
    this.eventId = init.eventId;
    this.kind = init.kind;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.policy !== undefined) this.policy = init.policy;
    if (init.path !== undefined) this.path = init.path;
    if (init.body !== undefined) this.body = init.body;
  }

  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'unavailable';
  }
}

/** A payload whose shape is not the marketplace's format; `path` names the offending field. */
export class PayloadShapeError extends Error {
  override name = 'PayloadShapeError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`payload does not match the expected format at ${path || '(root)'}: ${reason}`);
  }
}

/**
 * Retry-After as milliseconds from `now`: either delta-seconds or an HTTP date (RFC 9110).
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The decision for an HTTP status that is not 2xx. */
export function kindForStatus(status: number, hasRetryAfter: boolean): MarketplaceErrorKind {
  if (status === 429) return 'rate-limited';
  if (status === 503) return hasRetryAfter ? 'rate-limited' : 'unavailable';
  if (status >= 500) return 'unavailable';
  if (status === 408) return 'unavailable';
  return 'rejected';
}

/** What an operator should do about a rejected request, by status. */
export function hintForStatus(status: number, credential: string | undefined): string {
  switch (status) {
    case 400:
      return 'the marketplace rejected the request as malformed; check the event id';
    case 401:
      return credential ? `the credential was refused; check ${credential}` : 'authentication required';
    case 403:
      return credential
        ? `access forbidden; check ${credential} and its permissions (or the proxy's IP)`
        : 'access forbidden (blocked IP or proxy?)';
    case 404:
      return 'no such event on this marketplace; check the event id in the sheet';
    default:
      return 'the marketplace rejected the request';
  }
}
