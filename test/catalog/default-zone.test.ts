import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCatalog, tableFromRows, type CellValue } from '../../src/domain/catalog';

/**
 * Rows without a time zone are read in DEFAULT_EVENT_TIMEZONE only when nothing on the row says
 * the venue is elsewhere: the city's zone, the state's (when all its cities share one), or a
 * country with several zones and no city to choose. Expected instants from Python zoneinfo:
 * 2027-06-01 19:00 America/New_York -> 23:00Z; America/Chicago -> 2027-06-02T00:00Z.
 */
const parse = (rows: CellValue[][]) =>
  parseCatalog(tableFromRows('t', [['Name', 'City', 'State', 'Country', 'Date', 'Time Zone', 'viagogoID'], ...rows]), {
    defaultTimeZone: 'America/New_York',
  });

describe('rows without a time zone', () => {
  it('are refused, naming the zone, when the city or state is elsewhere; in every country', () => {
    const c = parse([
      ['Seattle show', 'Seattle', '', '', '2027-06-01 19:00', '', '1'],
      ['Denver show', 'Denver', 'CO', 'US', '2027-06-01 19:00', '', '2'],
      ['Washington show', 'Smallvillez', 'WA', 'US', '2027-06-01 19:00', '', '3'],
    ]);
    assert.deepEqual(c.rows, []);
    assert.match(c.invalid[0]!.reason, /here probably America\/Los_Angeles \(from Seattle\)/);
    assert.match(c.invalid[1]!.reason, /gives another instant than America\/Denver.*here probably America\/Denver \(from Denver, US\)/);
    assert.match(c.invalid[2]!.reason, /here probably America\/Los_Angeles \(from WA, US\)/);
  });

  it('are refused when the country has zones of other instants and neither city nor state chooses', () => {
    const c = parse([
      ['Texas show', '', 'TX', 'US', '2027-06-01 19:00', '', '1'],
      ['Somewhere', 'Smallvillez', '', 'US', '2027-06-01 19:00', '', '2'],
    ]);
    assert.deepEqual(c.rows, []);
    assert.match(
      c.invalid[0]!.reason,
      /US has zones giving another instant than the default zone America\/New_York .*no city \(nor state\) says which/,
    );
    assert.match(c.invalid[1]!.reason, /the city "Smallvillez" is not one the zone hints know/);
  });

  it('are read in the default zone when the row agrees with it, or says nothing', () => {
    const c = parse([
      ['Brooklyn show', 'Brooklyn', 'NY', 'US', '2027-06-01 19:00', '', '1'],
      ['Toronto show', 'Toronto', 'ON', 'CA', '2027-06-01 19:00', '', '2'],
      ['No place', '', '', '', '2027-06-01 19:00', '', '3'],
      ['With offset', 'Chicago', 'IL', 'US', '2027-06-01 19:00-05:00', '', '4'],
    ]);
    assert.deepEqual(c.invalid, []);
    assert.deepEqual(
      c.rows.map((r) => r.startsAt?.toISOString()),
      ['2027-06-01T23:00:00.000Z', '2027-06-01T23:00:00.000Z', '2027-06-01T23:00:00.000Z', '2027-06-02T00:00:00.000Z'],
    );
  });
});
