import type { MarketListing } from './generator';
import { round2 } from './generator';

/** Helpers the marketplaces' mock formats share (each format lives in src/marketplaces/<name>/mock.ts). */

export const money = (amt: number, currency: string): { amt: number; disp: string; dec: number; currency: string } => ({
  amt,
  disp: `${currency === 'USD' ? '$' : `${currency} `}${amt.toFixed(2)}`,
  dec: 2,
  currency,
});

export function stats(
  market: readonly MarketListing[],
): { lowest: number; highest: number; average: number; median: number; tickets: number } | undefined {
  if (market.length === 0) return undefined;
  const prices = market.map((m) => m.price).sort((a, b) => a - b);
  const mid = Math.floor(prices.length / 2);
  return {
    lowest: prices[0]!,
    highest: prices[prices.length - 1]!,
    average: round2(prices.reduce((s, p) => s + p, 0) / prices.length),
    median: prices.length % 2 ? prices[mid]! : round2((prices[mid - 1]! + prices[mid]!) / 2),
    tickets: market.reduce((s, m) => s + m.listing.quantity, 0),
  };
}
