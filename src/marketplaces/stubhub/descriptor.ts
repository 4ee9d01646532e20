import type { MarketplaceDescriptor } from '../descriptor';

/** StubHub / viagogo: listings with a Pro session, else a price summary from the Catalog API. */
export const stubhub = {
  name: 'stubhub',
  label: 'StubHub',
  color: '#1f77b4',
  header: 'viagogoID',
  headerAliases: ['viagogoid', 'viagid', 'viagogo', 'viagogoeventid', 'stubhub', 'stubhubid', 'stubhubeventid'],
  refPrefixes: ['stubhub', 'viagogo'],
  // https://www.stubhub.com/<slug>/event/150337015/?quantity=1, https://www.stubhub.com/event/150337015;
  // viagogo (same ids as StubHub): https://www.viagogo.com/<category>/<performer>/E-155401221?quantity=1
  eventPageUrl: (id) => `https://www.stubhub.com/event/${encodeURIComponent(id)}`,
  eventLinks: [
    { host: /(^|\.)stubhub\.[a-z.]+$/, id: /\/event\/(\d+)(?:\/|$)/ },
    { host: /(^|\.)viagogo\.[a-z.]+$/, id: /\/E-(\d+)(?:\/|$)/ },
  ],
  priceBases: {
    'all-in': { field: 'sellerAllInPrice.amt (Pro comparable listings)' },
    base: {
      notGiven:
        "Pro's comparable listings give the buyer's all-in price and the seller's net proceeds (stored apart, never a buyer's price), no price before fees; the Catalog API's min_ticket_price does not say whether it includes fees, so it is stored on neither basis",
    },
  },
  settings: [
    { name: 'STUBHUB_BASE_URL', kind: 'base-url', description: 'StubHub / viagogo API base URL.' },
    { name: 'STUBHUB_CLIENT_ID', kind: 'credential', description: 'StubHub OAuth client id.' },
    { name: 'STUBHUB_CLIENT_SECRET', kind: 'credential', description: 'StubHub OAuth client secret.' },
    { name: 'STUBHUB_PRO_TOKEN', kind: 'credential', description: 'StubHub Pro session token: enables listing-level data.' },
    { name: 'STUBHUB_RATE_PER_SECOND', kind: 'rate', default: 2, description: 'Requests per second to StubHub, across every worker.' },
  ],
  rateSetting: 'STUBHUB_RATE_PER_SECOND',
  credentialProblem: (get) =>
    get('STUBHUB_PRO_TOKEN') || (get('STUBHUB_CLIENT_ID') && get('STUBHUB_CLIENT_SECRET'))
      ? undefined
      : 'set STUBHUB_PRO_TOKEN (listings) or STUBHUB_CLIENT_ID and STUBHUB_CLIENT_SECRET (price summary)',
} as const satisfies MarketplaceDescriptor<'stubhub'>;
