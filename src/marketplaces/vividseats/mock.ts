import type { MarketListing, MockEvent } from '../../mock-marketplace/generator';
import { allInPrice } from '../../mock-marketplace/fees';
import { stats } from '../../mock-marketplace/formats';
import { renameField, type MockRoute } from '../../mock-marketplace/routes';
import { VIVIDSEATS_LISTINGS_PATH } from './adapter';
import { VIVIDSEATS_MOCK_FEES } from './fees';

/**
 * Vivid Seats' hermes listings in the real key layout (test/fixtures/marketplaces/vividseats/listings.json
 * and its README): short keys with their spelled-out duplicates, zone id in `c` (groups[].i),
 * section id in `d` (sections[].i), `g` a "0"/"1" flag, split sizes in `m`, numbers as strings.
 * `p` is the seller's price (the base), `aip`/`allInPricePerTicket` it with Vivid Seats' fees
 * (VIVIDSEATS_MOCK_FEES); the groups', sections' and `global` figures are base prices.
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
      const aip = allInPrice(m.price, VIVIDSEATS_MOCK_FEES).toFixed(2);
      return {
        s: l.section.name,
        r: l.row,
        q,
        p: m.price.toFixed(2),
        i: `VB${l.id}`,
        d: l.section.id,
        n: '',
        f: '0',
        l: l.section.name,
        g: '0',
        t: '3',
        m: splits,
        c: l.zone.id,
        z: '0',
        zo: '0',
        st: '1',
        stp: 'Mobile Transfer',
        aip,
        ls: '',
        hs: '',
        faceValue: '0.00',
        di: false,
        sectionName: l.section.name,
        row: l.row,
        quantity: q,
        allInPricePerTicket: aip,
        badges: [],
        perks: [],
        localPrices: null,
      };
    }),
    groups: event.zones.map((z) => {
      const zs = market.filter((m) => m.listing.zone.id === z.id);
      return {
        productionId,
        i: z.id,
        n: z.name,
        c: '0x5690D6',
        a: zs.length > 0 ? '1' : '0',
        t: '0',
        ...minMax(zs),
        z: '',
        zd: '',
        g: '0',
        localPrices: null,
      };
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

/** GET /hermes/api/v1/listings?productionId=ID: no credential. Drift renames a field of every ticket (by default the price `p`). */
export const vividseatsMock: MockRoute = {
  marketplace: 'vividseats',
  name: 'vividseats',
  match: (method, path, q) => (method === 'GET' && path === VIVIDSEATS_LISTINGS_PATH ? (q.get('productionId') ?? undefined) : undefined),
  render: ({ event, market }) => vividSeatsListings(event, market),
  drift(payload, field = 'p', renamedTo = `${field}_v2`) {
    if (!payload || typeof payload !== 'object' || !('tickets' in payload)) return payload;
    const p = payload as { tickets: unknown[] };
    return { ...p, tickets: renameField(p.tickets, field, renamedTo) };
  },
};
