import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countFailures, failureKindOf } from '../../src/dashboard/failures';
import { changeOver, eventOverview, lowestAcross } from '../../src/dashboard/overview';
import { BadParameter, historyParams, parseParams } from '../../src/dashboard/params';
import { cycleWorkflowId, scrapeWorkflowId, temporalUiOf, workflowUrl } from '../../src/dashboard/temporal-links';
import type { HistoryRow } from '../../src/db/analytics/history';
import type { CatalogEvent } from '../../src/catalog/lifecycle';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const row = (hours: number, source: string, lowest: number | null): HistoryRow => ({
  bucket: new Date(T0 + hours * H),
  source,
  zone: 'ALL',
  quantity: 1,
  basis: 'all-in',
  resolution: 'hourly',
  lowest,
  average: null,
  highest: null,
  ticketsPeak: null,
  ticketsAverage: null,
  listingsPeak: null,
  listingsAverage: null,
  samples: 1,
});

describe('dashboard figures', () => {
  it('change over 24 h compares the last point with the last one at or before a day earlier', () => {
    const pts: [number, number][] = [
      [T0, 100],
      [T0 + 10 * H, 120],
      [T0 + 30 * H, 90],
    ];
    // 30 h - 24 h = 6 h: the last point at or before is T0 (100).
    assert.deepEqual(changeOver(pts, 24), { change: -10, percent: -10 });
    assert.equal(changeOver(pts, 48), null);
    assert.equal(changeOver([], 24), null);
    assert.deepEqual(
      changeOver(
        [
          [T0, 0],
          [T0 + 25 * H, 5],
        ],
        24,
      ),
      { change: 5, percent: null },
    );
  });

  it('the sparkline is the lowest across marketplaces per bucket', () => {
    assert.deepEqual(lowestAcross([row(0, 'stubhub', 50), row(0, 'vividseats', 40), row(1, 'stubhub', 45), row(2, 'vividseats', null)]), [
      [T0, 40],
      [T0 + H, 45],
    ]);
  });

  it('an error newer than the last scrape makes the event\'s status "failed"', () => {
    const event = {
      id: 1,
      name: 'E',
      venue: null,
      city: null,
      startsAt: null,
      startPrecision: 'tba',
      timezone: null,
      tracked: true,
      marketplaceIds: [],
    } as unknown as CatalogEvent;
    const latest = [
      {
        source: 'stubhub',
        zone: 'ALL',
        capturedAt: new Date(T0),
        basis: 'all-in' as const,
        lowest: 10,
        average: 12,
        highest: 20,
        lowest2: null,
        lowest4: null,
        tickets: 4,
        listings: 2,
        available: true,
        currency: 'USD',
        mark: null,
        eventStatus: null,
        live: true,
      },
    ];
    assert.equal(eventOverview(event, latest, [], null).lastStatus, 'ok');
    assert.equal(eventOverview(event, latest, [], new Date(T0 + H)).lastStatus, 'failed');
    assert.equal(eventOverview(event, [], [], null).lastStatus, 'never');
    assert.equal(eventOverview(event, [{ ...latest[0]!, mark: 'format-drift' }], [], null).lastStatus, 'format-drift');
  });

  it('the Events figures are on one basis: a row of another basis from a reader is refused, never shown beside the others', () => {
    const event = { id: 7, name: 'E', marketplaceIds: [], tracked: true } as unknown as CatalogEvent;
    const base = {
      source: 'vividseats',
      zone: 'ALL',
      capturedAt: new Date(T0),
      basis: 'base' as const,
      lowest: 200,
      average: null,
      highest: null,
      lowest2: null,
      lowest4: null,
      tickets: null,
      listings: null,
      available: true,
      currency: 'USD',
      mark: null,
      eventStatus: null,
      live: true,
    };
    const allIn = { ...base, source: 'stubhub', basis: 'all-in' as const, lowest: 240 };
    // Both bases named on the answer.
    const ok = eventOverview(event, [base], [{ ...row(0, 'vividseats', 200), basis: 'base' }], null, null, 'base');
    assert.equal(ok.basis, 'base');
    assert.deepEqual(
      ok.marketplaces.map((m) => [m.source, m.basis, m.lowest]),
      [['vividseats', 'base', 200]],
    );
    // A base row among all-in ones (latest or history), and the default all-in with base rows.
    assert.throws(() => eventOverview(event, [allIn, base], [], null, null, 'all-in'), /a base figure among all-in ones \(vividseats\)/);
    assert.throws(() => eventOverview(event, [allIn], [{ ...row(0, 'vividseats', 200), basis: 'base' }], null), /bases are never mixed/);
    assert.throws(() => eventOverview(event, [base], [], null), /a base figure among all-in ones/);
  });

  it('a cancelled event: its last lowest is kept but never shown as the live price; a rescheduled one shows its new start', () => {
    const event = {
      id: 2,
      name: 'E',
      venue: null,
      city: null,
      startsAt: '2027-03-09T00:30:00.000Z',
      startPrecision: 'time',
      timezone: 'UTC',
      tracked: true,
      marketplaceIds: [],
    } as unknown as CatalogEvent;
    const latest = [
      {
        source: 'ticketmaster',
        zone: 'ALL',
        capturedAt: new Date(T0),
        basis: 'all-in' as const,
        lowest: 79,
        average: null,
        highest: 1450,
        lowest2: null,
        lowest4: null,
        tickets: null,
        listings: null,
        available: true,
        currency: 'USD',
        mark: null,
        eventStatus: 'cancelled' as const,
        live: false,
      },
    ];
    const cancelled = eventOverview(event, latest, [], null, {
      status: 'cancelled',
      marketplace: 'ticketmaster',
      observedAt: new Date(T0).toISOString(),
      rescheduledStartsAt: null,
    });
    const tm = cancelled.marketplaces[0]!;
    assert.deepEqual([tm.lowest, tm.lastLowest, tm.live], [null, 79, false]);
    assert.equal(cancelled.eventStatus, 'cancelled');
    assert.match(cancelled.stoppedReason ?? '', /: no longer scraped$/);
    const rescheduled = eventOverview(event, [{ ...latest[0]!, eventStatus: 'rescheduled', live: true }], [], null, {
      status: 'rescheduled',
      marketplace: 'ticketmaster',
      observedAt: new Date(T0).toISOString(),
      rescheduledStartsAt: '2027-04-16T23:30:00.000Z',
    });
    assert.deepEqual(
      [rescheduled.startsAt, rescheduled.marketplaces[0]!.lowest, rescheduled.stoppedReason],
      ['2027-04-16T23:30:00.000Z', 79, null],
    );
    // Without a stated status nothing changes.
    assert.deepEqual(eventOverview(event, [{ ...latest[0]!, eventStatus: null, live: true }], [], null).marketplaces[0]!.lowest, 79);
  });

  it('failure kinds are read from the messages the fetch activity records', () => {
    assert.equal(failureKindOf('stubhub 123: stubhub event 123: HTTP 429 Too Many Requests'), 'rate-limited');
    assert.equal(failureKindOf('seatgeek 9: seatgeek event 9: HTTP 503 Service Unavailable'), 'unavailable');
    assert.equal(
      failureKindOf('vividseats 5: payload does not match the expected format at listings[0].price: expected number'),
      'bad-payload',
    );
    assert.equal(failureKindOf('stubhub 1: storing the scrape failed: deadlock detected'), 'storage');
    assert.equal(failureKindOf('ticketmaster 7: ticketmaster event 7: HTTP 403 Forbidden'), 'rejected');
    assert.equal(failureKindOf('something odd'), 'other');
    assert.deepEqual(
      countFailures([
        { marketplace: 'a', kind: 'other' },
        { marketplace: 'a', kind: 'other' },
        { marketplace: null, kind: 'storage' },
      ]),
      [
        { marketplace: 'a', kind: 'other', count: 2 },
        { marketplace: '(none)', kind: 'storage', count: 1 },
      ],
    );
  });

  it('workflow links follow the ids the cycle gives its workflows', () => {
    const cycleId = 'tracker/2026-11-30T10:00:00.000Z';
    assert.equal(cycleWorkflowId(cycleId), 'tracker');
    assert.equal(scrapeWorkflowId(cycleId, 12), 'scrape/12/2026-11-30T10:00:00.000Z');
    assert.equal(
      workflowUrl({ baseUrl: 'http://127.0.0.1:8233', namespace: 'default' }, 'scrape/12/x'),
      'http://127.0.0.1:8233/namespaces/default/workflows/scrape%2F12%2Fx',
    );
    assert.deepEqual(temporalUiOf({ TEMPORAL_UI_URL: undefined, TEMPORAL_UI_PORT: 8233, TEMPORAL_NAMESPACE: 'default' }), {
      baseUrl: 'http://127.0.0.1:8233',
      namespace: 'default',
    });
    assert.equal(
      temporalUiOf({ TEMPORAL_UI_URL: 'https://temporal.example.com/ui/', TEMPORAL_UI_PORT: 8233, TEMPORAL_NAMESPACE: 'prod' }).baseUrl,
      'https://temporal.example.com/ui',
    );
  });

  it('API parameters are validated with the reason and the parameter named', () => {
    const ok = parseParams(historyParams, { bucket: '6h', quantity: '2' });
    assert.equal(ok.bucket.seconds, 6 * 3600);
    assert.equal(ok.quantity, 2);
    assert.equal(ok.days, 30);
    const bad = (raw: Record<string, string>): BadParameter => {
      try {
        parseParams(historyParams, raw);
      } catch (err) {
        if (err instanceof BadParameter) return err;
        throw err;
      }
      throw new Error('accepted');
    };
    assert.equal(bad({ days: '-1' }).parameter, 'days');
    assert.equal(bad({ source: 'ebay' }).parameter, 'source');
    assert.match(bad({ source: 'ebay' }).message, /must be one of stubhub/);
    assert.equal(bad({ zoom: '1' }).parameter, 'zoom');
  });
});
