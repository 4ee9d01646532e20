import type { MarketListing, MockEvent } from '../../mock-marketplace/generator';
import { allInPrice } from '../../mock-marketplace/fees';
import { stats } from '../../mock-marketplace/formats';
import { renameField, type MockRoute } from '../../mock-marketplace/routes';
import { SEATGEEK_EVENT_PATH } from './adapter';
import { SEATGEEK_MOCK_FEES } from './fees';

export function seatGeekEvent(event: MockEvent, market: readonly MarketListing[]): unknown {
  const s = stats(market);
  // SeatGeek's figures include its fees (SEATGEEK_MOCK_FEES), except lowest_sg_base_price (see the adapter).
  const allIn = stats(market.map((m) => ({ ...m, price: allInPrice(m.price, SEATGEEK_MOCK_FEES) })));
  // SeatGeek reports whole dollars, and nulls when nothing is listed.
  return {
    id: Number(event.id) || event.id,
    type: 'concert',
    title: event.name,
    datetime_utc: new Date(event.startsAt).toISOString().slice(0, 19),
    venue: { name: event.venue },
    stats: {
      listing_count: market.length,
      visible_listing_count: market.length,
      average_price: allIn ? Math.round(allIn.average) : null,
      median_price: allIn ? Math.round(allIn.median) : null,
      lowest_price: allIn ? Math.round(allIn.lowest) : null,
      lowest_sg_base_price: s ? Math.round(s.lowest) : null,
      highest_price: allIn ? Math.round(allIn.highest) : null,
    },
  };
}

/** GET /2/events/ID?client_id=. */
export const seatgeekMock: MockRoute = {
  marketplace: 'seatgeek',
  name: 'seatgeek',
  match: (method, path) => {
    const m = method === 'GET' ? path.match(new RegExp(`^${SEATGEEK_EVENT_PATH}([^/]+)$`)) : null;
    return m ? decodeURIComponent(m[1]!) : undefined;
  },
  unauthorized: (_req, q) => (q.get('client_id') ? undefined : { status: 401, error: 'Unauthorized: client_id is required' }),
  render: ({ event, market }) => seatGeekEvent(event, market),
  drift: (payload, field = 'stats', renamedTo = `${field}_v2`) => renameField(payload, field, renamedTo),
};
