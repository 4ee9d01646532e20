import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadMigrations, migrationsDir } from '../../src/db/migrate';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * TimescaleDB is not installed here, so its layout cannot run; instead the real PostgreSQL
 * parser (libpg_query, PostgreSQL 17's grammar) parses it, and its tables and continuous
 * aggregates must expose exactly the columns, in order, that the plain layout creates in a
 * real database. Readers run the same SQL in both modes, so this is what must not drift.
 */
type Node = Record<string, unknown>;
const obj = (v: unknown): Node => (typeof v === 'object' && v !== null ? (v as Node) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

interface ParsedRelation {
  kind: 'table' | 'view';
  columns: { name: string; type: string }[];
}

function typeName(tn: Node): string {
  const names = arr(tn.names).map((n) => str(obj(obj(n).String).sval));
  const base = names[names.length - 1] ?? '';
  const mods = arr(tn.typmods).map((m) => String(obj(obj(obj(m).A_Const).ival).ival ?? ''));
  return `${base}${mods.length ? `(${mods.join(',')})` : ''}${tn.arrayBounds ? '[]' : ''}`;
}

async function parseLayout(file: string): Promise<{ relations: Map<string, ParsedRelation>; calls: string[] }> {
  const { loadModule, parse } = await import('@libpg-query/parser');
  await loadModule();
  const tree = obj(await parse(readFileSync(path.join(migrationsDir(), file), 'utf8')));
  const relations = new Map<string, ParsedRelation>();
  const calls: string[] = [];
  for (const s of arr(tree.stmts)) {
    const stmt = obj(obj(s).stmt);
    if (stmt.CreateStmt) {
      const c = obj(stmt.CreateStmt);
      const columns: ParsedRelation['columns'] = [];
      for (const e of arr(c.tableElts)) {
        const el = obj(e);
        if (el.ColumnDef) columns.push({ name: str(obj(el.ColumnDef).colname), type: typeName(obj(obj(el.ColumnDef).typeName)) });
        if (el.TableLikeClause) {
          const like = relations.get(str(obj(obj(el.TableLikeClause).relation).relname));
          assert.ok(like, 'LIKE refers to a table defined earlier in the same file');
          columns.push(...like.columns);
        }
      }
      // PARTITION OF parent: the parent's columns.
      const parent = relations.get(str(obj(obj(arr(c.inhRelations)[0]).RangeVar).relname));
      if (c.partbound && parent) columns.push(...parent.columns);
      relations.set(str(obj(c.relation).relname), { kind: 'table', columns });
    } else if (stmt.CreateTableAsStmt) {
      const c = obj(stmt.CreateTableAsStmt);
      // A target's name: its alias, else the column it reads (as PostgreSQL names it).
      const targets = arr(obj(obj(c.query).SelectStmt).targetList).map((t) => {
        const rt = obj(obj(t).ResTarget);
        const fields = arr(obj(obj(rt.val).ColumnRef).fields);
        return str(rt.name) || str(obj(obj(fields[fields.length - 1]).String).sval);
      });
      relations.set(str(obj(obj(c.into).rel).relname), { kind: 'view', columns: targets.map((name) => ({ name, type: '' })) });
    } else if (stmt.SelectStmt) {
      for (const t of arr(obj(stmt.SelectStmt).targetList)) {
        const fn = obj(obj(obj(t).ResTarget).val).FuncCall;
        if (fn) calls.push(`${arr(obj(fn).funcname).map((n) => str(obj(obj(n).String).sval)).join('.')}(${str(obj(obj(arr(obj(fn).args)[0]).A_Const).sval ? str(obj(obj(obj(arr(obj(fn).args)[0]).A_Const).sval).sval) : '')})`);
      }
    }
  }
  return { relations, calls };
}

describe('the TimescaleDB layout cannot drift from the plain one', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => t?.drop());

  it('every migration file, both layouts included, parses with the PostgreSQL grammar', async () => {
    const { loadModule, parse } = await import('@libpg-query/parser');
    await loadModule();
    for (const m of loadMigrations()) await assert.doesNotReject(parse(m.sql), `${m.version}_${m.name}${m.variant ? '.' + m.variant : ''}`);
    await assert.rejects(parse('CREATE TABLE broken (a int,'), 'the parser does reject bad SQL');
  });

  it('both layouts define the same relations with the same columns in the same order', async () => {
    const plain = await parseLayout('004_timeseries.plain.sql');
    const tsdb = await parseLayout('004_timeseries.timescaledb.sql');
    assert.deepEqual([...tsdb.relations.keys()].filter((n) => !n.endsWith('_default')).sort(), [...plain.relations.keys()].filter((n) => !n.endsWith('_default')).sort());
    for (const [name, rel] of tsdb.relations) {
      const twin = plain.relations.get(name)!;
      if (rel.kind === 'table') assert.deepEqual(rel.columns, twin.columns, name);
      else assert.deepEqual(rel.columns.map((c) => c.name), twin.columns.map((c) => c.name), `${name}: continuous aggregate vs table`);
    }
    assert.deepEqual([...tsdb.relations].filter(([, r]) => r.kind === 'view').map(([n]) => n).sort(), ['rollup_daily', 'rollup_hourly']);
    // Hypertables, compression and refresh policies are really there (and only in this file).
    for (const call of ["create_hypertable(listings)", "create_hypertable(ticket_snapshots)", 'add_compression_policy(listings)', 'add_compression_policy(ticket_snapshots)', 'add_continuous_aggregate_policy(rollup_hourly)', 'add_continuous_aggregate_policy(rollup_daily)']) {
      assert.ok(tsdb.calls.includes(call), `${call} in ${tsdb.calls.join(', ')}`);
    }
    assert.deepEqual(plain.calls, []);
  });

  it('the plain layout the parser reads is the one PostgreSQL created, column for column', async () => {
    const plain = await parseLayout('004_timeseries.plain.sql');
    for (const [name, rel] of plain.relations) {
      const res = await t.db.query<{ column_name: string }>(
        `SELECT attname AS column_name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [name],
      );
      assert.deepEqual(res.rows.map((r) => r.column_name), rel.columns.map((c) => c.name), name);
    }
    const mode = await t.db.query<{ mode: string }>('SELECT mode FROM storage_settings');
    assert.deepEqual(mode.rows, [{ mode: 'plain' }]);
  });
});
