import { PRICE_BASES } from '../domain/price-basis';
import {
  insertPriceChanges,
  lowestOn,
  type PriceChangeFigures,
  type Queryable,
  type ScrapeRow,
  type ZoneFigures,
} from './queries/evaluate';

/** The price changes of a scrape against the one before it (price_changes), part of the evaluate step. */

export const GROUP_SIZES = [1, 2, 4] as const;

/** Signed percent from `from` to `to`, 2 decimals; null when either is missing or `from` is 0. */
export function percentChange(from: number | null, to: number | null): number | null {
  if (from === null || to === null || from <= 0) return null;
  return Math.round(((to - from) / from) * 10_000) / 100;
}

/**
 * Records the price changes of `scrape` against `previous` (price_changes): for each price basis
 * (all-in, base) that either scrape has a figure on, one row per zone of either scrape (and ALL)
 * and group size 1, 2, 4, with the lowest price on that basis and the availability before and
 * after. A zone missing from one side has null figures there (it appeared or sold out). A basis
 * neither scrape gives (base on StubHub, all-in on a summary marketplace) gets no rows: a change
 * from nothing to nothing says nothing. Written once per scrape (ON CONFLICT DO NOTHING).
 * Returns how many rows were written.
 */
export async function recordPriceChanges(
  q: Queryable,
  scrape: ScrapeRow,
  previous: ScrapeRow,
  now: Map<string, ZoneFigures>,
  before: Map<string, ZoneFigures>,
): Promise<number> {
  const rows: PriceChangeFigures[] = [];
  const zones = new Set([...now.keys(), ...before.keys()]);
  for (const basis of PRICE_BASES) {
    const hasFigures = [...now.values(), ...before.values()].some((f) => GROUP_SIZES.some((n) => lowestOn(f, basis)[n] !== null));
    if (!hasFigures) continue;
    for (const zone of zones) {
      const a = before.get(zone);
      const b = now.get(zone);
      for (const n of GROUP_SIZES) {
        const from = a ? lowestOn(a, basis)[n] : null;
        const to = b ? lowestOn(b, basis)[n] : null;
        // Summary marketplaces have no group prices: nothing to compare for 2 and 4.
        if (n > 1 && from === null && to === null) continue;
        rows.push({
          basis,
          zone,
          quantity: n,
          from_price: from,
          to_price: to,
          percent: percentChange(from, to),
          from_tickets: a ? a.tickets : 0,
          to_tickets: b ? b.tickets : 0,
          from_listings: a ? a.listings : 0,
          to_listings: b ? b.listings : 0,
          currency: b?.currency ?? a?.currency ?? null,
        });
      }
    }
  }
  if (rows.length === 0) return 0;
  return insertPriceChanges(q, scrape, previous, rows);
}
