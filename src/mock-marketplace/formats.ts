import type { MarketListing, MockEvent } from './generator';
import { round2 } from './generator';

/**
 * The mock market rendered in each marketplace's own response format (the same formats the
 * adapters parse and test/fixtures/sources holds): Vivid Seats' hermes listings, StubHub Pro's
 * comparable listings, the StubHub/viagogo Catalog event (HAL+JSON), SeatGeek's event with
 * `stats`, Ticketmaster's Discovery event with `priceRanges`.
 */

const money = (amt: number, currency: string): { amt: number; disp: string; dec: number; currency: string } => ({
  amt,
  disp: `${currency === 'USD' ? '$' : `${currency} `}${amt.toFixed(2)}`,
  dec: 2,
  currency,
});

function stats(market: readonly MarketListing[]): { lowest: number; highest: number; average: number; median: number; tickets: number } | undefined {
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

/**
 * Vivid Seats' hermes listings in the real key layout (test/fixtures/sources/vividseats/listings.json
 * and its README): short keys with their spelled-out duplicates, zone id in `c` (groups[].i),
 * section id in `d` (sections[].i), `g` a "0"/"1" flag, split sizes in `m`, numbers as strings.
 */
export function vividSeatsListings(event: MockEvent, market: readonly MarketListing[]): unknown {
  const s = stats(market);
  const productionId = Number(event.id) || 0;
  const minMax = (ms: readonly MarketListing[]): { h: string; l: string; q: string } => {
    const ps = ms.map((m) => m.price);
    return {
      h: ps.length ? Math.max(...ps).toFixed(2) : '0.00',
      l: ps.length ? Math.min(...ps).toFixed(2) : '0.00',
      q: String(ms.reduce((n, m) => n + m.listing.quantity, 0)),
    };
  };
  return {
    global: [
      {
        listingCount: String(market.length),
        ticketCount: String(s?.tickets ?? 0),
        mapTitle: event.venue,
        productionId: event.id,
        productionName: event.name,
        venueCountry: 'US',
        zoned: '0',
        lp: s ? s.lowest.toFixed(2) : '',
        hp: s ? s.highest.toFixed(2) : '',
        mp: s ? s.median.toFixed(2) : '',
        showAip: 'true',
        vatAddedToAip: 'false',
        aipIncludedPrices: 'CUSTOMER_PRICE,SERVICE_FEE,ELECTRONIC_DELIVERY_FEE',
        defaultAipOn: 'true',
        isPriceLocalized: false,
      },
    ],
    tickets: market.map((m) => {
      const l = m.listing;
      const q = String(l.quantity);
      // Vivid Seats always lists the sizes it sells; "any size" is every size up to the quantity.
      const splits = (l.splits.length > 0 ? l.splits : Array.from({ length: l.quantity }, (_, k) => k + 1)).join(',');
      const aip = m.allInPrice.toFixed(2);
      return {
        s: l.section.name, r: l.row, q, p: m.price.toFixed(2), i: `VB${l.id}`, d: l.section.id, n: '', f: '0', l: l.section.name,
        g: '0', t: '3', m: splits, c: l.zone.id, z: '0', zo: '0', st: '1', stp: 'Mobile Transfer', aip, ls: '', hs: '', faceValue: '0.00', di: false,
        sectionName: l.section.name, row: l.row, quantity: q, allInPricePerTicket: aip, badges: [], perks: [], localPrices: null,
      };
    }),
    groups: event.zones.map((z) => {
      const zs = market.filter((m) => m.listing.zone.id === z.id);
      return { productionId, i: z.id, n: z.name, c: '0x5690D6', a: zs.length > 0 ? '1' : '0', t: '0', ...minMax(zs), z: '', zd: '', g: '0', localPrices: null };
    }),
    sections: event.zones.flatMap((z) =>
      z.sections.map((sec) => {
        const ss = market.filter((m) => m.listing.section.id === sec.id);
        return { productionId, i: sec.id, g: z.id, a: ss.length > 0 ? '1' : '0', ...minMax(ss), n: sec.name, rd: '', localPrices: null };
      }),
    ),
    i18n: { from: event.currency, to: event.currency, rate: 1, applyCurrencyConversion: false },
  };
}

export function stubHubCompListings(event: MockEvent, market: readonly MarketListing[]): unknown {
  return market.map((m) => ({
    listingId: Number(m.listing.id),
    section: m.listing.section.name,
    row: m.listing.row,
    availableTickets: m.listing.quantity,
    // Seller net proceeds: what the seller keeps after StubHub's seller fee.
    sellerNetProceeds: money(round2(m.price * 0.9), event.currency),
    sellerAllInPrice: money(m.allInPrice, event.currency),
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

export function seatGeekEvent(event: MockEvent, market: readonly MarketListing[]): unknown {
  const s = stats(market);
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
      average_price: s ? Math.round(s.average) : null,
      median_price: s ? Math.round(s.median) : null,
      lowest_price: s ? Math.round(s.lowest) : null,
      highest_price: s ? Math.round(s.highest) : null,
    },
  };
}

export function ticketmasterEvent(event: MockEvent, now: number): unknown {
  const faces = event.zones.map((z) => z.faceValue);
  const onSale = now < event.startsAt;
  return {
    name: event.name,
    type: 'event',
    id: event.id,
    test: false,
    locale: 'en-us',
    dates: { start: { dateTime: new Date(event.startsAt).toISOString() }, status: { code: onSale ? 'onsale' : 'offsale' } },
    ...(onSale
      ? {
          priceRanges: [
            { type: 'standard', currency: event.currency, min: Math.min(...faces), max: Math.max(...faces) },
            { type: 'standard including fees', currency: event.currency, min: round2(Math.min(...faces) * 1.2), max: round2(Math.max(...faces) * 1.2) },
          ],
        }
      : {}),
    _links: { self: { href: `/discovery/v2/events/${event.id}?locale=en-us` } },
  };
}
