import { priceOn, type PriceBasis } from './price-basis';
import { canSellTogether, roundCents } from './snapshot';

/**
 * The cheapest N seats together, across marketplaces (issue #24). Pure: no I/O, safe in workflows.
 *
 * A buyer pays the all-in price (per ticket, every mandatory fee included) for N seats that sit
 * together, and seats together come from ONE listing: two listings, even in the same row, are not
 * seats together. So the figure is the cheapest total for exactly N tickets from one listing that
 * can sell N (canSellTogether: enough tickets, and N among its splits when it has any), over every
 * listing of every marketplace given, on one named price basis and in one currency: never mixed.
 */

/** Party sizes whose cheapest "together" figure is given when none are named. */
export const PARTY_SIZES = [1, 2, 4] as const;

/**
 * One listing as these figures need it, whatever marketplace it comes from. Prices are per ticket
 * in `currency`, null when the marketplace does not give that basis (never derived from the other).
 */
export interface OfferedListing {
  /** The marketplace's name (e.g. "vividseats", "stubhub"): any text; two listings on the same one are never the same seats. */
  marketplace: string;
  /** The marketplace's own id of the listing. */
  listingId: string;
  zone: string;
  section: string;
  /** Null when the marketplace hides it. */
  row: string | null;
  /** Tickets on offer (at least 1). */
  quantity: number;
  /** Purchase sizes the seller allows; empty means any number from 1 to quantity. */
  splits: readonly number[];
  /** What the buyer pays per ticket, every mandatory fee included. */
  allInPrice: number | null;
  /** What the buyer is asked per ticket before the marketplace's fees. Never the seller's net proceeds. */
  basePrice: number | null;
  /** ISO 4217 code. */
  currency: string;
}

/** Listings kept out of a comparison, by reason; each listing is counted once, under the first reason that applies in this order. */
export interface LeftOut {
  /** Priced in a currency other than the comparison's. */
  otherCurrency: number;
  /** In the comparison's currency, but without a price on its basis (a null all-in price, say). */
  noPriceOnBasis: number;
}

/** The cheapest total for `n` seats together, and the listing it comes from. */
export interface CheapestTogether {
  n: number;
  basis: PriceBasis;
  currency: string;
  /** perTicket × n, rounded to cents (as roundCents and SQL's round(…, 2) do). */
  total: number;
  /** The listing's per-ticket price on `basis`. */
  perTicket: number;
  marketplace: string;
  listingId: string;
  zone: string;
  section: string;
  row: string | null;
  /** Tickets the listing offers (at least n). */
  quantity: number;
  /** Listings left out of the comparison (all of them, whether or not they could sell n). */
  leftOut: LeftOut;
  /** Listings in the comparison that can sell exactly n together (the winner among them). */
  candidates: number;
}

/** One party size and its figure; null when no listing in the comparison can sell that many together. */
export interface TogetherForSize {
  n: number;
  figure: CheapestTogether | null;
}

/** Throws a RangeError naming n unless n is a positive integer (a party size). */
function assertPartySize(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n (the number of seats together) must be a positive integer, got ${String(n)}`);
}

/** How many listings a comparison on `basis` in `currency` leaves out, and why (see LeftOut). */
function countLeftOut(listings: readonly OfferedListing[], basis: PriceBasis, currency: string): LeftOut {
  const leftOut: LeftOut = { otherCurrency: 0, noPriceOnBasis: 0 };
  for (const l of listings) {
    if (l.currency !== currency) leftOut.otherCurrency++;
    else if (priceOn(l, basis) === null) leftOut.noPriceOnBasis++;
  }
  return leftOut;
}

/**
 * The cheapest total for exactly `n` seats bought together from one listing, across every
 * marketplace in `listings`, on `basis`, in `currency`; null when no listing there can sell `n`.
 * Listings in another currency or without a price on `basis` are left out and counted (leftOut).
 * Ties go to the lowest total, then the marketplace name, then the listing id (code-unit order,
 * not the locale's), so the answer does not depend on the order of `listings`.
 * Throws RangeError when n is not a positive integer.
 */
export function cheapestTogether(
  listings: readonly OfferedListing[],
  n: number,
  basis: PriceBasis,
  currency: string,
): CheapestTogether | null {
  assertPartySize(n);
  let best: { listing: OfferedListing; perTicket: number; total: number } | null = null;
  let candidates = 0;
  for (const l of listings) {
    if (l.currency !== currency) continue;
    const perTicket = priceOn(l, basis);
    if (perTicket === null || !canSell(l, n)) continue;
    candidates++;
    const total = roundCents(perTicket * n);
    if (best === null || before(total, l, best.total, best.listing)) best = { listing: l, perTicket, total };
  }
  if (best === null) return null;
  const l = best.listing;
  return {
    n,
    basis,
    currency,
    total: best.total,
    perTicket: best.perTicket,
    marketplace: l.marketplace,
    listingId: l.listingId,
    zone: l.zone,
    section: l.section,
    row: l.row,
    quantity: l.quantity,
    leftOut: countLeftOut(listings, basis, currency),
    candidates,
  };
}

/** cheapestTogether for each party size, in the order given (default PARTY_SIZES). Throws RangeError for a size that is not a positive integer. */
export function cheapestTogetherForSizes(
  listings: readonly OfferedListing[],
  sizes: readonly number[] = PARTY_SIZES,
  basis: PriceBasis,
  currency: string,
): TogetherForSize[] {
  for (const n of sizes) assertPartySize(n);
  return sizes.map((n) => ({ n, figure: cheapestTogether(listings, n, basis, currency) }));
}

/** canSellTogether for an OfferedListing: it only reads splits, typed mutable after NormalizedListing's. */
function canSell(l: OfferedListing, n: number): boolean {
  return canSellTogether({ quantity: l.quantity, splits: l.splits as number[] }, n);
}

/** Whether (total, a) comes before (bestTotal, b): lower total, then marketplace, then listing id. */
function before(total: number, a: OfferedListing, bestTotal: number, b: OfferedListing): boolean {
  if (total !== bestTotal) return total < bestTotal;
  if (a.marketplace !== b.marketplace) return a.marketplace < b.marketplace;
  return a.listingId < b.listingId;
}
