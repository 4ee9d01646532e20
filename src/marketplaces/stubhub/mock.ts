import type { MarketListing, MockEvent } from '../../mock-marketplace/generator';
import { allInPrice, sellerNetProceeds } from '../../mock-marketplace/fees';
import { money, stats } from '../../mock-marketplace/formats';
import { renameField, type MockRoute } from '../../mock-marketplace/routes';
import { STUBHUB_EVENT_PATH, STUBHUB_PRO_LISTINGS_PATH, STUBHUB_TOKEN_PATH } from './adapter';
import { STUBHUB_MOCK_FEES } from './fees';

/**
 * Pro comparable listings for the market (its prices are the sellers' asking prices, the base):
 * `sellerNetProceeds` what the seller receives after StubHub's seller fee, `sellerAllInPrice` what
 * the buyer pays with StubHub's buyer fees (STUBHUB_MOCK_FEES). The base itself is not in the format.
 */
export function stubHubCompListings(event: MockEvent, market: readonly MarketListing[]): unknown {
  return market.map((m) => ({
    listingId: Number(m.listing.id),
    section: m.listing.section.name,
    row: m.listing.row,
    availableTickets: m.listing.quantity,
    sellerNetProceeds: money(sellerNetProceeds(m.price, STUBHUB_MOCK_FEES), event.currency),
    sellerAllInPrice: money(allInPrice(m.price, STUBHUB_MOCK_FEES), event.currency),
    currencyCode: event.currency,
    ticketClassName: m.listing.zone.name,
  }));
}

export function stubHubCatalogEvent(event: MockEvent, market: readonly MarketListing[], baseUrl: string): unknown {
  const s = stats(market);
  return {
    id: Number(event.id) || event.id,
    name: event.name,
    start_date: new Date(event.startsAt).toISOString(),
    date_confirmed: true,
    min_ticket_price: s ? { amount: s.lowest, currency_code: event.currency, display: `$${s.lowest.toFixed(2)}` } : null,
    _links: { self: { href: `${baseUrl}/catalog/events/${event.id}`, templated: false } },
    _embedded: { venue: { name: event.venue, country_code: 'US' } },
  };
}

/** Pro comparable listings (GET, or PUT as the Pro app also sends), with the session cookie. Drift renames each listing's `sellerNetProceeds`. */
export const stubhubProMock: MockRoute = {
  marketplace: 'stubhub',
  name: 'stubhub-pro',
  match: (method, path, q) =>
    (method === 'GET' || method === 'PUT') && path === STUBHUB_PRO_LISTINGS_PATH ? (q.get('viagogoEventId') ?? undefined) : undefined,
  unauthorized: (req) => (req.headers.cookie ? undefined : { message: 'Unauthorized' }),
  render: ({ event, market }) => stubHubCompListings(event, market),
  drift: (payload, field = 'sellerNetProceeds', renamedTo = `${field}_v2`) => renameField(payload, field, renamedTo),
};

/** Catalog API event (HAL+JSON) with a Bearer token. */
export const stubhubCatalogMock: MockRoute = {
  marketplace: 'stubhub',
  name: 'stubhub-catalog',
  match: (method, path) => {
    const m = method === 'GET' ? path.match(new RegExp(`^${STUBHUB_EVENT_PATH}([^/]+)$`)) : null;
    return m ? decodeURIComponent(m[1]!) : undefined;
  },
  unauthorized: (req) =>
    /^Bearer \S+/.test(req.headers.authorization ?? '')
      ? undefined
      : { code: 'unauthorized', message: 'Authorization has been denied for this request.' },
  render: ({ event, market, baseUrl }) => stubHubCatalogEvent(event, market, baseUrl),
  contentType: 'application/hal+json',
  drift: (payload, field = 'min_ticket_price', renamedTo = `${field}_v2`) => renameField(payload, field, renamedTo),
};

/** OAuth client credentials: POST /oauth2/token with Basic auth. */
export const stubhubTokenMock: MockRoute = {
  marketplace: 'stubhub',
  name: 'stubhub-token',
  match: (method, path) => (method === 'POST' && path === STUBHUB_TOKEN_PATH ? '' : undefined),
  respond: (req) =>
    /^Basic /.test(req.headers.authorization ?? '')
      ? { status: 200, body: { access_token: `mock-token-${Date.now()}`, token_type: 'bearer', expires_in: 86399, scope: 'read:events' } }
      : { status: 401, body: { error: 'invalid_client' } },
  drift: (payload) => payload,
};
