import type { FetchedPrices, MarketplaceName } from '../domain/listing';

/**
 * One marketplace behind one small interface: given the marketplace's own id of an event, fetch
 * and return normalized prices (listings, or a price summary where the marketplace exposes only
 * that). Adding a marketplace is one file implementing this and its fixtures.
 *
 * Errors are `MarketplaceError`s (see errors.ts); `toActivityFailure` (src/activities/failures.ts) turns any of them into the
 * Temporal failure that carries the right retry decision.
 */
export interface MarketplaceAdapter {
  readonly name: MarketplaceName;
  /** 'listings' when this adapter yields listing-level data, 'summary' when only event figures. */
  readonly yields: 'listings' | 'summary';
  fetchPrices(marketplaceEventId: string, signal?: AbortSignal): Promise<FetchedPrices>;
  /** The marketplace's raw answer for the event (parsed JSON), unnormalized: what `marketplaces probe` saves. */
  fetchPayload(marketplaceEventId: string, signal?: AbortSignal): Promise<unknown>;
  /** Normalizes a payload fetchPayload returned; a shape error is a non-retryable MarketplaceError naming the field path. */
  parse(payload: unknown, marketplaceEventId: string): FetchedPrices;
  /** Closes the adapter's connection pool; pending requests fail. */
  close(): Promise<void>;
}
