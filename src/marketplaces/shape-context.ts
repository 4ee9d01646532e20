import type { MarketplaceName } from '../domain/listing';
import { MarketplaceError, PayloadShapeError } from './errors';

/** Runs a pure normalizer; a shape error becomes a non-retryable MarketplaceError naming the event. */
export function withShapeContext<T>(marketplace: MarketplaceName, eventId: string, normalize: () => T): T {
  try {
    return normalize();
  } catch (err) {
    if (err instanceof PayloadShapeError) {
      throw new MarketplaceError({
        marketplace,
        eventId,
        kind: 'bad-payload',
        path: err.path,
        message: `${err.message} (the marketplace may have changed its format; save the payload and try \`ticket-tracker marketplaces parse ${marketplace} FILE\`)`,
        cause: err,
      });
    }
    throw err;
  }
}
