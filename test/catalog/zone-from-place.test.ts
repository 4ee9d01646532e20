import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookUpPlace } from '../../src/catalog/places';
import { parseCatalog, tableFromRows, type CellValue } from '../../src/domain/catalog';

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
});
