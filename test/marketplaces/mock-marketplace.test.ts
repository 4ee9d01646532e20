import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseEnv } from '../../src/config/index';
import { MARKETPLACE_NAMES, normalizedListingSchema, type FetchedPrices, type MarketplaceName } from '../../src/domain/listing';
import { startMockMarketplace, type Fault, type MockMarketplace } from '../../src/mock-marketplace/index';
import { createMarketplaceAdapters, MarketplaceError, type MarketplaceAdapters } from '../../src/marketplaces/index';
import { toActivityFailure } from '../../src/activities/failures';

const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 5);

describe('adapters against the mock marketplace over HTTP', () => {
  let mock: MockMarketplace;
  let clock = EPOCH + 10 * DAY;
  let set: MarketplaceAdapters;

  before(async () => {
    mock = await startMockMarketplace({ port: 0, seed: 42, now: () => clock, epochMs: EPOCH });
    set = createMarketplaceAdapters(parseEnv({ MOCK_MARKETPLACE: 'true', HTTP_TIMEOUT_MS: '1500' }), { mockUrl: mock.url });
  });
  after(async () => {
    await set.close();
    await mock.close();
  });

  const adapter = (m: MarketplaceName) => set.adapters[m]!;
  const expectFailure = async (m: MarketplaceName, eventId: string, check: (e: MarketplaceError) => void): Promise<void> => {
    await assert.rejects(adapter(m).fetchPrices(eventId), (err: unknown) => {
      assert.ok(err instanceof MarketplaceError, `expected MarketplaceError, got ${String(err)}`);
      assert.equal(err.marketplace, m);
      assert.equal(err.eventId, eventId);
      check(err);
      return true;
    });
  };

  it('enables all four marketplaces with placeholder credentials in mock mode', () => {
    assert.deepEqual(Object.keys(set.adapters).sort(), [...MARKETPLACE_NAMES].sort());
    assert.deepEqual(set.disabled, []);
    assert.equal(adapter('stubhub').yields, 'listings');
  });

  it('serves every format for any event id, normalized and valid', async () => {
    for (const m of MARKETPLACE_NAMES) {
      const r = await adapter(m).fetchPrices('evt-1001');
      assert.deepEqual(r.skipped, [], m);
      if (r.kind === 'listings') {
        assert.ok(r.listings.length > 0, `${m} has listings`);
        for (const l of r.listings) normalizedListingSchema.parse(l);
      } else {
        assert.ok(r.summary.lowest !== null && r.summary.lowest > 0, `${m} has a lowest price`);
      }
    }
  });

  it('is deterministic for a seed and time, and the market moves with time', async () => {
    const a = await adapter('vividseats').fetchPrices('evt-2002');
    const b = await adapter('vividseats').fetchPrices('evt-2002');
    assert.deepEqual(a, b);
    const event = mock.event('evt-2002');
    const at = async (t: number): Promise<FetchedPrices> => {
      clock = t;
      return adapter('vividseats').fetchPrices('evt-2002');
    };
    const ids = (r: FetchedPrices): Set<string> => new Set(r.kind === 'listings' ? r.listings.map((l) => l.listingId) : []);
    const early = await at(event.startsAt - 60 * DAY);
    const late = await at(event.startsAt - 1 * DAY);
    const after = await at(event.startsAt + DAY);
    clock = EPOCH + 10 * DAY;
    const appeared = [...ids(late)].filter((id) => !ids(early).has(id));
    const gone = [...ids(early)].filter((id) => !ids(late).has(id));
    assert.ok(appeared.length > 0, 'listings appear');
    assert.ok(gone.length > 0, 'listings sell out');
    assert.equal(ids(after).size, 0, 'nothing on sale after the start');
    const priceOf = (r: FetchedPrices, id: string): number | undefined =>
      r.kind === 'listings' ? (r.listings.find((l) => l.listingId === id)?.basePrice ?? undefined) : undefined;
    const both = [...ids(early)].filter((id) => ids(late).has(id));
    assert.ok(
      both.some((id) => priceOf(early, id) !== priceOf(late, id)),
      'prices move',
    );
  });

  async function withFault(
    fault: Fault,
    m: MarketplaceName,
    eventId: string,
    check: (e: MarketplaceError) => void,
    times = 1,
  ): Promise<void> {
    mock.setFault({ marketplace: m, eventId, fault, times });
    await expectFailure(m, eventId, check);
  }

  it('429 with Retry-After seconds: retryable, next retry delay from the header', async () => {
    await withFault({ kind: 'rate-limit', retryAfter: 7 }, 'seatgeek', 'f-429', (e) => {
      assert.equal(e.kind, 'rate-limited');
      assert.equal(e.status, 429);
      const f = toActivityFailure(e);
      assert.equal(f.nonRetryable, false);
      assert.equal(f.nextRetryDelay, 7000);
    });
  });

  it('429 with an HTTP date in Retry-After', async () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    await withFault({ kind: 'rate-limit', retryAfter: at }, 'vividseats', 'f-429-date', (e) => {
      assert.equal(e.kind, 'rate-limited');
      assert.ok(e.retryAfterMs! > 55_000 && e.retryAfterMs! <= 60_000, String(e.retryAfterMs));
    });
  });

  it('Ticketmaster 429 names the violated policy; without Retry-After the delay comes from Rate-Limit-Reset', async () => {
    await withFault({ kind: 'rate-limit', policy: 'spike', retryAfter: 1 }, 'ticketmaster', 'f-tm-spike', (e) => {
      assert.equal(e.policy, 'policies.ratelimit.SpikeArrestViolation');
      assert.match(e.message, /SpikeArrestViolation/);
      assert.equal(toActivityFailure(e).nextRetryDelay, 1000);
    });
    await withFault({ kind: 'rate-limit', policy: 'quota' }, 'ticketmaster', 'f-tm-quota', (e) => {
      assert.equal(e.policy, 'policies.ratelimit.QuotaViolation');
      assert.match(e.message, /daily quota/);
      assert.doesNotMatch(e.message, /mock-api-key/, 'the api key is not echoed');
      assert.equal(e.retryable, true);
    });
  });

  it('a burst of 500s is retryable and the next request succeeds', async () => {
    mock.setFault({ marketplace: 'stubhub', eventId: 'f-500', fault: { kind: 'status', status: 500 }, times: 2 });
    for (let i = 0; i < 2; i++) {
      await expectFailure('stubhub', 'f-500', (e) => {
        assert.equal(e.kind, 'unavailable');
        assert.equal(toActivityFailure(e).nonRetryable, false);
      });
    }
    const r = await adapter('stubhub').fetchPrices('f-500');
    assert.equal(r.kind, 'listings');
  });

  it('503 with Retry-After is rate-limited; without it, unavailable', async () => {
    await withFault({ kind: 'status', status: 503, retryAfter: 3 }, 'seatgeek', 'f-503', (e) => {
      assert.equal(e.kind, 'rate-limited');
      assert.equal(toActivityFailure(e).nextRetryDelay, 3000);
    });
    await withFault({ kind: 'status', status: 503 }, 'seatgeek', 'f-503b', (e) => assert.equal(e.kind, 'unavailable'));
  });

  it('400, 401, 403 and 404 are non-retryable, with what to check', async () => {
    for (const status of [400, 401, 403, 404]) {
      await withFault({ kind: 'status', status }, 'ticketmaster', `f-${status}`, (e) => {
        assert.equal(e.kind, 'rejected');
        assert.equal(e.status, status);
        assert.equal(toActivityFailure(e).nonRetryable, true);
        assert.match(e.message, new RegExp(`HTTP ${status}`));
        if (status === 401) assert.match(e.message, /TICKETMASTER_API_KEY/);
        if (status === 404) assert.match(e.message, /check the event id/);
      });
    }
  });

  it('a slow response times out as a retryable failure', async () => {
    await withFault({ kind: 'slow', delayMs: 4000 }, 'vividseats', 'f-slow', (e) => {
      assert.equal(e.kind, 'unavailable');
      assert.match(e.message, /timed out after 1500 ms/);
    });
  });

  it('a truncated body is retryable', async () => {
    await withFault({ kind: 'truncated' }, 'stubhub', 'f-trunc', (e) => assert.equal(e.kind, 'unavailable'));
  });

  it('a body that is not JSON is a non-retryable bad payload', async () => {
    await withFault({ kind: 'malformed' }, 'seatgeek', 'f-html', (e) => {
      assert.equal(e.kind, 'bad-payload');
      assert.equal(toActivityFailure(e).nonRetryable, true);
    });
  });

  it('a renamed field fails non-retryably with the field path', async () => {
    await withFault({ kind: 'rename-field', from: 'tickets', to: 'listings' }, 'vividseats', 'f-rename', (e) => {
      assert.equal(e.kind, 'bad-payload');
      assert.equal(e.path, 'tickets');
      assert.equal(toActivityFailure(e).type, 'MarketplaceBadPayload');
    });
    await withFault({ kind: 'rename-field', from: 'id', to: 'event_id' }, 'seatgeek', 'f-rename-sg', (e) => assert.equal(e.path, 'id'));
    // A renamed field inside each Pro listing skips every listing instead (each is malformed alone).
    mock.setFault({
      marketplace: 'stubhub',
      eventId: 'f-rename-sh',
      fault: { kind: 'rename-field', from: 'sellerAllInPrice', to: 'allInPrice' },
      times: 1,
    });
    const r = await adapter('stubhub').fetchPrices('f-rename-sh');
    assert.equal(r.kind === 'listings' ? r.listings.length : -1, 0);
    // Without its all-in price a listing has no buyer's price (the net proceeds are the seller's).
    assert.ok(r.skipped.length > 0 && r.skipped.every((s) => s.path.endsWith('.sellerAllInPrice')));
  });

  it('serves Vivid Seats in the real key layout: zone in c, section id in d, splits in m, g a flag, declared counts', async () => {
    const res = await fetch(`${mock.url}/hermes/api/v1/listings?productionId=evt-3003`, { headers: { 'x-mock-now': String(clock) } });
    const body = (await res.json()) as {
      global: { listingCount: string }[];
      tickets: Record<string, unknown>[];
      groups: { i: string }[];
      sections: { i: string; g: string }[];
    };
    assert.ok(body.tickets.length > 0);
    const groups = new Set(body.groups.map((g) => g.i));
    const sections = new Map(body.sections.map((x) => [x.i, x.g]));
    for (const t of body.tickets) {
      assert.ok(groups.has(String(t.c)), 'c is a group id');
      assert.equal(sections.get(String(t.d)), t.c, 'd is a section of zone c');
      assert.equal(t.g, '0');
      assert.match(String(t.m), /^\d+(,\d+)*$/);
      assert.equal(t.allInPricePerTicket, t.aip);
      assert.equal(t.quantity, t.q);
    }
    assert.equal(body.global[0]!.listingCount, String(body.tickets.length));
    const r = await adapter('vividseats').fetchPrices('evt-3003');
    assert.equal(r.kind === 'listings' ? r.listings.length : -1, body.tickets.length);
    assert.deepEqual(r.declared?.listings, body.tickets.length);
  });

  it('"format-drift" renames a field of every listing: every Vivid Seats ticket is skipped under one reason', async () => {
    mock.setFault({ marketplace: 'vividseats', eventId: 'f-drift', fault: { kind: 'format-drift' }, times: 1 });
    const r = await adapter('vividseats').fetchPrices('f-drift');
    assert.equal(r.kind === 'listings' ? r.listings.length : -1, 0);
    assert.ok(r.skipped.length > 0);
    assert.deepEqual([...new Set(r.skipped.map((x) => x.path.replace(/\[\d+\]/, '[]')))], ['tickets[].p']);
    assert.ok((r.declared?.listings ?? 0) > 0, 'the payload still declares its listings');
  });

  it('"empty" serves a well-formed payload with 0 listings', async () => {
    mock.setFault({ marketplace: 'vividseats', eventId: 'f-empty', fault: { kind: 'empty' }, times: 1 });
    const r = await adapter('vividseats').fetchPrices('f-empty');
    assert.deepEqual(
      [r.kind, r.kind === 'listings' ? r.listings.length : -1, r.skipped.length, r.declared?.listings],
      ['listings', 0, 0, 0],
    );
  });

  it('faults can be set through the admin endpoint', async () => {
    const res = await fetch(`${mock.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ marketplace: 'seatgeek', eventId: 'f-admin', fault: { kind: 'status', status: 404 }, times: 1 }),
    });
    assert.equal(res.status, 201);
    await expectFailure('seatgeek', 'f-admin', (e) => assert.equal(e.status, 404));
    const bad = await fetch(`${mock.url}/__mock/faults`, { method: 'POST', body: JSON.stringify({ fault: { kind: 'nope' } }) });
    assert.equal(bad.status, 400);
  });
});

describe('registry with real (non-mock) configuration', () => {
  let mock: MockMarketplace;
  before(async () => {
    mock = await startMockMarketplace({ port: 0, seed: 1, epochMs: EPOCH, now: () => EPOCH + DAY });
  });
  after(async () => mock.close());

  it('a missing credential disables only that marketplace, with what to set', async () => {
    const env = parseEnv({
      TICKETMASTER_API_KEY: 'k',
      TICKETMASTER_BASE_URL: mock.url,
      VIVIDSEATS_BASE_URL: mock.url,
      STUBHUB_CLIENT_ID: 'id',
      STUBHUB_CLIENT_SECRET: 'secret',
      STUBHUB_BASE_URL: mock.url,
    });
    const set = createMarketplaceAdapters(env);
    try {
      assert.deepEqual(set.disabled, [{ marketplace: 'seatgeek', reason: 'set SEATGEEK_CLIENT_ID' }]);
      assert.deepEqual(Object.keys(set.adapters).sort(), ['stubhub', 'ticketmaster', 'vividseats']);
      assert.equal((await set.adapters.ticketmaster!.fetchPrices('tm-1')).kind, 'summary');
      assert.equal((await set.adapters.vividseats!.fetchPrices('vs-1')).kind, 'listings');
      // Without a Pro session StubHub gives the Catalog summary, through an OAuth token.
      assert.equal(set.adapters.stubhub!.yields, 'summary');
      const sh = await set.adapters.stubhub!.fetchPrices('153530683');
      assert.equal(sh.kind, 'summary');
    } finally {
      await set.close();
    }
  });

  it('a Pro session makes StubHub listing-level', async () => {
    const set = createMarketplaceAdapters(
      parseEnv({ MARKETPLACES: 'stubhub', STUBHUB_PRO_TOKEN: 'session=abc', STUBHUB_BASE_URL: mock.url }),
    );
    try {
      assert.equal((await set.adapters.stubhub!.fetchPrices('153530683')).kind, 'listings');
    } finally {
      await set.close();
    }
  });

  it('applies the politeness delay before each request, drawn from the random source', async () => {
    let draws = 0;
    const set = createMarketplaceAdapters(
      parseEnv({
        MARKETPLACES: 'vividseats',
        VIVIDSEATS_BASE_URL: mock.url,
        REQUEST_DELAY_DISTRIBUTION: 'uniform',
        REQUEST_DELAY_MIN_MS: '1',
        REQUEST_DELAY_MAX_MS: '5',
      }),
      { random: () => (draws++, 0.5) },
    );
    try {
      await set.adapters.vividseats!.fetchPrices('a');
      await set.adapters.vividseats!.fetchPrices('b');
      assert.equal(draws, 2);
    } finally {
      await set.close();
    }
  });
});
