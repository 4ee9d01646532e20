import type { MockEvent } from '../../mock-marketplace/generator';
import { allInPrice } from '../../mock-marketplace/fees';
import { renameField, type MockRoute } from '../../mock-marketplace/routes';
import { TICKETMASTER_EVENT_PATH } from './adapter';
import { TICKETMASTER_MOCK_FEES } from './fees';

/**
 * A Discovery event: priceRanges "standard" spans the zones' face values (Ticketmaster's own
 * primary sale, not the resale market) and "standard including fees" the same with its fees
 * (TICKETMASTER_MOCK_FEES).
 */
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
            {
              type: 'standard including fees',
              currency: event.currency,
              min: allInPrice(Math.min(...faces), TICKETMASTER_MOCK_FEES),
              max: allInPrice(Math.max(...faces), TICKETMASTER_MOCK_FEES),
            },
          ],
        }
      : {}),
    _links: { self: { href: `/discovery/v2/events/${event.id}?locale=en-us` } },
  };
}

/** GET /discovery/v2/events/ID.json?apikey=, with Ticketmaster's rate-limit headers and Apigee error bodies. */
export const ticketmasterMock: MockRoute = {
  marketplace: 'ticketmaster',
  name: 'ticketmaster',
  match: (method, path) => {
    const m = method === 'GET' ? path.match(new RegExp(`^${TICKETMASTER_EVENT_PATH}([^/]+)\\.json$`)) : null;
    return m ? decodeURIComponent(m[1]!) : undefined;
  },
  unauthorized: (_req, q) =>
    q.get('apikey') ? undefined : { fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } } },
  render: ({ event, now, setHeader }) => {
    setHeader('Rate-Limit', '5000');
    setHeader('Rate-Limit-Available', '4999');
    setHeader('Rate-Limit-Over', '0');
    setHeader('Rate-Limit-Reset', String(now + 86_400_000));
    return ticketmasterEvent(event, now);
  },
  drift: (payload, field = 'priceRanges', renamedTo = `${field}_v2`) => renameField(payload, field, renamedTo),
  rateLimited(policy, setHeader) {
    const quota = policy !== 'spike';
    setHeader('Rate-Limit', '5000');
    setHeader('Rate-Limit-Available', quota ? '0' : '4000');
    setHeader('Rate-Limit-Over', quota ? '1' : '0');
    return {
      fault: quota
        ? {
            faultstring: 'Rate limit quota violation. Quota limit  exceeded. Identifier : mock-api-key',
            detail: { errorcode: 'policies.ratelimit.QuotaViolation' },
          }
        : { faultstring: 'Spike arrest violation. Allowed rate : 5ps', detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' } },
    };
  },
  statusBody: (status) => ({ errors: [{ code: `MOCK${status}`, detail: `mock status ${status}` }] }),
};
