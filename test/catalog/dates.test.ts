import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStart, type LocalStart } from '../../src/catalog/parse/dates';
import { decideDateOrder } from '../../src/catalog/parse/date-order';
import { parseCatalog } from '../../src/catalog/parse/catalog';
import { tableFromRows } from '../../src/catalog/parse/table';
import type { CellValue } from '../../src/catalog/parse/cells';
import { resolveTimeZone } from '../../src/domain/local-time';
import { lookUpPlace } from '../../src/catalog/places';

const local = (r: ReturnType<typeof parseStart>): string => {
  if (!r.ok) return `! ${r.reason}`;
  const v: LocalStart = r.value;
  if (v.precision === 'tba') return 'TBA';
  const p = (n: number): string => String(n).padStart(2, '0');
  const d = `${v.date.year}-${p(v.date.month)}-${p(v.date.day)}`;
  return v.precision === 'date'
    ? `${d} (time TBA)`
    : `${d} ${p(v.time.hour)}:${p(v.time.minute)}${v.offsetMinutes !== undefined ? ` ${v.offsetMinutes}` : ''}`;
};

describe('start cells as people write them', () => {
  it('reads ISO, dotted, slashed, month names, 12- and 24-hour times', () => {
    const cases: [string, 'dmy' | 'mdy' | undefined, string][] = [
      ['2027-03-14 19:30', undefined, '2027-03-14 19:30'],
      ['2027-03-14T19:30:00', undefined, '2027-03-14 19:30'],
      ['2027-03-14T19:30:00+01:00', undefined, '2027-03-14 19:30 60'],
      ['13.03.2027 20:00', 'dmy', '2027-03-13 20:00'],
      ['05/04/2027 19:30:00', 'dmy', '2027-04-05 19:30'],
      ['05/04/2027 19:30:00', 'mdy', '2027-05-04 19:30'],
      ['7/4/2027 7:30 PM', 'mdy', '2027-07-04 19:30'],
      ['7/4/27 7:30pm', 'mdy', '2027-07-04 19:30'],
      ['Mar 14, 2027 7:30 PM', undefined, '2027-03-14 19:30'],
      ['Sunday, March 14th, 2027 at 7pm', undefined, '2027-03-14 19:00'],
      ['14 March 2027 19h30', undefined, '2027-03-14 19:30'],
      ['14-Mar-2027 20:00', undefined, '2027-03-14 20:00'],
    ];
    for (const [cell, order, want] of cases) assert.equal(local(parseStart(cell, undefined, order)), want, cell);
  });

  it('reads spreadsheet serial numbers, as numbers or as exported text', () => {
    assert.equal(local(parseStart(46572.8125, undefined, undefined)), '2027-07-04 19:30');
    assert.equal(local(parseStart('46572.8125', undefined, undefined)), '2027-07-04 19:30');
    assert.equal(local(parseStart(46572, undefined, undefined)), '2027-07-04 (time TBA)');
    assert.match(local(parseStart(12, undefined, undefined)), /^! 12 is not a date/);
  });

  it('combines separate Date and Time columns, a time cell as text or as a fraction of a day', () => {
    assert.equal(local(parseStart('14/03/2027', '19:30', 'dmy')), '2027-03-14 19:30');
    assert.equal(local(parseStart(46460, 0.8125, undefined)), '2027-03-14 19:30');
    assert.equal(local(parseStart('2027-03-14', 'TBA', undefined)), '2027-03-14 (time TBA)');
    assert.match(local(parseStart('2027-03-14 19:30', '20:00', undefined)), /says 19:30 but the time cell says 20:00/);
  });

  it('dates or times not announced: TBA, TBD, TBC, a date alone', () => {
    for (const c of ['TBA', 'tbd', 'TBC', 'To be announced']) assert.equal(local(parseStart(c, undefined, undefined)), 'TBA', c);
    assert.equal(local(parseStart('2027-03-14', undefined, undefined)), '2027-03-14 (time TBA)');
    assert.equal(local(parseStart('2027-03-14 TBD', undefined, undefined)), '2027-03-14 (time TBA)');
  });

  it('refuses what is not a date, and an ambiguous numeric date without an order', () => {
    assert.match(local(parseStart('next friday', undefined, undefined)), /"next friday" is not a date/);
    assert.match(local(parseStart('31/02/2027 19:00', undefined, 'dmy')), /is not a valid date/);
    assert.match(local(parseStart('05/04/2027 19:00', undefined, undefined)), /day-first or month-first: set DATE_ORDER/);
    assert.match(local(parseStart('14/03/2027 19:00', undefined, 'mdy')), /can only be day-first, but this file's dates are month-first/);
  });
});

describe('a time cell with a UTC offset', () => {
  it('says which of a repeated hour is meant', () => {
    const r = parseStart('31/10/2027', '01:30+01:00', 'dmy');
    assert.deepEqual(r, {
      ok: true,
      value: { precision: 'time', date: { year: 2027, month: 10, day: 31 }, time: { hour: 1, minute: 30, second: 0 }, offsetMinutes: 60 },
    });
  });

  it('stores the occurrence the offset names (zoneinfo: 2027-10-31 01:30 London fold 1 -> 01:30Z)', () => {
    const table = tableFromRows('t', [
      ['Name', 'Date', 'Time', 'Time Zone', 'viagogoID'],
      ['Second', '31/10/2027', '01:30+00:00', 'Europe/London', '1'],
      ['Unsaid', '31/10/2027', '01:30', 'Europe/London', '2'],
    ] as CellValue[][]);
    const c = parseCatalog(table, { lookUpPlace, defaultTimeZone: 'UTC' });
    assert.deepEqual(
      c.rows.map((r) => r.startsAt?.toISOString()),
      ['2027-10-31T01:30:00.000Z'],
    );
    assert.match(c.invalid[0]!.reason, /happens twice in Europe\/London .*right after the time: 01:30\+01:00/);
  });
});

describe('date order of a file', () => {
  const rows = (...dates: [string, string?][]) => dates.map(([date, country], i) => ({ row: i + 2, date, country }));

  it('is proven by a row that can only be read one way; an explicit DATE_ORDER decides and names the rows it refuses', () => {
    assert.equal(decideDateOrder(rows(['05/04/2027'], ['14/03/2027'])).decision?.order, 'dmy');
    assert.equal(decideDateOrder(rows(['05/04/2027'], ['03/14/2027'])).decision?.order, 'mdy');
    const explicit = decideDateOrder(rows(['05/04/2027'], ['14/03/2027']), 'mdy');
    assert.equal(explicit.decision?.order, 'mdy');
    assert.match(explicit.decision!.basis, /DATE_ORDER=mdy; row 3 \(14\/03\/2027\) can only be day-first and is refused/);
  });

  it('a proving row does not flip rows whose own country or written zone writes the other order: their two-way dates are refused', () => {
    const plan = decideDateOrder([
      { row: 2, date: '7/4/2027 7:30 PM', country: 'US' },
      { row: 3, date: '5/8/2027', country: undefined, writtenZone: 'America/Chicago' },
      { row: 4, date: '05/04/2027', country: 'GB' },
      { row: 5, date: '06/04/2027', country: undefined },
      { row: 6, date: '13/03/2027 19:30', country: 'US' },
    ]);
    assert.equal(plan.decision?.order, 'dmy');
    assert.match(plan.decision!.basis, /2 rows \(2, 3\) whose country writes month-first dates .* refused, not flipped: set DATE_ORDER/);
    assert.match(
      plan.contradiction!('US', undefined)!,
      /country \(US\) writes month-first dates while row 6 \(13\/03\/2027\) can only be day-first: set DATE_ORDER=mdy or dmy/,
    );
    assert.match(plan.contradiction!(undefined, 'America/Toronto')!, /time zone \(America\/Toronto\)/);
    assert.equal(plan.contradiction!('GB', undefined), undefined);
    // No country and no written zone: the default zone is not the row's country, the proof reads it.
    assert.equal(plan.contradiction!(undefined, undefined), undefined);
    assert.equal(plan.orderFor(undefined), 'dmy');
  });

  it("without proof: DATE_ORDER, else the rows' country (US and CA month-first), else their zone", () => {
    assert.equal(decideDateOrder(rows(['05/04/2027']), 'dmy').decision?.order, 'dmy');
    assert.equal(decideDateOrder(rows(['05/04/2027', 'GB'], ['06/04/2027', 'DE'])).decision?.order, 'dmy');
    assert.equal(decideDateOrder(rows(['05/04/2027', 'US'], ['06/04/2027', 'Canada'])).decision?.order, 'mdy');
    // One file is one author's format: most rows' countries decide, a tie decides nothing.
    const mostlyUs = decideDateOrder(rows(['05/04/2027', 'US'], ['06/04/2027', 'GB'], ['07/04/2027', 'US']));
    assert.equal(mostlyUs.decision?.order, 'mdy');
    assert.equal(mostlyUs.orderFor('GB'), 'mdy');
    const tie = decideDateOrder(rows(['05/04/2027', 'US'], ['06/04/2027', 'GB']));
    assert.equal(tie.decision?.order, 'undecided');
    assert.equal(tie.orderFor('US'), undefined);
    // Dotted dates are day-first wherever they come from.
    assert.equal(decideDateOrder(rows(['05.04.2027', 'CA'])).decision?.order, 'dmy');
    assert.equal(decideDateOrder([{ row: 2, date: '05/04/2027', country: undefined, zone: 'Europe/Berlin' }]).decision?.order, 'dmy');
    assert.equal(decideDateOrder([{ row: 2, date: '05/04/2027', country: undefined, zone: 'America/Chicago' }]).decision?.order, 'mdy');
  });

  it('a file with both proofs and no DATE_ORDER reads none of its numeric dates, saying why', () => {
    const table = tableFromRows('t', [
      ['Name', 'Date', 'viagId'],
      ['A', '14/03/2027 19:00', '1'],
      ['B', '03/15/2027 19:00', '2'],
      ['C', '2027-03-16 19:00', '3'],
    ] as CellValue[][]);
    const c = parseCatalog(table, { lookUpPlace, defaultTimeZone: 'UTC' });
    assert.equal(c.dateOrder?.order, 'undecided');
    assert.deepEqual(
      c.rows.map((r) => r.name),
      ['C'],
    );
    assert.match(c.invalid[0]!.reason, /both day-first dates \(row 2 \(14\/03\/2027\)\) and month-first dates \(row 3 \(03\/15\/2027\)\)/);
    const decided = parseCatalog(table, { lookUpPlace, defaultTimeZone: 'UTC', dateOrder: 'dmy' });
    assert.deepEqual(
      decided.rows.map((r) => r.name),
      ['A', 'C'],
    );
    assert.match(decided.invalid[0]!.reason, /"03\/15\/2027 19:00" can only be month-first, but this file's dates are day-first/);
  });
});

describe('time zones', () => {
  it('accepts IANA names (canonical spelling), UTC and offsets; refuses abbreviations and legacy names', () => {
    assert.deepEqual(resolveTimeZone('europe/london'), { ok: true, zone: 'Europe/London' });
    assert.deepEqual(resolveTimeZone('UTC'), { ok: true, zone: 'UTC' });
    assert.deepEqual(resolveTimeZone('GMT'), { ok: true, zone: 'UTC' });
    assert.deepEqual(resolveTimeZone('+01:00'), { ok: true, zone: 'UTC+1' });
    assert.deepEqual(resolveTimeZone('UTC-05:30'), { ok: true, zone: 'UTC-5:30' });
    for (const z of ['BST', 'IST', 'EST', 'ET', 'PST', 'MST', 'CET', 'CEST', 'AEST', 'EST5EDT', 'Eastern Time']) {
      const r = resolveTimeZone(z);
      assert.ok(!r.ok && r.abbreviation, z);
    }
    assert.equal(resolveTimeZone('Nowhere/City').ok, false);
  });

  it("finds the zone of the row's city within its country, else the country's zones", () => {
    assert.equal(lookUpPlace({ country: 'GB', city: 'London' })?.candidates[0]?.zone, 'Europe/London');
    assert.equal(lookUpPlace({ country: 'CA', city: 'London' })?.candidates[0]?.zone, 'America/Toronto');
    assert.equal(lookUpPlace({ country: 'US', city: 'Phoenix' })?.candidates[0]?.zone, 'America/Phoenix');
    assert.deepEqual(
      lookUpPlace({ country: 'Ireland' })?.candidates.map((c) => c.zone),
      ['Europe/Dublin'],
    );
    assert.ok((lookUpPlace({ country: 'US' })?.candidates.length ?? 0) > 5);
    assert.equal(lookUpPlace({}), undefined);
  });
});
