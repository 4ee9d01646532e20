import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertMessage } from '../../src/alerts/message';
import { alertMessageSchema } from '../../src/alerts/message';
import { factsOf } from '../../src/alerts/text';

const message = (timezone: string | null | undefined): AlertMessage => ({
  kind: 'price',
  severity: 'info',
  title: 'Alpha Tour: price drop (whole event on vividseats)',
  text: '$109.60 -> $82.20 (-25%)',
  dedupeKey: 'rule/1/scrape-1',
  event: {
    id: 7,
    name: 'Alpha Tour',
    startsAt: '2027-02-13T00:30:00.000Z',
    ...(timezone === undefined ? {} : { timezone }),
    venue: null,
    url: null,
  },
  marketplace: 'vividseats',
});

const starts = (m: AlertMessage): string | undefined => factsOf(m).find((f) => f.label === 'Starts')?.value;

describe('an alert shows the event start in the event own zone', () => {
  it('formats the start in the event time zone with its abbreviation, in every channel (facts)', () => {
    assert.equal(starts(message('America/New_York')), 'Fri 12 Feb 2027 19:30 EST');
    assert.equal(starts(message('Europe/London')), 'Sat 13 Feb 2027 00:30 GMT');
    assert.ok(alertMessageSchema.safeParse(message('America/New_York')).success);
  });

  it('keeps the stored instant when the zone is unknown (older alerts, events without a zone)', () => {
    assert.equal(starts(message(undefined)), '2027-02-13T00:30:00.000Z');
    assert.equal(starts(message(null)), '2027-02-13T00:30:00.000Z');
    assert.equal(starts(message('Nope/Zone')), '2027-02-13T00:30:00.000Z');
  });
});
