import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SUMMARY_ZONE, type NormalizedListing } from '../../src/domain/listing';
import { computeSnapshots, metricsOf, ZONE_TOTAL_SECTION, type SnapshotMetrics } from '../../src/domain/snapshot';

/**
 * computeSnapshots visits each listing once and merges sections into zones and zones into the
 * event; it must give exactly what metricsOf gives over each level's own listings (the definition
 * of the figures), in the same order, whatever the prices, splits, bases and currencies.
 */
function byDefinition(listings: readonly NormalizedListing[], fallback: string): SnapshotMetrics[] {
  const out: SnapshotMetrics[] = [];
  const zones = [...new Set(listings.map((l) => l.zone))].sort();
  for (const zone of zones) {
    const inZone = listings.filter((l) => l.zone === zone);
    // The zone's listings in the order of their sections, as the zone row has always been computed.
    const sections = [...new Set(inZone.map((l) => l.section))].sort();
    for (const section of sections)
      out.push(
        metricsOf(
          zone,
          section,
          inZone.filter((l) => l.section === section),
          fallback,
        ),
      );
    const ordered = sections.flatMap((section) => inZone.filter((l) => l.section === section));
    if (zone !== SUMMARY_ZONE) out.push(metricsOf(zone, ZONE_TOTAL_SECTION, ordered, fallback));
  }
  out.push(metricsOf(SUMMARY_ZONE, ZONE_TOTAL_SECTION, listings, fallback));
  return out;
}

const cents = fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100);
const listingArb = (currencies: string[]): fc.Arbitrary<NormalizedListing> =>
  fc
    .record({
      zone: fc.constantFrom('Floor', 'Lower', 'ALL', 'floor', 'Zoné'),
      section: fc.constantFrom('101', '102', '2', 'B'),
      quantity: fc.integer({ min: 1, max: 8 }),
      splits: fc.constantFrom([], [2], [2, 4], [1, 3], [4], [1, 2, 3, 4, 5, 6, 7, 8]),
      base: fc.option(cents),
      fee: fc.option(fc.integer({ min: 0, max: 5000 }).map((c) => c / 100)),
      currency: fc.constantFrom(...currencies),
    })
    .map((r): NormalizedListing => {
      const allIn = r.fee === null ? null : Math.round(((r.base ?? 10) + r.fee) * 100) / 100;
      return {
        listingId: 'x',
        zone: r.zone,
        section: r.section,
        row: null,
        quantity: r.quantity,
        splits: r.splits.filter((n) => n <= r.quantity),
        basePrice: r.base === null && allIn === null ? 1 : r.base,
        allInPrice: allIn,
        sellerNetProceeds: null,
        currency: r.currency,
      };
    });

describe('computeSnapshots', () => {
  it('equals metricsOf over each section, zone and the event, in one currency', () => {
    fc.assert(
      fc.property(fc.array(listingArb(['USD']), { maxLength: 60 }), (listings) => {
        assert.deepStrictEqual(computeSnapshots(listings, 'EUR'), byDefinition(listings, 'EUR'));
      }),
      { numRuns: 300 },
    );
  });

  it('equals metricsOf over each level when the listings mix currencies (each group takes its most frequent one)', () => {
    fc.assert(
      fc.property(fc.array(listingArb(['USD', 'EUR', 'CAD']), { maxLength: 60 }), (listings) => {
        assert.deepStrictEqual(computeSnapshots(listings, 'GBP'), byDefinition(listings, 'GBP'));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the event row alone, unavailable and in the fallback currency, for no listings', () => {
    assert.deepStrictEqual(computeSnapshots([], 'EUR'), [metricsOf(SUMMARY_ZONE, ZONE_TOTAL_SECTION, [], 'EUR')]);
    assert.equal(computeSnapshots([], 'EUR')[0]!.available, false);
  });
});
