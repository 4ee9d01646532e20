import type { MarketplaceDescriptor } from '../types';

/** Ticketmaster Discovery API: face-value and all-in price ranges with an API key. */
export const ticketmaster = {
  name: 'ticketmaster',
  label: 'Ticketmaster',
  header: 'Ticketmaster ID',
  headerAliases: ['ticketmaster', 'ticketmasterid', 'ticketmastereventid', 'tmid', 'tmeventid'],
  refPrefixes: ['ticketmaster', 'tm'],
  // https://www.ticketmaster.com/<slug>/event/01005D10AA6C203F (also .ca, .co.uk, ...)
  eventLinks: [{ host: /(^|\.)ticketmaster\.[a-z.]+$/, id: /\/event\/([A-Za-z0-9_-]+)\/?$/ }],
  settings: [
    { name: 'TICKETMASTER_BASE_URL', kind: 'base-url', description: 'Ticketmaster Discovery API base URL.' },
    { name: 'TICKETMASTER_API_KEY', kind: 'credential', description: 'Ticketmaster API key.' },
    { name: 'TICKETMASTER_RATE_PER_SECOND', kind: 'rate', default: 4, description: 'Requests per second to Ticketmaster, across every worker (its limit is 5).' },
  ],
  rateSetting: 'TICKETMASTER_RATE_PER_SECOND',
  credentialProblem: (get) => (get('TICKETMASTER_API_KEY') ? undefined : 'set TICKETMASTER_API_KEY'),
} as const satisfies MarketplaceDescriptor<'ticketmaster'>;
