import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseEnv } from '../../src/config/index';
import { isNormalizedListing, normalizedListingSchema, priceSummarySchema, type FetchedPrices } from '../../src/domain/listing';
import { createMarketplaceAdapters, MarketplaceError, PayloadShapeError } from '../../src/marketplaces/index';
import { toActivityFailure } from '../../src/activities/failures';
import { describeParse } from '../../src/marketplaces/describe';
import { ioOf } from '../../src/marketplaces/adapters';
import { MARKETPLACES, type MarketplaceName } from '../../src/marketplaces/registry';
import { fromRoot } from '../../src/config/paths';
import { runBounded } from '../helpers/bounded';
import { runCli } from '../helpers/cli';
import { mutate, mutation, oddValue, repeatTopArrays } from '../helpers/json-mutations';

/**
 * Bad input never crashes a marketplace parser (issue 16, item 5): every parser in the registry
 * (a new marketplace is covered by its line there) gets the real captures of
 * test/fixtures/marketplaces/ (origins in that folder's README) broken at random places, and random
 * JSON: it returns normalized prices that pass the storage schemas, or throws the project's own
 * PayloadShapeError (MarketplaceError through the adapter); never a TypeError, RangeError or
 * anything else, never a hang (HANG_MS per case, far above any real payload's time).
 */
const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 60);
const HANG_MS = 10_000;
/** Items of the large-payload case: past the ~125,000 arguments a spread call takes. */
const LARGE = 150_000;
const SOURCES = fromRoot('test', 'fixtures', 'marketplaces');

/** A marketplace's real captures: its own folder, and the trial payloads (any marketplace's are input to every parser). */
function capturesOf(name: MarketplaceName): { file: string; json: unknown }[] {
  const read = (dir: string): { file: string; json: unknown }[] =>
    readdirSync(path.join(SOURCES, dir))
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ file: `${dir}/${f}`, json: JSON.parse(readFileSync(path.join(SOURCES, dir, f), 'utf8')) as unknown }));
  return [...read(name), ...read('trial')];
}

/** What a parser returned is what storage accepts: every listing and every summary passes its schema. */
function assertStorable(name: MarketplaceName, fetched: FetchedPrices): void {
  assert.ok(fetched.kind === 'listings' || fetched.kind === 'summary', `${name}: kind ${String(fetched.kind)}`);
  if (fetched.kind === 'listings') {
    for (const l of fetched.listings) {
      if (isNormalizedListing(l)) continue; // its quick yes implies the schema's (test/db/listing-guard.test.ts)
      const ok = normalizedListingSchema.safeParse(l);
      assert.ok(ok.success, `${name}: a listing storage would refuse: ${JSON.stringify(l)}`);
    }
  } else {
    const ok = priceSummarySchema.safeParse(fetched.summary);
    assert.ok(ok.success, `${name}: a summary storage would refuse: ${JSON.stringify(fetched.summary)}`);
  }
  for (const s of fetched.skipped) assert.equal(typeof s.path, 'string');
}

/** The property for one payload: a result that storage accepts (and `sources parse` describes), or a PayloadShapeError. */
function parsesOrRefuses(name: MarketplaceName, payload: unknown): void {
  let fetched: FetchedPrices;
  try {
    fetched = runBounded(() => ioOf(name).parse(payload), HANG_MS);
  } catch (err) {
    if (err instanceof PayloadShapeError) {
      assert.ok(err.message.length > 0);
      return;
    }
    throw new Error(`${name} parser threw ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
  }
  assertStorable(name, fetched);
  runBounded(() => describeParse(name, fetched), HANG_MS);
}

const env = parseEnv({ MOCK_MARKETPLACE: 'true' });
// No request is sent: only the adapters' parse is called.
const adapters = createMarketplaceAdapters(env, { mockUrl: 'http://127.0.0.1:9' });
after(() => adapters.close());

/** Through the adapter (what a scrape runs): a result, or a non-retryable bad-payload MarketplaceError that becomes a Temporal failure. */
function adapterParsesOrRefuses(name: MarketplaceName, payload: unknown): void {
  const adapter = adapters.adapters[name];
  assert.ok(adapter, `adapter for ${name}`);
  try {
    assertStorable(
      name,
      runBounded(() => adapter.parse(payload, 'evt-1'), HANG_MS),
    );
  } catch (err) {
    if (err instanceof MarketplaceError) {
      assert.equal(err.kind, 'bad-payload');
      assert.equal(toActivityFailure(err).nonRetryable, true);
      return;
    }
    throw new Error(`${name} adapter threw ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
  }
}

describe('bad marketplace payloads never crash a parser', () => {
  for (const { name } of MARKETPLACES) {
    const captures = capturesOf(name);

    it(`${name}: has real captures to break (test/fixtures/marketplaces/${name}/)`, () => {
      assert.ok(
        readdirSync(path.join(SOURCES, name)).some((f) => f.endsWith('.json')),
        `no capture of ${name} in test/fixtures/marketplaces/${name}/`,
      );
    });

    it(`${name}: every capture, broken in 1-6 places, parses to what storage accepts or to a PayloadShapeError`, () => {
      fc.assert(
        fc.property(fc.nat({ max: captures.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (i, mutations) => {
          const payload = mutate(captures[i]!.json, mutations);
          parsesOrRefuses(name, payload);
          adapterParsesOrRefuses(name, payload);
        }),
        { numRuns: RUNS },
      );
    });

    // Found by this file: 130,000 listings spread into Math.min's arguments overflowed the stack
    // (RangeError in `sources parse`'s figures and in Ticketmaster's range extent).
    it(`${name}: its largest capture with its arrays at ${LARGE.toLocaleString('en-US')} items parses or is refused`, () => {
      const own = captures.filter((x) => x.file.startsWith(`${name}/`));
      const largest = own.sort((a, b) => JSON.stringify(b.json).length - JSON.stringify(a.json).length)[0]!;
      const payload = repeatTopArrays(largest.json, LARGE);
      parsesOrRefuses(name, payload);
      adapterParsesOrRefuses(name, payload);
    });

    it(`${name}: random JSON and odd values parse or are refused`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), oddValue, fc.anything()), (payload) => {
          parsesOrRefuses(name, payload);
          adapterParsesOrRefuses(name, payload);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('a cut or damaged saved payload is bad input to `sources parse`, never a crash', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-bad-payloads-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 or 2 with a message, never 1, for captures cut short or with random bytes spliced in', async () => {
    const file = path.join(dir, 'payload.json');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...MARKETPLACES.map((m) => m.name)),
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.uint8Array({ maxLength: 8 }),
        async (name, pick, cut, noise) => {
          const captures = capturesOf(name);
          const text = Buffer.from(JSON.stringify(captures[pick % captures.length]!.json));
          const at = Math.floor(text.length * cut);
          writeFileSync(file, Buffer.concat([text.subarray(0, at), noise]));
          const r = await runCli(['sources', 'parse', name, file], { PATH: process.env.PATH ?? '' }, dir);
          assert.ok(r.code === 0 || r.code === 2, `exit ${r.code}: ${r.stderr}`);
          if (r.code === 2) assert.match(r.stderr, /ticket-tracker: .+/);
        },
      ),
      { numRuns: Math.max(10, Math.round(RUNS / 2)) },
    );
  });
});
