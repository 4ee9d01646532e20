import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNormalizedListing, MAX_LISTING_QUANTITY, MAX_TICKET_PRICE, normalizedListingSchema } from '../../src/domain/listing';
import { seededRandom } from '../../src/domain/random';
import { makeListings } from '../fixtures/db/data';

/**
 * persistScrape skips zod for listings the quick guard accepts; that is only sound if the guard
 * never says yes where the schema would say no, or would return something else.
 */
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  '\t',
  0,
  -0,
  -1,
  0.001,
  0.5,
  1,
  2,
  7.5,
  MAX_LISTING_QUANTITY,
  MAX_LISTING_QUANTITY + 1,
  MAX_TICKET_PRICE,
  MAX_TICKET_PRICE + 0.01,
  2 ** 53,
  1e21,
  NaN,
  Infinity,
  -Infinity,
  true,
  [],
  [0],
  [2, 4],
  [2.5],
  [-2],
  [2 ** 60],
  ['2'],
  {},
  'USD',
  'usd',
  'XXX',
  'EUR',
  new Date(0),
  12n,
];
const KEYS = [
  'listingId',
  'zone',
  'section',
  'row',
  'quantity',
  'splits',
  'basePrice',
  'allInPrice',
  'sellerNetProceeds',
  'currency',
] as const;

function mutate(base: Record<string, unknown>, rnd: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: Record<string, unknown> = { ...base };
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits; e++) {
    const kind = rnd();
    if (kind < 0.7) out[pick(KEYS)] = pick(ODD_VALUES);
    else if (kind < 0.85) delete out[pick(KEYS)];
    else out[pick(['extra', 'price', 'listingID'])] = pick(ODD_VALUES);
  }
  if (rnd() < 0.03) return Object.assign(Object.create({ inherited: 1 }) as object, out);
  if (rnd() < 0.03) return [out];
  return out;
}

describe('isNormalizedListing (the quick guard before the listing schema)', () => {
  it('accepts ordinary valid listings, and each of them equals what the schema returns', () => {
    for (const l of makeListings(500, 5)) {
      assert.equal(isNormalizedListing(l), true, JSON.stringify(l));
      assert.deepEqual(normalizedListingSchema.parse(l), l);
    }
  });

  it('never says yes where the schema says no or returns another value, on many mutated listings', () => {
    const rnd = seededRandom(42);
    const bases = makeListings(200, 9) as unknown as Record<string, unknown>[];
    let accepted = 0;
    let rejectedBySchema = 0;
    for (let i = 0; i < 20_000; i++) {
      const candidate = mutate(bases[i % bases.length]!, rnd);
      const parsed = normalizedListingSchema.safeParse(candidate);
      if (!parsed.success) rejectedBySchema++;
      if (isNormalizedListing(candidate)) {
        accepted++;
        assert.ok(parsed.success, `guard accepted what the schema rejects: ${String(JSON.stringify(candidate))}`);
        assert.deepEqual(parsed.data, candidate);
      }
    }
    // The mutations must exercise both sides, or this test proves nothing.
    assert.ok(accepted > 500, `only ${accepted} mutated listings were valid`);
    assert.ok(rejectedBySchema > 5_000, `only ${rejectedBySchema} mutated listings were invalid`);
  });
});
