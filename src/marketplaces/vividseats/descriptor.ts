import type { MarketplaceDescriptor } from '../descriptor';

/** Vivid Seats: the listings JSON its own event page loads; no credential. */
export const vividseats = {
  name: 'vividseats',
  label: 'Vivid Seats',
  color: '#d62728',
  header: 'Vivid Seats ID',
  headerAliases: ['vividseats', 'vividseatsid', 'vividseatseventid', 'vividid', 'vivid', 'vsid'],
  refPrefixes: ['vividseats', 'vivid'],
  // https://www.vividseats.com/<slug>/production/4067924
  eventPageUrl: (id) => `https://www.vividseats.com/production/${encodeURIComponent(id)}`,
  eventLinks: [{ host: /(^|\.)vividseats\.com$/, id: /\/production\/(\d+)(?:\/|$)/ }],
  priceBases: {
    'all-in': { field: 'tickets[].allInPricePerTicket (aip in the short form)' },
    base: { field: 'tickets[].p' },
  },
  settings: [
    { name: 'VIVIDSEATS_BASE_URL', kind: 'base-url', description: 'Vivid Seats base URL.' },
    {
      name: 'VIVIDSEATS_RATE_PER_SECOND',
      kind: 'rate',
      default: 2,
      description: 'Requests per second to Vivid Seats, across every worker.',
    },
  ],
  rateSetting: 'VIVIDSEATS_RATE_PER_SECOND',
  credentialProblem: () => undefined,
} as const satisfies MarketplaceDescriptor<'vividseats'>;
