import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookUpPlace } from '../../src/catalog/places';
import { parseCatalog } from '../../src/catalog/parse/catalog';
import { tableFromRows } from '../../src/catalog/parse/table';
import type { CellValue } from '../../src/catalog/parse/cells';

/**
 * Rows without a time zone take the zone of where they are: their city (with its state or
 * province and country), else their state, else their country. DEFAULT_EVENT_TIMEZONE only
 * serves rows that name no place. Expected instants worked by hand from each zone's offset on
 * 2027-06-01 (checked against Python zoneinfo): 19:00 in America/New_York (EDT, -4) is 23:00Z;
 * America/Chicago (CDT, -5) 2027-06-02T00:00Z; America/Denver (MDT, -6) 01:00Z; America/Phoenix
 * (MST all year, -7) and America/Los_Angeles (PDT, -7) 02:00Z; Europe/London (BST, +1) 18:00Z;
 * Australia/Perth (+8) 11:00Z; Australia/Sydney (AEST in June, +10) 09:00Z.
 */
const HEADER = ['Name', 'City', 'State', 'Country', 'Date', 'Time Zone', 'viagogoID'];
const parse = (rows: CellValue[][], defaultTimeZone?: string) =>
  parseCatalog(tableFromRows('t', [HEADER, ...rows]), { defaultTimeZone, lookUpPlace });
const row = (name: string, city: string, state: string, country: string, id: string): CellValue[] => [
  name,
  city,
  state,
  country,
  '2027-06-01 19:00',
  '',
  id,
];

describe('rows without a time zone', () => {
  it('take the zone of their city, its state and country, over the default zone', () => {
    const c = parse(
      [
        row('Seattle', 'Seattle', '', '', '1'),
        row('Denver', 'Denver', 'CO', 'US', '2'),
        row('Portland ME', 'Portland', 'ME', 'US', '3'),
        row('Portland OR', 'Portland, OR', '', 'US', '4'),
        row('Phoenix', 'Phoenix', 'Arizona', 'US', '5'),
        row('London', 'London', '', 'GB', '6'),
        row('Perth', 'Perth', '', 'AU', '7'),
        row('Sydney', 'Sydney', 'NSW', 'Australia', '8'),
      ],
      'America/Chicago',
    );
    assert.deepEqual(c.invalid, []);
    assert.deepEqual(
      c.rows.map((r) => [r.name, r.timezone, r.startsAt?.toISOString()]),
      [
        ['Seattle', 'America/Los_Angeles', '2027-06-02T02:00:00.000Z'],
        ['Denver', 'America/Denver', '2027-06-02T01:00:00.000Z'],
        ['Portland ME', 'America/New_York', '2027-06-01T23:00:00.000Z'],
        ['Portland OR', 'America/Los_Angeles', '2027-06-02T02:00:00.000Z'],
        ['Phoenix', 'America/Phoenix', '2027-06-02T02:00:00.000Z'],
        ['London', 'Europe/London', '2027-06-01T18:00:00.000Z'],
        ['Perth', 'Australia/Perth', '2027-06-01T11:00:00.000Z'],
        ['Sydney', 'Australia/Sydney', '2027-06-01T09:00:00.000Z'],
      ],
    );
    // Each row says where its zone came from, under the user's City column.
    assert.deepEqual(
      c.cells.map((n) => [n.row, n.column, n.kind]),
      c.rows.map((r) => [r.rowNumber, 'City', 'zone']),
    );
    assert.match(c.cells[2]!.message, /^zone from city: America\/New_York \(Portland, ME, US\)/);
    assert.match(c.cells[6]!.message, /Australia\/Perth \(Perth, .*AU, the largest "Perth"; also .*Australia\/Hobart/);
  });

  it('are refused with the candidates when the place is in several zones and nothing chooses', () => {
    const c = parse(
      [
        row('Portland somewhere', 'Portland', '', 'US', '1'),
        row('Texas show', '', 'TX', 'US', '2'),
        row('Somewhere', 'Smallvillez', '', 'US', '3'),
        row('Aurora', 'Aurora', '', 'US', '4'),
      ],
      'America/New_York',
    );
    assert.deepEqual(c.rows, []);
    const reasons = c.invalid.map((i) => i.reason);
    assert.match(
      reasons[0]!,
      /"Portland, US" is in several time zones: Portland, OR, US \(America\/Los_Angeles\), Portland, ME, US \(America\/New_York\).*add a State column/,
    );
    assert.match(reasons[1]!, /"TX, US" is in several time zones: .*America\/Chicago.*America\/Denver/);
    assert.match(reasons[2]!, /no place called "Smallvillez" in US.*US has several time zones: .*America\/New_York/);
    assert.match(
      reasons[3]!,
      /"Aurora, US" is in several time zones: Aurora, CO, US \(America\/Denver\), Aurora, IL, US \(America\/Chicago\)/,
    );
  });

  it('are read in the default zone only when they name no place, and refused without one', () => {
    const rows = [row('No place', '', '', '', '1'), row('With offset', '', '', '', '2')];
    rows[1]![4] = '2027-06-01 19:00-05:00';
    const c = parse(rows, 'America/New_York');
    assert.deepEqual(c.invalid, []);
    assert.deepEqual(
      c.rows.map((r) => r.startsAt?.toISOString()),
      ['2027-06-01T23:00:00.000Z', '2027-06-02T00:00:00.000Z'],
    );
    const none = parse([row('No place', '', '', '', '1')]);
    assert.match(none.invalid[0]!.reason, /no zone, and the row names no city, state or country.*set DEFAULT_EVENT_TIMEZONE/);
  });

  it('take one zone when all candidate zones give the same instant, and the largest place when it dwarfs the others', () => {
    // America/Indiana/Indianapolis and America/New_York are both UTC-4 in June 2027.
    // Columbus, OH (about 900,000 people) and Columbus, GA are New York time, Columbus, IN the
    // same instant in June; the Central-time ones (MS, NE) have about 23,000: Ohio's is meant.
    const c = parse([
      row('Kansas City', 'Kansas City', '', 'US', '1'),
      row('Indy', 'Indianapolis', 'IN', 'US', '2'),
      row('Columbus', 'Columbus', '', 'US', '3'),
    ]);
    assert.deepEqual(c.invalid, []);
    assert.deepEqual(
      c.rows.map((r) => [r.timezone, r.startsAt?.toISOString()]),
      [
        ['America/Chicago', '2027-06-02T00:00:00.000Z'],
        ['America/Indiana/Indianapolis', '2027-06-01T23:00:00.000Z'],
        ['America/New_York', '2027-06-01T23:00:00.000Z'],
      ],
    );
  });

  // Kinds found by a new user's trial with catalogs built from public venue lists.
  it('never leaves out a state or country it cannot read: another place of the name would win', () => {
    const c = parse([
      row('San Juan', 'San Juan', 'PR', 'US', '1'),
      row('San Juan 2', 'San Juan, Puerto Rico', '', 'US', '2'),
      row('Columbus', 'Columbus', 'Miss.', 'US', '3'),
      row('Santiago', 'Santiago', '', 'España', '4'),
      row('Madrid', 'Madrid', '', 'España', '5'),
      row('Perth', 'Perth', 'WA', 'US', '6'),
      row('London', 'London, UK', '', 'GB', '7'),
      row('Fort Worth', 'Ft. Worth', 'TX', 'US', '8'),
      row('Nowhere', 'Springfield', '', 'Atlantis', '9'),
    ]);
    // San Juan, PR keeps Atlantic Standard Time all year (UTC-4): 23:00Z. Madrid in June is
    // CEST (UTC+2): 17:00Z. London BST: 18:00Z. Fort Worth CDT (UTC-5): 00:00Z next day.
    assert.deepEqual(
      c.rows.map((r) => [r.name, r.timezone, r.startsAt?.toISOString()]),
      [
        ['San Juan', 'America/Puerto_Rico', '2027-06-01T23:00:00.000Z'],
        ['San Juan 2', 'America/Puerto_Rico', '2027-06-01T23:00:00.000Z'],
        ['Madrid', 'Europe/Madrid', '2027-06-01T17:00:00.000Z'],
        ['London', 'Europe/London', '2027-06-01T18:00:00.000Z'],
        ['Fort Worth', 'America/Chicago', '2027-06-02T00:00:00.000Z'],
      ],
    );
    const reason = new Map(c.invalid.map((i) => [i.row, i.reason]));
    assert.match(reason.get(4)!, /^City \(no zone written\): "Miss\." is not a state or province this reader knows in US/);
    assert.match(reason.get(5)!, /no place called "Santiago" in ES, but Santiago, .*CL \(America\/Santiago\)/);
    assert.match(
      reason.get(7)!,
      /no place called "Perth" in WA, US, but Perth, Western Australia, AU \(Australia\/Perth\): check the City, State and Country cells/,
    );
    assert.match(reason.get(10)!, /the country "Atlantis" is not one this reader knows/);
    assert.deepEqual([...reason.keys()], [4, 5, 7, 10]);
  });

  it('uses a written zone as written, and says to check it when the place puts the start elsewhere', () => {
    const rows = [row('Vancouver', 'Vancouver', 'BC', 'CA', '1'), row('Toronto', 'Toronto', 'ON', 'CA', '2')];
    rows[0]![5] = 'America/Toronto';
    rows[1]![5] = 'America/Toronto';
    const c = parse(rows);
    // 19:00 EDT (UTC-4) is 23:00Z; Vancouver's own zone (PDT, UTC-7) would be 02:00Z.
    assert.deepEqual(
      c.rows.map((r) => [r.timezone, r.startsAt?.toISOString()]),
      [
        ['America/Toronto', '2027-06-01T23:00:00.000Z'],
        ['America/Toronto', '2027-06-01T23:00:00.000Z'],
      ],
    );
    assert.deepEqual(
      c.cells.map((n) => [n.row, n.column, n.kind, n.message]),
      [
        [
          2,
          'Time Zone',
          'check',
          'America/Toronto puts the start at 2027-06-01T23:00:00.000Z, but Vancouver, British Columbia, CA is America/Vancouver (2027-06-02T02:00:00.000Z): the written zone is used; check it',
        ],
      ],
    );
  });

  it('reads a "Local Time Zone" header as the time zone column', () => {
    const c = parseCatalog(
      tableFromRows('t', [
        ['Name', 'City', 'Date', 'Local Time Zone', 'viagogoID'],
        ['A', 'Chicago', '2027-06-01 19:00', 'America/Chicago', '1'],
      ]),
      { lookUpPlace },
    );
    assert.deepEqual(c.ignoredColumns, []);
    assert.equal(c.rows[0]!.startsAt?.toISOString(), '2027-06-02T00:00:00.000Z');
  });

  it('finds a city that GeoNames names with its state (Washington, DC is "Washington, D.C.")', () => {
    const c = parse([row('Nationals', 'Washington', 'DC', 'US', '1')]);
    // EDT (UTC-4) in June: 23:00Z.
    assert.deepEqual(
      c.rows.map((r) => [r.timezone, r.startsAt?.toISOString()]),
      [['America/New_York', '2027-06-01T23:00:00.000Z']],
    );
    assert.match(c.cells[0]!.message, /^zone from city: America\/New_York \(Washington, DC, US\)/);
  });
});
