import { round2 } from './generator';

/**
 * A marketplace's fee structure as the mock marketplace applies it: a percentage of the base plus
 * a fixed amount per ticket on the buyer's side, and (where the format shows the seller's side) a
 * percentage the seller pays. Each marketplace declares its own beside its mock format
 * (src/marketplaces/<name>/fees.ts), with where the structure comes from; the numbers are
 * representative, not any marketplace's quoted prices (real fees vary by event, venue and order).
 */
export interface FeeStructure {
  /** The buyer's percentage fees, as a fraction of the base (0.31 = 31 %). */
  buyerPercent: number;
  /** The buyer's fixed fees per ticket, in the event's currency. */
  buyerFixedPerTicket: number;
  /** The seller's fee, as a fraction of the base, taken from what the seller receives. */
  sellerPercent?: number;
}

/** All-in per ticket: base × (1 + buyerPercent) + buyerFixedPerTicket, rounded to cents. */
export function allInPrice(base: number, fees: FeeStructure): number {
  return round2(base * (1 + fees.buyerPercent) + fees.buyerFixedPerTicket);
}

/** Seller net proceeds per ticket: base × (1 − sellerPercent), rounded to cents; below any buyer's price. */
export function sellerNetProceeds(base: number, fees: FeeStructure): number {
  return round2(base * (1 - (fees.sellerPercent ?? 0)));
}
