import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatWallTime, isTimeZone, offsetAt, zonedWallTimeToInstant, type WallTime } from '../../src/domain/local-time';

const wall = (s: string): WallTime => {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(s)!;
  return { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: 0 };
};
const at = (local: string, tz: string): string => zonedWallTimeToInstant(wall(local), tz).toISOString();

describe('local venue time -> instant, without a time-zone library', () => {
  it('uses standard and daylight offsets on either side of the switch', () => {
    assert.equal(at('2027-01-15 19:30', 'America/New_York'), '2027-01-16T00:30:00.000Z');
    assert.equal(at('2027-07-15 19:30', 'America/New_York'), '2027-07-15T23:30:00.000Z');
    assert.equal(at('2027-03-14 01:59', 'America/New_York'), '2027-03-14T06:59:00.000Z');
    assert.equal(at('2027-03-14 03:00', 'America/New_York'), '2027-03-14T07:00:00.000Z');
  });

  it('moves a wall time in the skipped spring-forward hour forward by the gap', () => {
    // 02:30 does not exist in New York on 14 March 2027: it reads as 03:30 EDT.
    assert.equal(at('2027-03-14 02:30', 'America/New_York'), '2027-03-14T07:30:00.000Z');
    assert.equal(at('2027-03-28 01:30', 'Europe/London'), '2027-03-28T01:30:00.000Z');
  });

  it('takes the earlier instant for a wall time in the repeated fall-back hour', () => {
    assert.equal(at('2027-11-07 01:30', 'America/New_York'), '2027-11-07T05:30:00.000Z');
    assert.equal(at('2027-10-31 01:30', 'Europe/London'), '2027-10-31T00:30:00.000Z');
  });

  it('handles the southern hemisphere, half-hour zones and zones without DST', () => {
    assert.equal(at('2027-01-10 20:00', 'Australia/Sydney'), '2027-01-10T09:00:00.000Z'); // AEDT +11
    assert.equal(at('2027-07-10 20:00', 'Australia/Sydney'), '2027-07-10T10:00:00.000Z'); // AEST +10
    assert.equal(at('2027-07-10 20:00', 'Asia/Kolkata'), '2027-07-10T14:30:00.000Z');
    assert.equal(at('2027-07-10 19:00', 'America/Phoenix'), '2027-07-11T02:00:00.000Z');
    assert.equal(at('2027-07-10 19:00', 'UTC'), '2027-07-10T19:00:00.000Z');
  });

  it('round-trips through formatWallTime and reports offsets', () => {
    const i = zonedWallTimeToInstant(wall('2027-06-18 19:00'), 'America/Denver');
    assert.equal(formatWallTime(i, 'America/Denver'), '2027-06-18 19:00');
    assert.equal(offsetAt(i.getTime(), 'America/Denver'), -6 * 3600_000);
  });

  it('knows IANA names and refuses others', () => {
    assert.equal(isTimeZone('America/Chicago'), true);
    assert.equal(isTimeZone('Mars/Olympus_Mons'), false);
  });
});
