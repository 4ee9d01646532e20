import { z } from 'zod';

/**
 * The basis of a price: what a per-ticket figure includes. Every figure the product shows or
 * compares is on one basis, named beside it; two figures on different bases are never compared.
 *
 * - `all-in`: what the buyer pays per ticket, every mandatory fee included (StubHub
 *   `sellerAllInPrice`, Vivid Seats `allInPricePerTicket`, SeatGeek's fee-inclusive stats,
 *   Ticketmaster "standard including fees"). The US fee rule (16 CFR Part 464, in force since
 *   12 May 2025) wants this total shown first, so it is the default everywhere.
 * - `base`: the buyer's price per ticket before the marketplace's fees (Vivid Seats `p`, SeatGeek
 *   `lowest_sg_base_price`, Ticketmaster "standard").
 *
 * Neither is what a seller receives (StubHub's `sellerNetProceeds`): that is stored apart as
 * the seller's net proceeds and never shown as a buyer's price. Pure: safe in workflows.
 */
export const PRICE_BASES = ['all-in', 'base'] as const;
export type PriceBasis = (typeof PRICE_BASES)[number];
export const DEFAULT_PRICE_BASIS: PriceBasis = 'all-in';

export const priceBasisSchema = z.enum(PRICE_BASES, {
  error: (issue) => `basis must be one of ${PRICE_BASES.join(', ')}; got ${JSON.stringify(issue.input)}`,
});

/** How a header or an axis names the basis: "all-in" / "before fees". */
export function basisLabel(basis: PriceBasis): string {
  return basis === 'all-in' ? 'all-in' : 'before fees';
}

/**
 * The prefix of a basis's stored price columns: the figures before fees are the unprefixed
 * columns (lowest_price, min_price, ...), the all-in ones the same names after `all_in_`
 * (migration 090). A constant chosen from the basis, never text from input.
 */
export function basisColumnPrefix(basis: PriceBasis): '' | 'all_in_' {
  return basis === 'all-in' ? 'all_in_' : '';
}

/** A listing's per-ticket price on a basis; null when the marketplace does not give that one (never the other basis instead). */
export function priceOn(listing: { basePrice: number | null; allInPrice: number | null }, basis: PriceBasis): number | null {
  return basis === 'all-in' ? listing.allInPrice : listing.basePrice;
}
