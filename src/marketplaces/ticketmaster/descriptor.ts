import type { MarketplaceDescriptor } from '../descriptor';

/** Ticketmaster Discovery API: face-value and all-in price ranges with an API key. */
export const ticketmaster = {
  name: 'ticketmaster',
  label: 'Ticketmaster',
  color: '#9467bd',
  header: 'Ticketmaster ID',
  headerAliases: ['ticketmaster', 'ticketmasterid', 'ticketmastereventid', 'tmid', 'tmeventid'],
  refPrefixes: ['ticketmaster', 'tm'],
  // https://www.ticketmaster.com/<slug>/event/<code> (also .ca, .co.uk, ...). In real Discovery
  // captures the code is sometimes the Discovery id (url .../event/Z7r9jZ1AeqbGa beside id
  // Z7r9jZ1AeqbGa) and often the page's own 16-hex event code (url .../event/2D00570ED8EE6BA8
  // beside id G5eVZ4YDbDJmI), which the Discovery API does not know: that form is refused.
  eventLinks: [
    {
      host: /(^|\.)ticketmaster\.[a-z.]+$/,
      id: /\/event\/([A-Za-z0-9_-]+)\/?$/,
      notAnId: {
        code: /^[0-9A-Fa-f]{16}$/,
        reason:
          "is the page's 16-hex event code, not the Discovery API event id this tracker asks Ticketmaster with: paste the event's Discovery id (the `id` of the event in the Discovery API, such as G5eVZ4YDbDJmI)",
      },
    },
  ],
  priceBases: {
    'all-in': { field: 'priceRanges[type "standard including fees"].min, max' },
    base: { field: 'priceRanges[type "standard"].min, max (face value)' },
  },
  settings: [
    { name: 'TICKETMASTER_BASE_URL', kind: 'base-url', description: 'Ticketmaster Discovery API base URL.' },
    { name: 'TICKETMASTER_API_KEY', kind: 'credential', description: 'Ticketmaster API key.' },
    {
      name: 'TICKETMASTER_RATE_PER_SECOND',
      kind: 'rate',
      default: 4,
      description: 'Requests per second to Ticketmaster, across every worker (its limit is 5).',
    },
  ],
  rateSetting: 'TICKETMASTER_RATE_PER_SECOND',
  credentialProblem: (get) => (get('TICKETMASTER_API_KEY') ? undefined : 'set TICKETMASTER_API_KEY'),
} as const satisfies MarketplaceDescriptor<'ticketmaster'>;
