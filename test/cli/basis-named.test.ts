import assert from 'node:assert/strict';
import { createEvent } from '../fixtures/db/data';
import { storeTogetherCaptures } from '../fixtures/db/together-captures';
import { runCli } from '../helpers/cli';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';

/**
 * Every price a read command shows names its basis (all-in or before fees) in its header or its
 * JSON, and one answer never holds two bases: the read commands on an event with real captures
 * of two marketplaces (test/fixtures/db/together-captures.ts).
 */
const PRICE_HEADER = /^(lowest|average|highest|first|last|total|per ticket|latest|for 2|for 4)(?! at| seen)\b/;
const READS: string[][] = [['prices'], ['history'], ['sections'], ['trend'], ['listings'], ['together']];

describeLayouts('read commands name the price basis', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let event: string;
  before(async () => {
    t = await createTestDatabase({ layout });
    const id = await createEvent(t.db, 'basis-named');
    await storeTogetherCaptures(t.db, id, new Date(Date.now() - 3_600_000));
    event = `id:${id}`;
  });
  after(async () => t?.drop());

  const run = async (...args: string[]): Promise<string> => {
    const r = await runCli(args, { DATABASE_URL: t.url, LOG_LEVEL: 'warn', PATH: process.env.PATH ?? '' });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  for (const [basis, label] of [
    ['all-in', 'all-in'],
    ['base', 'before fees'],
  ] as const) {
    it(`on ${basis}: the first price header of every table names it; each JSON answer carries it and no other`, async () => {
      for (const read of READS) {
        const table = await run(...read, event, '--basis', basis);
        const header = table.split('\n').find((line) => /^\s*\S.*\s{2,}\S/.test(line) && !line.startsWith('event #'))!;
        const columns = header.trim().split(/\s{2,}/);
        if (read[0] === 'listings') {
          // A listing shows both buyer's prices, each by its name, all-in first (16 CFR 464).
          assert.deepEqual(
            columns.filter((c) => c === 'all-in' || c === 'before fees'),
            ['all-in', 'before fees'],
          );
          continue;
        }
        const priced = columns.filter((c) => PRICE_HEADER.test(c));
        assert.ok(priced.length > 0, `${read.join(' ')}: a price column in ${JSON.stringify(columns)}`);
        for (const c of priced) assert.ok(c.endsWith(label), `${read.join(' ')}: "${c}" names ${label}`);
        assert.ok(
          !columns.some((c) => c.endsWith(basis === 'all-in' ? 'before fees' : ' all-in')) || read[0] === 'listings',
          `${read.join(' ')}: one basis`,
        );
        const bases = new Set<string>();
        const walk = (v: unknown): void => {
          if (Array.isArray(v)) v.forEach(walk);
          else if (v && typeof v === 'object')
            for (const [k, x] of Object.entries(v)) {
              if (k === 'basis' && typeof x === 'string') bases.add(x);
              walk(x);
            }
        };
        walk(JSON.parse(await run(...read, event, '--basis', basis, '--json')));
        assert.deepEqual([...bases], [basis], `${read.join(' ')} --json: basis`);
      }
    });
  }
});
