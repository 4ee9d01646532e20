import { enabledMarketplaces, settingOf, type Env } from '../config/index';
import type { FetchedPrices, MarketplaceName } from '../domain/listing';
import { MarketplaceHttp, type MarketplaceHttpOptions, type RequestPace } from './http';
import { ioOf } from './adapters';
import { descriptorOf, MARKETPLACE_NAMES } from './registry';
import type { RandomSource } from './politeness';
import type { MarketplaceAdapter } from './adapter';

export type { MarketplaceAdapter } from './adapter';
export type { RequestPace } from './http';
export { MarketplaceError, PayloadShapeError } from './errors';

/** Pure normalizers by marketplace name, for `ticket-tracker marketplaces parse` and the tests. */
export const PAYLOAD_PARSERS: Record<MarketplaceName, (payload: unknown) => FetchedPrices> = Object.fromEntries(
  MARKETPLACE_NAMES.map((name) => [name, (payload: unknown) => ioOf(name).parse(payload)]),
) as Record<MarketplaceName, (payload: unknown) => FetchedPrices>;

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
  /**
   * The request pacing of each marketplace's HTTP client (see MarketplaceHttpOptions.pace).
   * Workers must pass it (src/worker.ts requestPacing): without it requests are not spaced.
   */
  pacing?: (marketplace: MarketplaceName) => RequestPace;
}

/**
 * The adapters the configuration enables. A marketplace without its credential is disabled with
 * the reason, and the others still work. With MOCK_MARKETPLACE on, every adapter talks to the
 * mock marketplace (with placeholder credentials, which it accepts); otherwise the mock is never used.
 */
export function createMarketplaceAdapters(env: Env, opts: CreateAdaptersOptions = {}): MarketplaceAdapters {
  const { enabled, disabled } = enabledMarketplaces(env);
  const mock = env.MOCK_MARKETPLACE ? (opts.mockUrl ?? `http://127.0.0.1:${env.MOCK_MARKETPLACE_PORT}`) : undefined;
  const adapters: Partial<Record<MarketplaceName, MarketplaceAdapter>> = {};
  for (const marketplace of enabled) {
    const descriptor = descriptorOf(marketplace);
    const setting = (name: string): string | undefined => {
      const v = settingOf(env, name);
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const baseUrlSetting = descriptor.settings.find((x) => x.kind === 'base-url')?.name;
    const override = mock ?? (baseUrlSetting ? setting(baseUrlSetting) : undefined);
    // One per marketplace, shared by its clients if an adapter makes several.
    const pace = opts.pacing?.(marketplace);
    adapters[marketplace] = ioOf(marketplace).createAdapter({
      setting,
      mock: mock !== undefined,
      ...(opts.now ? { now: opts.now } : {}),
      http: (defaultBaseUrl, credentialSetting) =>
        new MarketplaceHttp({
          marketplace,
          baseUrl: override ?? defaultBaseUrl,
          userAgent: env.HTTP_USER_AGENT,
          timeoutMs: env.HTTP_TIMEOUT_MS,
          proxies: mock ? [] : env.HTTP_PROXIES,
          useEnvProxy: !mock,
          connections: env.MARKETPLACE_CONCURRENCY,
          delay: { distribution: env.REQUEST_DELAY_DISTRIBUTION, minMs: env.REQUEST_DELAY_MIN_MS, maxMs: env.REQUEST_DELAY_MAX_MS },
          ...(opts.random ? { random: opts.random } : {}),
          ...(opts.now ? { now: opts.now } : {}),
          ...(credentialSetting ? { credentialSetting } : {}),
          ...(pace ? { pace } : {}),
        } satisfies MarketplaceHttpOptions),
    });
  }
  return {
    adapters,
    disabled,
    async close() {
      await Promise.all(Object.values(adapters).map((a) => a.close()));
    },
  };
}
