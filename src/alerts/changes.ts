import type { Db } from '../db/pool';
import { DEFAULT_PRICE_BASIS, type PriceBasis } from '../domain/price-basis';

const num = (v: string | null): number | null => (v === null ? null : Number(v));

/** One row of price_changes as the CLI and the dashboard list it (the evaluate step writes them: src/scrape/price-changes.ts). */
export interface PriceChangeRow {
  capturedAt: string;
  marketplace: string;
  zone: string;
  quantity: number;
  fromPrice: number | null;
  toPrice: number | null;
  percent: number | null;
  fromTickets: number | null;
  toTickets: number | null;
  fromListings: number | null;
  toListings: number | null;
  currency: string | null;
  scrapeKey: string;
}

/**
 * The changes of an event over the last `days` days on one price basis (default all-in), newest
 * first: rows where the lowest price or the availability moved, or (with `minPercent`) where the
 * price moved by at least that many percent either way. Rows recorded before price bases are base.
 */
export async function listPriceChanges(
  db: Db,
  opts: { eventId: number; days: number; minPercent?: number | undefined; now?: Date; basis?: PriceBasis },
): Promise<PriceChangeRow[]> {
  const since = new Date((opts.now ?? new Date()).getTime() - opts.days * 86_400_000);
  const r = await db.query<{
    captured_at: Date;
    marketplace: string;
    zone: string;
    quantity: number;
    from_price: string | null;
    to_price: string | null;
    percent: string | null;
    from_tickets: number | null;
    to_tickets: number | null;
    from_listings: number | null;
    to_listings: number | null;
    currency: string | null;
    scrape_key: string;
  }>(
    `SELECT captured_at, marketplace, zone, quantity, from_price, to_price, percent, from_tickets, to_tickets,
            from_listings, to_listings, currency, scrape_key
       FROM price_changes
      WHERE event_id = $1 AND captured_at >= $2 AND basis = $4
        AND CASE WHEN $3::numeric IS NULL
                 THEN from_price IS DISTINCT FROM to_price OR from_tickets IS DISTINCT FROM to_tickets
                      OR from_listings IS DISTINCT FROM to_listings
                 ELSE abs(percent) >= $3::numeric END
      ORDER BY captured_at DESC, marketplace, zone = 'ALL' DESC, zone, quantity`,
    [opts.eventId, since, opts.minPercent ?? null, opts.basis ?? DEFAULT_PRICE_BASIS],
  );
  return r.rows.map((row) => ({
    capturedAt: row.captured_at.toISOString(),
    marketplace: row.marketplace,
    zone: row.zone,
    quantity: row.quantity,
    fromPrice: num(row.from_price),
    toPrice: num(row.to_price),
    percent: num(row.percent),
    fromTickets: row.from_tickets,
    toTickets: row.to_tickets,
    fromListings: row.from_listings,
    toListings: row.to_listings,
    currency: row.currency ? row.currency.trim() : null,
    scrapeKey: row.scrape_key,
  }));
}
