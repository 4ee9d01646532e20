import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ENV_VARS } from '../../src/config/index';
import { MARKETPLACE_LABELS } from '../../src/marketplaces/registry';
import { mapColumns } from '../../src/catalog/parse/columns';
import { MARKETPLACE_NAMES } from '../../src/domain/listing';
import { MOCK_ROUTES } from '../../src/marketplaces/mocks';
import { ioOf } from '../../src/marketplaces/adapters';
import { MARKETPLACES } from '../../src/marketplaces/registry';
import { ratePerSecond } from '../../src/worker';
import { parseEnv } from '../../src/config/index';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const ROOT = path.resolve(__dirname, '../..');
// Each marketplace's own folder, src/marketplaces/<name>/, is the one place that names it.
const HOMES = new Set(MARKETPLACE_NAMES.map((name) => path.join(ROOT, 'src', 'marketplaces', name)));
// ...and the lists of src/marketplaces, whose one line per marketplace imports it from its folder.
const LISTS = new Set(['registry.ts', 'adapters.ts', 'mocks.ts'].map((name) => path.join(ROOT, 'src', 'marketplaces', name)));

// The dashboard's front end (browser JavaScript) gets each marketplace's label and colour from the server.
const FRONT_END = path.join(ROOT, 'src', 'dashboard', 'static');

/** The TypeScript of `dir`, and the JavaScript of the dashboard's front end. */
function codeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return HOMES.has(full) ? [] : codeFiles(full);
    if (LISTS.has(full)) return [];
    return name.endsWith('.ts') || (name.endsWith('.js') && full.startsWith(FRONT_END + path.sep)) ? [full] : [];
  });
}

/** The code without its comments: comments may explain a marketplace; code must not name one. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, '')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('one home per marketplace', () => {
  it('no place outside src/marketplaces/<name>/ names a marketplace, its label or its settings by hand', () => {
    const words = MARKETPLACES.flatMap((m) => [m.name, m.label, ...m.settings.map((s) => s.name)]);
    const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'i');
    const offenders: string[] = [];
    const files = codeFiles(path.join(ROOT, 'src'));
    assert.ok(
      files.some((f) => f.startsWith(FRONT_END) && f.endsWith('.js')),
      'the front end is read',
    );
    for (const file of files) {
      code(readFileSync(file, 'utf8'))
        .split('\n')
        .forEach((line, i) => {
          const m = pattern.exec(line);
          if (m) offenders.push(`${path.relative(ROOT, file)}:${i + 1}: "${m[1]}" in ${line.trim().slice(0, 120)}`);
        });
    }
    assert.deepEqual(offenders, [], 'iterate the registry (src/marketplaces/registry.ts) instead');
  });

  it('every marketplace of the registry has its settings, credential check, rate, header aliases, label, colour, adapter, parser and mock route', () => {
    const env = parseEnv({});
    for (const m of MARKETPLACES) {
      for (const s of m.settings) assert.ok(s.name in ENV_VARS, `${s.name} is a setting`);
      assert.ok(m.settings.some((s) => s.name === m.rateSetting));
      assert.ok(ratePerSecond(env, m.name) > 0);
      // Without any setting, a marketplace either needs none or says what to set.
      const problem = m.credentialProblem(() => undefined);
      assert.ok(
        problem === undefined || m.settings.some((s) => s.kind === 'credential' && problem.includes(s.name)),
        `${m.name}: ${problem}`,
      );
      assert.equal(MARKETPLACE_LABELS[m.name], m.label);
      assert.match(m.color, /^#[0-9a-f]{6}$/i, `${m.name}: its dashboard colour`);
      assert.equal(ioOf(m.name).name, m.name);
      assert.ok(
        MOCK_ROUTES.some((r) => r.marketplace === m.name && r.render),
        `${m.name} has a mock route`,
      );
      // Its header, as people write it, finds its column in a sheet.
      assert.equal(mapColumns(['Name', 'Date', m.header]).index[m.name], 2, `${m.name}: "${m.header}"`);
    }
    assert.deepEqual(
      [...MARKETPLACE_NAMES],
      MARKETPLACES.map((m) => m.name),
    );
    assert.equal(new Set(MARKETPLACES.map((m) => m.color)).size, MARKETPLACES.length, 'each marketplace has its own colour');
  });

  describe('in the database', () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase();
    });
    after(async () => t?.drop());

    it('no constraint names a marketplace: the names come from the registry, and an unknown one is refused', async () => {
      const defs = await t.db.query<{ def: string }>(
        `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace`,
      );
      for (const m of MARKETPLACE_NAMES) assert.ok(!defs.rows.some((r) => r.def.includes(`'${m}'`)), `a constraint names ${m}`);
      const known = await t.db.query<{ name: string }>('SELECT name FROM marketplaces ORDER BY name');
      assert.deepEqual(
        known.rows.map((r) => r.name),
        [...MARKETPLACE_NAMES].sort(),
      );
      const ev = await t.db.query<{ id: string }>(`INSERT INTO events (catalog_key, name) VALUES ('one-home', 'X') RETURNING id`);
      await assert.rejects(
        t.db.query(`INSERT INTO event_sources (event_id, marketplace, marketplace_event_id) VALUES ($1, 'eventbrite', '1')`, [
          ev.rows[0]!.id,
        ]),
        /foreign key/,
      );
    });
  });
});
