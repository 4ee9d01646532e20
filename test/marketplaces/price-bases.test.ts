import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { MarketplaceName } from '../../src/domain/listing';
import { PRICE_BASES } from '../../src/domain/price-basis';
import { describeParse } from '../../src/marketplaces/describe';
import { PAYLOAD_PARSERS } from '../../src/marketplaces/index';
import { MARKETPLACES } from '../../src/marketplaces/registry';

/**
 * Each marketplace's descriptor says which price bases it gives and from which field; a parse of
 * its captures (test/fixtures/marketplaces, origins in the README) gives figures on exactly
 * those bases, and null on a basis it does not give (never the other basis instead).
 */
const CAPTURES: Record<MarketplaceName, string> = {
  stubhub: 'stubhub/comp-listings.json',
  vividseats: 'vividseats/listings.json',
  seatgeek: 'seatgeek/event.json',
  // The Discovery event with both ranges (a real capture's "standard" range plus its "standard including fees" twin).
  ticketmaster: 'trial/tm_mut_both.json',
};
const read = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, '../fixtures/marketplaces', name), 'utf8')) as unknown;

describe('price bases of each marketplace', () => {
  for (const m of MARKETPLACES) {
    it(`${m.label}: figures on the bases its descriptor names, null on the others`, () => {
      const fetched = PAYLOAD_PARSERS[m.name](read(CAPTURES[m.name]));
      for (const basis of PRICE_BASES) {
        const given = m.priceBases[basis];
        const report = describeParse(m.name, fetched, undefined, basis);
        if ('field' in given) assert.notEqual(report.lowest, null, `${m.name} ${basis}: from ${given.field}`);
        else {
          assert.equal(report.lowest, null, `${m.name} ${basis}: ${given.notGiven}`);
          assert.equal(report.highest, null);
        }
      }
    });
  }

  it("StubHub's seller net proceeds are never a buyer's price on either basis", () => {
    const fetched = PAYLOAD_PARSERS.stubhub(read(CAPTURES.stubhub));
    assert.equal(fetched.kind, 'listings');
    if (fetched.kind !== 'listings') return;
    const nets = new Set(fetched.listings.map((l) => l.sellerNetProceeds).filter((n) => n !== null));
    assert.ok(nets.size > 0);
    for (const l of fetched.listings) {
      assert.equal(l.basePrice, null);
      assert.ok(l.allInPrice !== null && !nets.has(l.allInPrice), `${l.listingId}: all-in is not a net figure`);
    }
  });
});
