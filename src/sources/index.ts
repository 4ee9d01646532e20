import { enabledMarketplaces, type Env } from '../config';
import type { FetchedPrices, MarketplaceName } from '../domain/listing';
import { MarketplaceHttp, type MarketplaceHttpOptions } from './http';
import type { RandomSource } from './politeness';
import { createSeatGeekAdapter, parseSeatGeekEvent } from './seatgeek';
import { createStubHubAdapter, parseStubHubPayload } from './stubhub';
import { createTicketmasterAdapter, parseTicketmasterEvent } from './ticketmaster';
import type { MarketplaceAdapter } from './types';
import { createVividSeatsAdapter, parseVividSeatsListings } from './vividseats';

export type { MarketplaceAdapter } from './types';
export { MarketplaceError, PayloadShapeError, toActivityFailure, FAILURE_TYPES } from './errors';

/** Where each marketplace lives on the internet; *_BASE_URL (or the mock) overrides these. */
export const DEFAULT_BASE_URLS = {
  stubhubPro: 'https://pro.stubhub.com',
  stubhubCatalog: 'https://api.stubhub.net',
  stubhubAccount: 'https://account.stubhub.com',
  vividseats: 'https://www.vividseats.com',
  seatgeek: 'https://api.seatgeek.com',
  ticketmaster: 'https://app.ticketmaster.com',
} as const;

/** Pure normalizers by source name, for `ticket-tracker sources parse` and the tests. */
export const PAYLOAD_PARSERS: Record<MarketplaceName, (payload: unknown) => FetchedPrices> = {
  stubhub: parseStubHubPayload,
  vividseats: (p) => parseVividSeatsListings(p),
  seatgeek: parseSeatGeekEvent,
  ticketmaster: parseTicketmasterEvent,
};

export interface MarketplaceAdapters {
  adapters: Partial<Record<MarketplaceName, MarketplaceAdapter>>;
  /** Marketplaces left out, each with what to set to enable it. */
  disabled: { marketplace: MarketplaceName; reason: string }[];
  /** Closes every adapter's connection pool. */
  close(): Promise<void>;
}

export interface CreateAdaptersOptions {
  /** Base URL of the mock marketplace when MOCK_MARKETPLACE is on (default 127.0.0.1:MOCK_MARKETPLACE_PORT). */
  mockUrl?: string;
  random?: RandomSource;
  now?: () => number;
}

/** Placeholder credentials sent to the mock marketplace, which accepts any. */
const MOCK_CREDENTIALS = { proToken: 'mock-session=1', clientId: 'mock-client', clientSecret: 'mock-secret', apiKey: 'mock-api-key' };

/**
 * The adapters the configuration enables. A marketplace without its credential is disabled with
 * the reason, and the others still work. With MOCK_MARKETPLACE on, every adapter talks to the
 * mock marketplace (listing-level StubHub through a placeholder Pro session); otherwise the mock
 * is never used.
 */
export function createMarketplaceAdapters(env: Env, opts: CreateAdaptersOptions = {}): MarketplaceAdapters {
  const { enabled, disabled } = enabledMarketplaces(env);
  const mock = env.MOCK_MARKETPLACE ? (opts.mockUrl ?? `http://127.0.0.1:${env.MOCK_MARKETPLACE_PORT}`) : undefined;
  const http = (marketplace: MarketplaceName, baseUrl: string, credentialSetting?: string): MarketplaceHttp =>
    new MarketplaceHttp({
      marketplace,
      baseUrl,
      userAgent: env.HTTP_USER_AGENT,
      timeoutMs: env.HTTP_TIMEOUT_MS,
      proxies: mock ? [] : env.HTTP_PROXIES,
      useEnvProxy: !mock,
      connections: env.MARKETPLACE_CONCURRENCY,
      delay: { distribution: env.REQUEST_DELAY_DISTRIBUTION, minMs: env.REQUEST_DELAY_MIN_MS, maxMs: env.REQUEST_DELAY_MAX_MS },
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(credentialSetting ? { credentialSetting } : {}),
    } satisfies MarketplaceHttpOptions);

  const adapters: Partial<Record<MarketplaceName, MarketplaceAdapter>> = {};
  for (const m of enabled) {
    switch (m) {
      case 'vividseats':
        adapters.vividseats = createVividSeatsAdapter({ http: http(m, mock ?? env.VIVIDSEATS_BASE_URL ?? DEFAULT_BASE_URLS.vividseats) });
        break;
      case 'seatgeek':
        adapters.seatgeek = createSeatGeekAdapter({
          http: http(m, mock ?? env.SEATGEEK_BASE_URL ?? DEFAULT_BASE_URLS.seatgeek, 'SEATGEEK_CLIENT_ID'),
          clientId: mock ? MOCK_CREDENTIALS.clientId : env.SEATGEEK_CLIENT_ID!,
          clientSecret: mock ? undefined : env.SEATGEEK_CLIENT_SECRET,
        });
        break;
      case 'ticketmaster':
        adapters.ticketmaster = createTicketmasterAdapter({
          http: http(m, mock ?? env.TICKETMASTER_BASE_URL ?? DEFAULT_BASE_URLS.ticketmaster, 'TICKETMASTER_API_KEY'),
          apiKey: mock ? MOCK_CREDENTIALS.apiKey : env.TICKETMASTER_API_KEY!,
          ...(opts.now ? { now: opts.now } : {}),
        });
        break;
      case 'stubhub': {
        const override = mock ?? env.STUBHUB_BASE_URL;
        const proToken = mock ? MOCK_CREDENTIALS.proToken : env.STUBHUB_PRO_TOKEN;
        adapters.stubhub = proToken
          ? createStubHubAdapter({ mode: 'listings', pro: http(m, override ?? DEFAULT_BASE_URLS.stubhubPro, 'STUBHUB_PRO_TOKEN'), proToken })
          : createStubHubAdapter({
              mode: 'summary',
              catalog: http(m, override ?? DEFAULT_BASE_URLS.stubhubCatalog, 'STUBHUB_CLIENT_ID and STUBHUB_CLIENT_SECRET'),
              account: http(m, override ?? DEFAULT_BASE_URLS.stubhubAccount, 'STUBHUB_CLIENT_ID and STUBHUB_CLIENT_SECRET'),
              clientId: env.STUBHUB_CLIENT_ID!,
              clientSecret: env.STUBHUB_CLIENT_SECRET!,
              ...(opts.now ? { now: opts.now } : {}),
            });
        break;
      }
    }
  }
  return {
    adapters,
    disabled,
    async close() {
      await Promise.all(Object.values(adapters).map((a) => a.close()));
    },
  };
}
