import type { MarketplaceDescriptor } from '../descriptor';

/** SeatGeek Platform API: event-level stats with a client id. */
export const seatgeek = {
  name: 'seatgeek',
  label: 'SeatGeek',
  color: '#2ca02c',
  header: 'SeatGeek ID',
  headerAliases: ['seatgeek', 'seatgeekid', 'seatgeekeventid', 'sgid'],
  refPrefixes: ['seatgeek', 'sg'],
  // https://seatgeek.com/<slug>-tickets/<date-city-venue>/<category>/5775632
  eventLinks: [{ host: /(^|\.)seatgeek\.com$/, id: /^\/[^/]+-tickets\/[^/]+\/[^/]+\/(\d+)\/?$/ }],
  priceBases: {
    'all-in': { field: 'stats.lowest_price, average_price, median_price, highest_price' },
    base: { field: 'stats.lowest_sg_base_price (the lowest only)' },
  },
  settings: [
    { name: 'SEATGEEK_BASE_URL', kind: 'base-url', description: 'SeatGeek Platform API base URL.' },
    { name: 'SEATGEEK_CLIENT_ID', kind: 'credential', description: 'SeatGeek client id.' },
    { name: 'SEATGEEK_CLIENT_SECRET', kind: 'credential', description: 'SeatGeek client secret.' },
    { name: 'SEATGEEK_RATE_PER_SECOND', kind: 'rate', default: 5, description: 'Requests per second to SeatGeek, across every worker.' },
  ],
  rateSetting: 'SEATGEEK_RATE_PER_SECOND',
  credentialProblem: (get) => (get('SEATGEEK_CLIENT_ID') ? undefined : 'set SEATGEEK_CLIENT_ID'),
} as const satisfies MarketplaceDescriptor<'seatgeek'>;
