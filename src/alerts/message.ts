import { z } from 'zod';
import { PRICE_BASES, type PriceBasis } from '../domain/price-basis';

/**
 * The alert contract shared by every channel (Discord, Slack, webhook, e-mail) and by the code
 * that decides and logs alerts. Pure types and zod schemas: no I/O, safe to import anywhere
 * (workflow code imports it with `import type` only).
 */

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The event a price alert is about (events table). */
export interface AlertEvent {
  id: number;
  name: string;
  /** ISO 8601 with offset, or null when the catalog has no start time. */
  startsAt: string | null;
  /** The event's IANA time zone (events.timezone): channels show startsAt in it. Absent or null: shown as stored. */
  timezone?: string | null;
  venue: string | null;
  /** The event page (a marketplace's page for the event), or null. */
  url: string | null;
}

/** What one alert says, whatever the channel (channels render it their own way). */
export interface AlertMessage {
  kind: 'price' | 'operator';
  severity: Severity;
  /** One line (channels cut it to their own limits). */
  title: string;
  /** Plain-text body, may have several lines. */
  text: string;
  /** Same key = same alert: sent as Idempotency-Key / in the body so receivers can drop duplicates. */
  dedupeKey: string;
  // Price alerts only (all optional so operator alerts leave them out):
  event?: AlertEvent;
  /** Marketplace name (stubhub, vividseats, seatgeek, ticketmaster). */
  marketplace?: string;
  /** Zone name, or 'ALL' for the whole event. */
  zone?: string;
  /**
   * Tickets bought together: lowest price for 1, 2 or 4 seats. A `together` rule for another N
   * leaves it out (its title and text name N): the webhook body's version 1 allows only these.
   */
  groupSize?: 1 | 2 | 4;
  /** The rule's condition as the user wrote it, e.g. "drop 10%" or "below 120". */
  condition?: string;
  /**
   * Price per ticket in `currency` before and after (for a `together` rule, the threshold and the
   * total for groupSize seats); null when there was none (sold out).
   */
  previousPrice?: number | null;
  price?: number | null;
  /** The basis of every price of the alert (all-in, or base: before fees); channels show it beside each. Absent in alerts from before price bases. */
  basis?: PriceBasis;
  /** (price - previousPrice) / previousPrice * 100, negative for a drop. */
  changePercent?: number | null;
  /** ISO 4217 code, e.g. USD. */
  currency?: string;
  /** ISO 8601 instant of the scrape the alert comes from. */
  capturedAt?: string;
}

export type DeliveryOutcome =
  /** The receiver accepted the message; `response` is its answer body (cut to 2,000 characters). */
  | { status: 'delivered'; httpStatus?: number; response: string }
  /** Worth trying again later: 429, 5xx, network error, timeout, SMTP 4xx. `retryAfterMs` when the receiver said when. */
  | { status: 'retry'; httpStatus?: number; retryAfterMs?: number; reason: string }
  /** Trying again will not help: 400/401/403/404/410, SMTP 5xx, bad configuration. */
  | { status: 'permanent'; httpStatus?: number; reason: string };

/** A channel set up from its settings (src/alerts/channels/<name>/descriptor.ts `configure`); N is its name. */
export interface AlertChannel<N extends string = string> {
  readonly name: N;
  /** Where it sends, fit for logs and the CLI (tokens and passwords masked), e.g. `https://discord.com/api/***`. */
  readonly target: string;
  /**
   * Sends `message` once. Never throws for an answer, a network error or a timeout: it classifies
   * them into a DeliveryOutcome (retries are the caller's, i.e. Temporal's). `signal` aborts the
   * request (outcome 'retry', reason 'aborted').
   */
  send(message: AlertMessage, options?: { signal?: AbortSignal }): Promise<DeliveryOutcome>;
}

const isoInstant = z.iso.datetime({ offset: true });

/** zod schema of AlertMessage, for activity inputs and files (edges). */
export const alertMessageSchema = z
  .object({
    kind: z.enum(['price', 'operator']),
    severity: z.enum(SEVERITIES),
    title: z.string().min(1),
    text: z.string(),
    dedupeKey: z.string().min(1).max(500),
    event: z
      .object({
        id: z.number().int(),
        name: z.string().min(1),
        startsAt: isoInstant.nullable(),
        timezone: z.string().min(1).nullable().optional(),
        venue: z.string().nullable(),
        url: z.url({ protocol: /^https?$/ }).nullable(),
      })
      .strict()
      .optional(),
    marketplace: z.string().min(1).optional(),
    zone: z.string().min(1).optional(),
    groupSize: z.union([z.literal(1), z.literal(2), z.literal(4)]).optional(),
    condition: z.string().min(1).optional(),
    previousPrice: z.number().finite().nullable().optional(),
    price: z.number().finite().nullable().optional(),
    basis: z.enum(PRICE_BASES).optional(),
    changePercent: z.number().finite().nullable().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .optional(),
    capturedAt: isoInstant.optional(),
  })
  .strict() satisfies z.ZodType<AlertMessage>;

export const deliveryOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('delivered'), httpStatus: z.number().int().optional(), response: z.string() }),
  z.object({
    status: z.literal('retry'),
    httpStatus: z.number().int().optional(),
    retryAfterMs: z.number().nonnegative().optional(),
    reason: z.string(),
  }),
  z.object({ status: z.literal('permanent'), httpStatus: z.number().int().optional(), reason: z.string() }),
]) satisfies z.ZodType<DeliveryOutcome>;
