import type { FetchedPrices } from '../domain/listing';
import type { MarketplaceHttp } from './http';
import type { MarketplaceAdapter } from './adapter';
import type { MarketplaceName } from './registry';

/** What an adapter factory gets from createMarketplaceAdapters (marketplaces/index.ts). */
export interface AdapterContext {
  /** A setting by name (the marketplace's own, from its descriptor); undefined when not set. */
  setting(name: string): string | undefined;
  /** True when every request goes to the mock marketplace, which accepts placeholder credentials. */
  mock: boolean;
  /**
   * An HTTP client for this marketplace: to the mock when on, else to the descriptor's base-URL
   * setting when set, else to `defaultBaseUrl`. `credentialSetting` names what to check on a 401/403.
   */
  http(defaultBaseUrl: string, credentialSetting?: string): MarketplaceHttp;
  now?: () => number;
}

/** The I/O half of a marketplace (its folder's adapter.ts): the adapter and the pure payload parser. */
export interface MarketplaceIo<N extends MarketplaceName = MarketplaceName> {
  name: N;
  /** Pure: a saved payload -> normalized prices (for `marketplaces parse` and the tests). */
  parse(payload: unknown): FetchedPrices;
  createAdapter(ctx: AdapterContext): MarketplaceAdapter;
}
