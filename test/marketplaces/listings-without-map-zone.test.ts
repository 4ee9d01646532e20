import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SUMMARY_ZONE, type FetchedPrices, type NormalizedListing } from '../../src/domain/listing';
import { computeSnapshots, type SnapshotMetrics } from '../../src/domain/snapshot';
import { describeParse } from '../../src/marketplaces/describe';
import { parseVividSeatsListings, VIVIDSEATS_UNZONED } from '../../src/marketplaces/vividseats/adapter';

// listings-unzoned.json: listings.json (a real capture's layout) with Loge 212 and Courtside 100B
// turned into zone/section id "0" listings (a loge box and a suite), one ticket with c "" and d "0"
// and no section name, one without c and d at all (see test/fixtures/marketplaces/README.md).
const payload = (): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'marketplaces', 'vividseats', 'listings-unzoned.json'), 'utf8')) as Record<
    string,
    unknown
  >;

function listingsOf(r: FetchedPrices): NormalizedListing[] {
  assert.equal(r.kind, 'listings');
  return r.kind === 'listings' ? r.listings : [];
}
const row = (rows: SnapshotMetrics[], zone: string, section = ''): SnapshotMetrics => {
  const found = rows.find((r) => r.zone === zone && r.section === section);
  assert.ok(found, `no snapshot row for ${zone}/${section || '(zone)'}`);
  return found;
};

describe('Vivid Seats listings without a map zone (zone/section id "0", "" or absent) are kept', () => {
  const result = parseVividSeatsListings(payload());
  const ls = listingsOf(result);
  const rows = computeSnapshots(ls);

  it('keeps all 11 listings the marketplace declares; none is skipped', () => {
    assert.equal(result.items, 11);
    assert.equal(ls.length, 11);
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.declared, { listings: 11, tickets: 42 });
  });

  it('puts each under its section name as the zone, or "unzoned" when it has none', () => {
    const zoneOf = Object.fromEntries(ls.map((l) => [l.listingId, [l.zone, l.section]]));
    assert.deepEqual(zoneOf.VB2840012230, ['Loge Box 4', 'Loge Box 4']); // c "0", d "0"
    assert.deepEqual(zoneOf.VB2840013301, ['Suite 12', 'Suite 12']); // c "0", d "0"
    assert.deepEqual(zoneOf.VB2840019001, [VIVIDSEATS_UNZONED, VIVIDSEATS_UNZONED]); // c "", d "0", no name
    assert.deepEqual(zoneOf.VB2840019002, ['Club Box B', 'Club Box B']); // no c, no d
    assert.deepEqual(zoneOf.VB2840013388, ['Courtside', 'Courtside 119']); // zoned listings unchanged
  });

  it('whole event: 42 tickets, 11 listings, lowest 180.00, highest 8400.00 (the suite), average 2339.68', () => {
    // (180 + 195.5 + 204 + 231 + 236 + 750 + 8400 + 5500 + 8200 + 640 + 1200) / 11 = 25736.5 / 11 = 2339.68
    const e = row(rows, SUMMARY_ZONE);
    assert.deepEqual([e.totalTickets, e.totalListings, e.lowestPrice, e.highestPrice, e.averagePrice], [42, 11, 180, 8400, 2339.68]);
  });

  it('each fallback zone has its own zone and section rows', () => {
    const suite = row(rows, 'Suite 12');
    assert.deepEqual([suite.lowestPrice, suite.totalTickets, suite.lowestPrice2], [8400, 2, 16800]);
    assert.deepEqual([row(rows, 'Suite 12', 'Suite 12').totalListings], [1]);
    const unzoned = row(rows, VIVIDSEATS_UNZONED);
    assert.deepEqual([unzoned.lowestPrice, unzoned.totalTickets, unzoned.lowestPrice4], [640, 4, 2560]);
    // Loge 212 left the Loge zone for its box: the Loge zone has no listing left, so no row.
    assert.equal(
      rows.find((r) => r.zone === 'Loge'),
      undefined,
    );
  });

  it('the scrape is healthy: nothing skipped, parsed equals declared', () => {
    const report = describeParse('vividseats', result, undefined, 'base');
    assert.equal(report.health, 'ok');
    assert.equal(report.tickets, 42);
    assert.equal(report.highest, 8400);
  });

  it('a zone id that is given but not among groups is still skipped with its path (a format change, not a listing without a zone)', () => {
    const p = payload();
    const tickets = p.tickets as Record<string, unknown>[];
    tickets[5] = { ...tickets[5], c: '999999' };
    const r = parseVividSeatsListings(p);
    assert.deepEqual(
      r.skipped.map((s) => [s.path, s.reason]),
      [['tickets[5].c', 'zone "999999" is not among the payload\'s groups[].i']],
    );
    assert.equal(listingsOf(r).length, 10);
  });

  it('a ticket without c takes its section\'s zone (d -> sections[].g) as before; with section zone "0" it falls back', () => {
    const p = payload();
    const tickets = p.tickets as Record<string, unknown>[];
    const { c: _c, ...noC } = tickets[0]!; // Promenade 316, d "316" -> sections g "510003"
    tickets[0] = noC;
    (p.sections as Record<string, unknown>[]).push({ i: '4242', g: '0', n: 'Box 42' });
    tickets[1] = { ...tickets[1], c: '0', d: '4242', s: '', l: '', sectionName: '' };
    const ls2 = listingsOf(parseVividSeatsListings(p));
    assert.deepEqual(ls2[0]!.zone, 'Promenade');
    assert.deepEqual([ls2[1]!.zone, ls2[1]!.section], ['Box 42', 'Box 42']);
  });

  it('before this rule the same payload lost 4 of 11 listings and reported ok: the figures prove they count now', () => {
    // Without the four zoneless listings the event would read 32 tickets, highest 8200.00, average 2106.64.
    const zoned = ls.filter((l) => !['VB2840012230', 'VB2840013301', 'VB2840019001', 'VB2840019002'].includes(l.listingId));
    const e = row(computeSnapshots(zoned), SUMMARY_ZONE);
    assert.deepEqual([e.totalTickets, e.highestPrice, e.averagePrice], [32, 8200, 2106.64]);
    assert.notDeepEqual([row(rows, SUMMARY_ZONE).totalTickets, row(rows, SUMMARY_ZONE).highestPrice], [32, 8200]);
  });
});
