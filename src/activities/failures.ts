import { ApplicationFailure } from '@temporalio/common';
import { MarketplaceError, PayloadShapeError, type MarketplaceErrorKind } from '../marketplaces/errors';

/** Failure types an operator sees in the Temporal UI; workflows may list them in retry policies. */
export const FAILURE_TYPES = {
  'rate-limited': 'MarketplaceRateLimited',
  unavailable: 'MarketplaceUnavailable',
  rejected: 'MarketplaceRejected',
  'bad-payload': 'MarketplaceBadPayload',
} as const satisfies Record<MarketplaceErrorKind, string>;

/**
 * The Temporal failure for any error a fetch can throw: MarketplaceErrors keep their decision
 * (and Retry-After as `nextRetryDelay`); anything unexpected is retryable, since a bug in
 * our own code shows up in the failure message either way and a transient cause gets another go.
 */
export function toActivityFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof MarketplaceError) {
    return ApplicationFailure.create({
      message: err.message,
      type: FAILURE_TYPES[err.kind],
      nonRetryable: !err.retryable,
      ...(err.retryAfterMs !== undefined && err.retryable ? { nextRetryDelay: Math.max(0, Math.round(err.retryAfterMs)) } : {}),
      details: [
        {
          marketplace: err.marketplace,
          eventId: err.eventId,
          kind: err.kind,
          status: err.status ?? null,
          policy: err.policy ?? null,
          path: err.path ?? null,
          retryAfterMs: err.retryAfterMs ?? null,
        },
      ],
      cause: err,
    });
  }
  if (err instanceof PayloadShapeError) {
    return ApplicationFailure.create({ message: err.message, type: FAILURE_TYPES['bad-payload'], nonRetryable: true, cause: err });
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return ApplicationFailure.create({ message: e.message, type: 'MarketplaceUnexpected', nonRetryable: false, cause: e });
}
