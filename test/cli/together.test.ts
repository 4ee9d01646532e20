import assert from 'node:assert/strict';
import { createEvent } from '../fixtures/db/data';
import { storeTogetherCaptures, TOGETHER_FIGURES } from '../fixtures/db/together-captures';
import { runCli } from '../helpers/cli';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';

/**
 * `ticket-tracker together EVENT`: where to buy N seats together, for how much, all in, from the
 * latest scrape of every marketplace; the figures worked by hand from real captures in
 * test/fixtures/db/together-captures.ts.
 */
describeLayouts('the together command', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let event: string;
  before(async () => {
    t = await createTestDatabase({ layout });
    const id = await createEvent(t.db, 'together-cli');
    await storeTogetherCaptures(t.db, id, new Date(Date.now() - 600_000));
    event = `id:${id}`;
  });
  after(async () => t?.drop());

  const run = (...args: string[]) => runCli(args, { DATABASE_URL: t.url, LOG_LEVEL: 'warn', PATH: process.env.PATH ?? '' });

  it('answers "2 seats together, all in, where" with the hand-worked total, naming the basis', async () => {
    const r = await run('together', event, '--seats', '2');
    assert.equal(r.code, 0, r.stderr);
    const [two] = TOGETHER_FIGURES.allInUsd.filter((f) => f.n === 2);
    // 215.33 × 2 = 430.66 at StubHub, Loge 134 (row hidden), listing 7421193318.
    assert.match(r.stdout, /seats\s+total all-in\s+per ticket all-in\s+cur\s+marketplace\s+section\s+row\s+listing/);
    assert.match(
      r.stdout,
      new RegExp(
        `^\\s*2\\s+${two!.total.toFixed(2)}\\s+${two!.perTicket.toFixed(2)}\\s+USD\\s+stubhub\\s+Loge 134\\s+-?\\s*7421193318`,
        'm',
      ),
    );
    assert.match(r.stdout, /^distinct supply: \d+ listings \/ \d+ tickets .*1 listed on more than one marketplace\)$/m);
    assert.match(r.stdout, /^not in these figures \(no listings in their latest scrape\): seatgeek \(summary only\)$/m);
  });

  it('gives every party size asked, on the basis asked, as JSON too', async () => {
    const r = await run('together', event, '--json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as {
      basis: string;
      together: { currency: string; sizes: { n: number; figure: { total: number; marketplace: string; listingId: string } | null }[] }[];
    };
    assert.equal(json.basis, 'all-in');
    assert.deepEqual(
      json.together[0]!.sizes.map((s) => [s.n, s.figure?.total, s.figure?.marketplace, s.figure?.listingId]),
      TOGETHER_FIGURES.allInUsd.map((f) => [f.n, f.total, f.marketplace, f.listingId]),
    );
    const base = JSON.parse((await run('together', event, '--basis', 'base', '--json')).stdout) as typeof json;
    assert.equal(base.basis, 'base');
    assert.deepEqual(
      base.together[0]!.sizes.map((s) => [s.n, s.figure?.total, s.figure?.marketplace, s.figure?.listingId]),
      TOGETHER_FIGURES.baseUsd.map((f) => [f.n, f.total, f.marketplace, f.listingId]),
    );
  });

  it('refuses a bad party size or basis by name, exit 2', async () => {
    const seats = await run('together', event, '--seats', '2,zero');
    assert.equal(seats.code, 2);
    assert.match(seats.stderr, /--seats.*whole numbers from 1 to 20.*"zero"/);
    const basis = await run('together', event, '--basis', 'net');
    assert.equal(basis.code, 2);
    assert.match(basis.stderr, /--basis.*all-in, base/);
  });
});
