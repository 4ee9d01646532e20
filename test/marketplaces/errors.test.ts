import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MarketplaceError, PayloadShapeError, kindForStatus, parseRetryAfter } from '../../src/marketplaces/errors';
import { toActivityFailure } from '../../src/activities/failures';

describe('Retry-After', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('0', now), 0);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    assert.equal(parseRetryAfter('Sat, 01 Mar 2025 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', now), 0);
  });
  it('ignores absent or unparseable values', () => {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});

describe('classification', () => {
  it('maps statuses', () => {
    assert.equal(kindForStatus(429, false), 'rate-limited');
    assert.equal(kindForStatus(503, true), 'rate-limited');
    assert.equal(kindForStatus(503, false), 'unavailable');
    assert.equal(kindForStatus(500, false), 'unavailable');
    assert.equal(kindForStatus(502, false), 'unavailable');
    for (const s of [400, 401, 403, 404]) assert.equal(kindForStatus(s, false), 'rejected');
  });

  it('turns a rate limit into a retryable failure whose next retry delay is Retry-After', () => {
    const f = toActivityFailure(
      new MarketplaceError({
        marketplace: 'seatgeek',
        eventId: '42',
        kind: 'rate-limited',
        status: 429,
        retryAfterMs: 7000,
        message: 'HTTP 429',
      }),
    );
    assert.ok(f instanceof ApplicationFailure);
    assert.equal(f.nonRetryable, false);
    assert.equal(f.type, 'MarketplaceRateLimited');
    assert.equal(f.nextRetryDelay, 7000);
    assert.match(f.message, /seatgeek event 42/);
  });

  it('makes rejections and shape errors non-retryable', () => {
    assert.equal(
      toActivityFailure(
        new MarketplaceError({ marketplace: 'ticketmaster', eventId: 'x', kind: 'rejected', status: 404, message: 'HTTP 404' }),
      ).nonRetryable,
      true,
    );
    assert.equal(toActivityFailure(new PayloadShapeError('tickets', 'expected array')).nonRetryable, true);
    assert.equal(
      toActivityFailure(new MarketplaceError({ marketplace: 'vividseats', eventId: 'x', kind: 'bad-payload', message: 'x' })).nonRetryable,
      true,
    );
  });

  it('keeps network failures and unknown errors retryable without a fixed delay', () => {
    const f = toActivityFailure(new MarketplaceError({ marketplace: 'stubhub', eventId: '1', kind: 'unavailable', message: 'ECONNRESET' }));
    assert.equal(f.nonRetryable, false);
    assert.equal(f.nextRetryDelay, undefined);
    assert.equal(toActivityFailure(new Error('boom')).nonRetryable, false);
  });
});
