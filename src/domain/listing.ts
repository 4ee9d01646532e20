import { z } from 'zod';

/**
 * The normalized shape every marketplace adapter produces and the storage layer persists.
 * Pure: no I/O, safe to import from workflows.
 */
export const MARKETPLACE_NAMES = ['stubhub', 'vividseats', 'seatgeek', 'ticketmaster'] as const;
export type MarketplaceName = (typeof MARKETPLACE_NAMES)[number];

/** Currencies the marketplaces we support price in; anything else is rejected as bad input. */
export const CURRENCIES = ['USD', 'CAD', 'GBP', 'EUR', 'AUD', 'NZD', 'MXN', 'CHF', 'SEK', 'NOK', 'DKK', 'JPY'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Above this a per-ticket price is a data error (a listing id in the price field, say), not a price. */
export const MAX_TICKET_PRICE = 100_000;
export const MAX_LISTING_QUANTITY = 500;

const price = z.number().finite().positive('must be positive').max(MAX_TICKET_PRICE, `must be at most ${MAX_TICKET_PRICE}`);

export const normalizedListingSchema = z
  .object({
    listingId: z.string().min(1),
    zone: z.string().min(1),
    section: z.string().min(1),
    /** Seat row; null when the marketplace hides it. */
    row: z.string().nullable(),
    quantity: z.number().int().min(1, 'must be at least 1').max(MAX_LISTING_QUANTITY),
    /**
     * Purchase sizes the seller allows (e.g. [2, 4] for a listing of 4 that sells in pairs).
     * Empty means any number from 1 to quantity.
     */
    splits: z.array(z.number().int().positive()),
    /** Price per ticket before fees. */
    pricePerTicket: price,
    /** Price per ticket with fees, when the marketplace shows it. */
    allInPrice: price.nullable(),
    currency: z.enum(CURRENCIES),
  })
  .strict();
export type NormalizedListing = z.infer<typeof normalizedListingSchema>;

/** Event-level figures, for marketplaces that expose no listings (SeatGeek, Ticketmaster, StubHub without Pro). */
export const priceSummarySchema = z
  .object({
    lowest: price.nullable(),
    average: price.nullable(),
    median: price.nullable(),
    highest: price.nullable(),
    listingCount: z.number().int().min(0).nullable(),
    ticketCount: z.number().int().min(0).nullable(),
    currency: z.enum(CURRENCIES),
  })
  .strict();
export type PriceSummary = z.infer<typeof priceSummarySchema>;

/** Zone used for the snapshot of a summary-only marketplace, so its history works like the others. */
export const SUMMARY_ZONE = 'ALL';

/** What one fetch from one marketplace for one event produced. */
export type FetchedPrices =
  | { kind: 'listings'; listings: NormalizedListing[]; skipped: SkippedRecord[] }
  | { kind: 'summary'; summary: PriceSummary; skipped: SkippedRecord[] };

/** A record of a payload that failed validation: skipped and counted, never fatal alone. */
export interface SkippedRecord {
  /** Where in the payload, e.g. "listings[12].price". */
  path: string;
  reason: string;
}
