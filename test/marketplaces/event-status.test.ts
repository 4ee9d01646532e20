import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { describeParse } from '../../src/marketplaces/describe';
import { ioOf } from '../../src/marketplaces/adapters';
import { parseTicketmasterEvent } from '../../src/marketplaces/ticketmaster/adapter';

const fixture = (marketplace: string, name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'marketplaces', marketplace, name), 'utf8')) as Record<string, unknown>;

// event-cancelled/-rescheduled/-postponed.json: ticketmaster/event.json with `dates` as real
// Discovery responses write them for such events (see test/fixtures/marketplaces/README.md).
describe('Ticketmaster event status (dates.status.code)', () => {
  it('onsale: stated, with the start the payload gives', () => {
    const r = parseTicketmasterEvent(fixture('ticketmaster', 'event.json'));
    assert.deepEqual(r.eventStatus, { status: 'onsale', path: 'dates.status.code', startsAt: '2025-03-09T00:30:00.000Z' });
  });

  it('cancelled: stated, and the figures are kept (79.00-1450.00 face value)', () => {
    const r = parseTicketmasterEvent(fixture('ticketmaster', 'event-cancelled.json'));
    assert.equal(r.eventStatus?.status, 'cancelled');
    if (r.kind !== 'summary') throw new Error('not a summary');
    assert.deepEqual([r.summary.lowest, r.summary.highest], [79, 1450]);
    const report = describeParse('ticketmaster', r);
    assert.deepEqual([report.eventStatus, report.health], ['cancelled', 'ok']);
  });

  it('rescheduled: the new start is dates.start.dateTime (the old one is in initialStartDate)', () => {
    const r = parseTicketmasterEvent(fixture('ticketmaster', 'event-rescheduled.json'));
    assert.deepEqual(r.eventStatus, { status: 'rescheduled', path: 'dates.status.code', startsAt: '2025-04-16T23:30:00.000Z' });
    assert.equal(describeParse('ticketmaster', r).eventStartsAt, '2025-04-16T23:30:00.000Z');
  });

  it('postponed with the date to be announced: stated, no start', () => {
    const r = parseTicketmasterEvent(fixture('ticketmaster', 'event-postponed.json'));
    assert.deepEqual(r.eventStatus, { status: 'postponed', path: 'dates.status.code', startsAt: null });
    assert.equal(r.notGiven, undefined);
  });

  it('"canceled" (the documentation\'s spelling) and any case are the same status', () => {
    for (const code of ['canceled', 'Cancelled', ' CANCELED ']) {
      const p = fixture('ticketmaster', 'event.json');
      p.dates = { ...(p.dates as object), status: { code } };
      assert.equal(parseTicketmasterEvent(p).eventStatus?.status, 'cancelled', code);
    }
  });

  it('a code that is not a status is reported with its path; no status stored; the figures kept; still healthy', () => {
    const p = fixture('ticketmaster', 'event.json');
    p.dates = { ...(p.dates as object), status: { code: 'soldout?' } };
    const r = parseTicketmasterEvent(p);
    assert.equal(r.eventStatus, undefined);
    assert.deepEqual(
      r.notGiven?.map((n) => [n.path, n.reason]),
      [
        [
          'dates.status.code',
          'not a status: got "soldout?" (expected one of onsale, offsale, cancelled, postponed, rescheduled); no status stored',
        ],
      ],
    );
    if (r.kind !== 'summary') throw new Error('not a summary');
    assert.equal(r.summary.lowest, 79);
    assert.equal(describeParse('ticketmaster', r).healthy, true);
    p.dates = { ...(p.dates as object), status: { code: 3 } };
    assert.match(parseTicketmasterEvent(p).notGiven![0]!.reason, /^not a status: got 3/);
  });

  it('rescheduled without a readable new start: stated, the start null, and the field path reported', () => {
    const p = fixture('ticketmaster', 'event-rescheduled.json');
    p.dates = { ...(p.dates as object), start: { localDate: '2025-04-16', dateTime: '16/04/2025 19:30' } };
    const r = parseTicketmasterEvent(p);
    assert.deepEqual(r.eventStatus, { status: 'rescheduled', path: 'dates.status.code', startsAt: null });
    assert.deepEqual(
      r.notGiven?.map((n) => n.path),
      ['dates.start.dateTime'],
    );
  });

  it('no dates.status (older captures): no status stated, nothing reported', () => {
    const p = fixture('ticketmaster', 'event.json');
    p.dates = { start: { localDate: '2025-03-08' } };
    const r = parseTicketmasterEvent(p);
    assert.equal(r.eventStatus, undefined);
    assert.equal(r.notGiven, undefined);
  });
});

describe('marketplaces whose formats carry no event status state none', () => {
  const cases: ['vividseats' | 'seatgeek' | 'stubhub', string, string][] = [
    ['vividseats', 'vividseats', 'listings.json'],
    ['seatgeek', 'seatgeek', 'event.json'],
    ['stubhub', 'stubhub', 'catalog-event.json'],
    ['stubhub', 'stubhub', 'comp-listings.json'],
  ];
  for (const [name, folder, file] of cases) {
    it(`${name} ${file}: eventStatus absent`, () => {
      assert.equal(ioOf(name).parse(fixture(folder, file)).eventStatus, undefined);
    });
  }
});
