import { z } from 'zod';
import type { EventStatusObservation } from './event-status';

/**
 * The normalized shape every marketplace adapter produces and the storage layer persists.
 * Pure: no I/O, safe to import from workflows.
 */
export { MARKETPLACE_NAMES, type MarketplaceName } from '../marketplaces/registry';

/**
 * An event's marketplace id: the id one marketplace gives the event (a StubHub event id, a Vivid
 * Seats production id, ...). An event has at most one per marketplace; stored in `event_sources`.
 */
export interface EventMarketplaceId {
  marketplace: MarketplaceName;
  /** The marketplace's own id of the event, as text (as it appears in the marketplace's links). */
  marketplaceEventId: string;
}
import { MARKETPLACES, type MarketplaceDescriptor, type MarketplaceName } from '../marketplaces/registry';

/** One value per marketplace, from its descriptor (the registry in src/marketplaces). */
export function byMarketplace<T>(value: (descriptor: MarketplaceDescriptor<MarketplaceName>) => T): Record<MarketplaceName, T> {
  return Object.fromEntries(MARKETPLACES.map((m) => [m.name, value(m)])) as Record<MarketplaceName, T>;
}

/**
 * An ISO 4217 currency code ("USD", "PLN", "ZAR", ...). Marketplaces price in whatever their
 * market uses (Ticketmaster's own markets alone span PLN, CZK, ZAR, AED, ...), so the set is the
 * standard's, not a hand-written list: the codes the runtime's ICU data knows
 * (`Intl.supportedValuesOf('currency')`, ISO 4217 current and historic codes).
 */
export type Currency = string;

let iso4217: ReadonlySet<string> | undefined;
/** True for an ISO 4217 code as the standard spells it (three capitals). */
export function isCurrency(code: unknown): code is Currency {
  if (typeof code !== 'string') return false;
  // The spelling is checked once, on the set: one look-up per listing instead of a regex and a look-up.
  iso4217 ??= new Set(Intl.supportedValuesOf('currency').filter((c) => /^[A-Z]{3}$/.test(c)));
  return iso4217.has(code);
}
/** A currency code as a payload writes it (" usd") in the standard's spelling ("USD"); the standard's check is isCurrency. */
export function currencyCode(raw: string): string {
  return raw.trim().toUpperCase();
}
const currencySchema = z.string().refine(isCurrency, { error: (issue) => `not an ISO 4217 currency code: ${JSON.stringify(issue.input)}` });

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
    /**
     * `base`: what the buyer is asked per ticket before the marketplace's fees (Vivid Seats `p`,
     * SeatGeek `lowest_sg_base_price`, Ticketmaster "standard"); null when the marketplace does
     * not give it (StubHub's listings give the all-in price and the seller's net, no base).
     */
    basePrice: price.nullable(),
    /**
     * `all-in`: what the buyer pays per ticket, fees included (Vivid Seats `allInPricePerTicket`,
     * StubHub `sellerAllInPrice`, SeatGeek `lowest_price`, Ticketmaster "standard including
     * fees"); null when the marketplace does not show it. Never below basePrice.
     */
    allInPrice: price.nullable(),
    /**
     * What the seller receives per ticket after the marketplace's seller fee (StubHub Pro's
     * `sellerNetProceeds`): never a buyer's price on any basis, kept for the record; null elsewhere.
     */
    sellerNetProceeds: price.nullable(),
    currency: currencySchema,
  })
  .strict()
  .refine((l) => l.basePrice !== null || l.allInPrice !== null, {
    error: 'no buyer price: neither a price before fees nor an all-in price',
    path: ['allInPrice'],
  });
export type NormalizedListing = z.infer<typeof normalizedListingSchema>;

const LISTING_KEYS = 10; // the keys of normalizedListingSchema's shape
const isPrice = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_TICKET_PRICE;
const isNonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * A quick yes to "would normalizedListingSchema accept this value unchanged?", for the bulk
 * ingest path where zod's copy of every listing costs more than the rest of the validation.
 * Deliberately narrower than the schema (plain objects only, exactly its ten keys): true means
 * the schema accepts the value and returns an equal object; false means nothing, ask the schema
 * (which then also gives the reason). test/db/listing-guard.test.ts holds it to that.
 * Keep it in step with normalizedListingSchema.
 */
export function isNormalizedListing(v: unknown): v is NormalizedListing {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const l = v as Record<string, unknown>;
  if (!isNonEmpty(l.listingId) || !isNonEmpty(l.zone) || !isNonEmpty(l.section)) return false;
  if (l.row !== null && typeof l.row !== 'string') return false;
  const q = l.quantity;
  if (typeof q !== 'number' || !Number.isSafeInteger(q) || q < 1 || q > MAX_LISTING_QUANTITY) return false;
  const splits = l.splits;
  if (!Array.isArray(splits) || Object.getPrototypeOf(splits) !== Array.prototype) return false;
  for (let i = 0; i < splits.length; i++) {
    const n: unknown = splits[i];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) return false;
  }
  const base = l.basePrice;
  const allIn = l.allInPrice;
  if (base !== null && !isPrice(base)) return false;
  if (allIn !== null && !isPrice(allIn)) return false;
  if (base === null && allIn === null) return false;
  if (l.sellerNetProceeds !== null && !isPrice(l.sellerNetProceeds)) return false;
  if (!isCurrency(l.currency)) return false;
  // Every key present and of the right type above; one more own key would be an unknown one.
  return Object.keys(l).length === LISTING_KEYS;
}

/**
 * Event-level figures, for marketplaces that expose no listings (SeatGeek, Ticketmaster, StubHub
 * without Pro). `lowest` .. `highest` are buyer prices before fees, `allIn*` the same with fees
 * (see normalizedListingSchema): a marketplace that gives only one kind fills only those, the
 * others stay null, so one column never mixes the two meanings across marketplaces.
 */
export const priceSummarySchema = z
  .object({
    lowest: price.nullable(),
    average: price.nullable(),
    median: price.nullable(),
    highest: price.nullable(),
    listingCount: z.number().int().min(0).nullable(),
    ticketCount: z.number().int().min(0).nullable(),
    /**
     * Lowest and highest price with fees, kept apart from the face-value figures above (Ticketmaster's
     * "standard including fees" range); null when the marketplace does not give them.
     */
    allInLowest: price.nullable().optional(),
    allInAverage: price.nullable().optional(),
    allInMedian: price.nullable().optional(),
    allInHighest: price.nullable().optional(),
    /**
     * Set when the payload shows something on sale without a price on a known basis (StubHub's
     * Catalog min_ticket_price, whose fees it does not document): available, with no price stored.
     */
    onSale: z.boolean().optional(),
    currency: currencySchema,
  })
  .strict();
export type PriceSummary = z.infer<typeof priceSummarySchema>;

/** Zone used for the snapshot of a summary-only marketplace, so its history works like the others. */
export const SUMMARY_ZONE = 'ALL';

/** What the marketplace itself says it holds (Vivid Seats' global[0].listingCount / ticketCount). */
export interface DeclaredCounts {
  listings: number | null;
  tickets: number | null;
}

/**
 * What one fetch from one marketplace for one event produced. `items` is how many listing items
 * the payload held (parsed + skipped); `declared` what the marketplace says it holds, when it says.
 */
export type FetchedPrices =
  | ({
      kind: 'listings';
      listings: NormalizedListing[];
    } & FetchedCommon)
  | ({
      kind: 'summary';
      summary: PriceSummary;
    } & FetchedCommon);

interface FetchedCommon {
  skipped: SkippedRecord[];
  items?: number;
  declared?: DeclaredCounts;
  missing?: SkippedRecord[];
  /**
   * Figures the payload writes as a placeholder its format uses for "hidden" (Ticketmaster's
   * range minimum 0.0, Vivid Seats' all-in "0.00"): stored as null with the reason. Not skipped,
   * not format drift: the rest of the item or summary is kept.
   */
  notGiven?: SkippedRecord[];
  /** The event's status as the payload states it; absent when its format carries none. */
  eventStatus?: EventStatusObservation;
}
// `items` of a summary: the figures (or Ticketmaster price ranges) the payload gave, so the
// skipped share is judged as for listings. `missing`: fields the real format always carries
// that this payload lacks (SeatGeek `stats`, Ticketmaster `priceRanges` renamed): format drift.

/** A record of a payload that failed validation: skipped and counted, never fatal alone. */
export interface SkippedRecord {
  /** Where in the payload, e.g. "listings[12].price". */
  path: string;
  reason: string;
  /**
   * The reason without the item's own values, for counting by reason: e.g. "tickets[].p: not a
   * number" for every ticket whose price is not a number. Defaults to the path without indices.
   */
  kind?: string;
}

/** The counting key of a skipped record (see SkippedRecord.kind). */
export function skipKind(r: SkippedRecord): string {
  return r.kind ?? r.path.replace(/\[\d+\]/g, '[]');
}

/** Skipped records counted by kind, most frequent first. */
export function countSkipped(records: readonly SkippedRecord[]): { kind: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    const k = skipKind(r);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

/** One event on one marketplace, in one cycle: the ids travel as they are, nothing is parsed back out of another. */
export interface ScrapeInput extends EventMarketplaceId {
  /** The scrape's key (scrapeIdFor): every row it stores carries it, so a retry never duplicates one. */
  scrapeId: string;
  /** The cycle's id (cycles.cycle_id) that failed attempts are recorded under. */
  cycleId: string;
  eventId: number;
}
