import type { Command } from 'commander';
import { describeEnv, readEnvironment, settingOf, type Env } from '../../config';
import { migrate, migrationStatus } from '../../db/migrate';
import { recordedStorageMode } from '../../db/storage-mode';
import { timescaleStatus, type TimescaleStatus } from '../../db/timescale-status';
import { runDevStack } from '../../dev';
import { MARKETPLACES } from '../../marketplaces/registry';
import { runWorker } from '../../worker';
import type { CliContext } from '../context';
import { printRows } from '../output';
import { writeOut } from '../io';

/** dev, worker, db, config: running the product and looking after its storage. */
export function registerCoreCommands(program: Command, ctx: CliContext): void {
  program
    .command('dev')
    .description('run the embedded stack: Temporal dev server, PostgreSQL, worker (what `npm start` runs)')
    .action(async () => {
      await runDevStack(devEnvironment(ctx.getEnv(), readEnvironment(ctx.io.env, ctx.io.cwd)), ctx.logger());
    });

  program
    .command('worker')
    .description('run a production worker against TEMPORAL_ADDRESS and DATABASE_URL')
    .action(async () => {
      await runWorker(ctx.getEnv(), ctx.logger());
    });

  const db = program.command('db').description('database schema');
  db.command('migrate')
    .description('apply pending migrations')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const applied = await migrate(await ctx.getDb(), undefined, { storageMode: ctx.getEnv().STORAGE_MODE });
      printRows(
        applied,
        [
          { header: 'version', value: (m) => m.version },
          { header: 'applied', value: (m) => m.name },
        ],
        opts,
      );
    });
  db.command('status')
    .description('list applied and pending migrations')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const db = await ctx.getDb();
      const status = await migrationStatus(db);
      const mode = await recordedStorageMode(db);
      const tsdb = mode?.mode === 'timescaledb' ? await timescaleStatus(db) : null;
      if (opts.json) {
        writeOut(JSON.stringify({ storageMode: mode, timescaledb: tsdb, migrations: status }, null, 2) + '\n');
        return;
      }
      writeOut(
        mode
          ? `storage mode: ${mode.mode} (decided ${mode.decidedAt.toISOString()}: ${mode.reason})\n\n`
          : 'storage mode: not decided yet (decided by the first `db migrate`)\n\n',
      );
      if (tsdb) printTimescaleStatus(tsdb);
      printRows(
        status,
        [
          { header: 'version', value: (m) => m.version },
          { header: 'name', value: (m) => m.name },
          { header: 'state', value: (m) => m.state },
          { header: 'applied at', value: (m) => m.appliedAt },
        ],
        opts,
      );
    });

  program
    .command('config')
    .description('print the effective configuration (secrets masked)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      printRows(
        describeEnv(ctx.getEnv()),
        [
          { header: 'variable', value: (r) => r.variable },
          { header: 'value', value: (r) => r.value },
        ],
        opts,
      );
    });
}

/**
 * The embedded stack serves marketplaces from the local mock unless told otherwise: when
 * MOCK_MARKETPLACE is not set and no marketplace credential is configured. With a real
 * credential and no explicit MOCK_MARKETPLACE, the real marketplaces are used.
 */
export function devEnvironment(env: Env, raw: Record<string, string | undefined>): Env {
  const hasCredential = MARKETPLACES.some((m) => m.settings.some((s) => s.kind === 'credential' && Boolean(settingOf(env, s.name))));
  if (raw.MOCK_MARKETPLACE === undefined && !hasCredential) return { ...env, MOCK_MARKETPLACE: true };
  return env;
}

const mb = (bytes: number | null): string => (bytes === null ? '' : `${(bytes / 1048576).toFixed(1)} MB`);

/** The TimescaleDB part of `db status`: hypertables with chunks and compression, then policies with their last run. */
function printTimescaleStatus(s: TimescaleStatus): void {
  writeOut(`TimescaleDB ${s.extensionVersion}\n`);
  printRows(
    s.hypertables,
    [
      { header: 'hypertable', value: (h) => h.hypertable },
      { header: 'chunks', value: (h) => h.chunks },
      { header: 'compressed', value: (h) => h.compressedChunks },
      { header: 'before', value: (h) => mb(h.bytesBeforeCompression) },
      { header: 'after', value: (h) => mb(h.bytesAfterCompression) },
      { header: 'ratio', value: (h) => (h.compressionRatio === null ? '' : `${h.compressionRatio}x`) },
      { header: 'total size', value: (h) => mb(h.totalBytes) },
    ],
    {},
  );
  writeOut('\npolicies (a second line: the maintenance workflows compress explicitly)\n');
  printRows(
    s.policies,
    [
      { header: 'job', value: (p) => p.jobId },
      { header: 'policy', value: (p) => p.policy },
      { header: 'hypertable', value: (p) => p.hypertable ?? '' },
      { header: 'every', value: (p) => p.scheduleInterval },
      { header: 'scheduled', value: (p) => (p.scheduled ? 'yes' : 'no') },
      { header: 'last run', value: (p) => p.lastRunStartedAt ?? 'never' },
      { header: 'status', value: (p) => p.lastRunStatus ?? '' },
      { header: 'runs', value: (p) => p.totalRuns },
      { header: 'failures', value: (p) => p.totalFailures },
      { header: 'last error', value: (p) => p.lastError ?? '' },
    ],
    {},
  );
  writeOut('\n');
}
