/**
 * `npm test`: runs every test file under test/ with node's test runner, after starting the
 * shared infrastructure once (a PostgreSQL — DATABASE_URL or an embedded one — and a Temporal
 * dev server). Each file gets its own database and task queues. Ends with a summary line
 * "N passed, N failed" and a non-zero exit status when anything failed. Under CI (`CI=true`) a
 * skipped test is a failure too, listed with its reason (test/helpers/skip.ts fails those tests
 * already; this also catches a skip declared any other way): a run in which the TimescaleDB
 * layout, the browser or the root-only tests did not run is not a green run.
 *
 *   npm test                      every test
 *   npm test -- test/workflows    only files under a folder (or given files)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { installTemporalBinaries } from '../src/embedded/temporal-binaries';
import {
  ADMIN_URL_VAR,
  TEMPORAL_ADDRESS_VAR,
  TIMESCALE_ADMIN_URL_VAR,
  TIMESCALE_SKIP_VAR,
  startPostgresForTests,
  startTemporalForTests,
  startTimescaleForTests,
} from '../test/helpers/infra';
import { TEST_OUTPUT_VAR } from '../test/helpers/browser';
import { fromRoot } from '../src/config/paths';
import { underCi } from '../test/helpers/skip';

/** Tests declared per storage layout by describeLayouts carry "[layout]" in their suite's name. */
const LAYOUT_TAG = /\[(plain|timescaledb)\]$/;
type Tally = { passed: number; failed: number; skipped: number };

/** The layout of a test from the names of its enclosing suites (tracked per file from test:start). */
class LayoutTracker {
  private stacks = new Map<string, string[]>();
  readonly counts = new Map<string, Tally>();
  start(e: { file?: string; name: string; nesting: number }): void {
    const stack = this.stacks.get(e.file ?? '') ?? [];
    stack.length = e.nesting;
    stack.push(e.name);
    this.stacks.set(e.file ?? '', stack);
  }
  count(e: { file?: string; nesting: number }, outcome: keyof Tally): void {
    const ancestors = (this.stacks.get(e.file ?? '') ?? []).slice(0, e.nesting);
    const layout = ancestors.map((n) => LAYOUT_TAG.exec(n)?.[1]).find((l) => l !== undefined);
    if (!layout) return;
    const t = this.counts.get(layout) ?? { passed: 0, failed: 0, skipped: 0 };
    t[outcome]++;
    this.counts.set(layout, t);
  }
}

function findTests(target: string): string[] {
  const st = statSync(target);
  if (st.isFile()) return [path.resolve(target)];
  return readdirSync(target, { withFileTypes: true })
    .flatMap((d) => {
      const full = path.join(target, d.name);
      if (d.isDirectory()) return d.name === 'helpers' || d.name === 'fixtures' ? [] : findTests(full);
      return d.name.endsWith('.test.ts') ? [path.resolve(full)] : [];
    })
    .sort();
}

async function main(): Promise<number> {
  const targets = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const files = (targets.length > 0 ? targets : ['test']).flatMap(findTests);
  if (files.length === 0) {
    console.error('no test files found');
    return 1;
  }
  installTemporalBinaries();
  // Outputs a person can look at (the dashboard tests' screenshots): one folder per run.
  process.env[TEST_OUTPUT_VAR] ??= fromRoot('test-output', new Date().toISOString().replace(/[:.]/g, '-'));
  const started = Date.now();
  const [pgServer, tsdb, temporal] = await Promise.all([startPostgresForTests(), startTimescaleForTests(), startTemporalForTests()]);
  const stopAll = (): Promise<unknown> => Promise.allSettled([pgServer.stop(), 'stop' in tsdb ? tsdb.stop() : undefined, temporal.stop()]);
  // Interrupted (Ctrl-C, a CI timeout): stop the servers, which run in their own process groups.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stopAll().then(() => process.exit(130));
    });
  }
  process.env[ADMIN_URL_VAR] = pgServer.adminUrl;
  process.env[TEMPORAL_ADDRESS_VAR] = temporal.address;
  if ('skipped' in tsdb) process.env[TIMESCALE_SKIP_VAR] = tsdb.skipped;
  else process.env[TIMESCALE_ADMIN_URL_VAR] = tsdb.adminUrl;
  console.log(
    `test infrastructure up in ${((Date.now() - started) / 1000).toFixed(1)} s: PostgreSQL, ` +
      `${'skipped' in tsdb ? 'no TimescaleDB' : 'TimescaleDB'} and Temporal ${temporal.address}`,
  );
  const ci = underCi();
  if ('skipped' in tsdb)
    console.log(`TimescaleDB layout tests will ${ci ? 'fail (CI=true allows no skip)' : 'be skipped'}: ${tsdb.skipped}`);

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const skips: string[] = [];
  const layouts = new LayoutTracker();
  try {
    const stream = run({ files, concurrency: 2, timeout: 10 * 60_000 });
    stream.on('test:start', (e: { file?: string; name: string; nesting: number }) => layouts.start(e));
    stream.on(
      'test:pass',
      (e: { file?: string; name: string; nesting: number; details: { type?: string }; skip?: unknown; todo?: unknown }) => {
        if (e.details.type === 'suite') return;
        const outcome = e.skip !== undefined || e.todo !== undefined ? 'skipped' : 'passed';
        if (outcome === 'skipped') {
          skipped++;
          const reason = typeof e.skip === 'string' ? e.skip : typeof e.todo === 'string' ? `todo: ${e.todo}` : 'no reason given';
          skips.push(`${path.relative(fromRoot(), e.file ?? '?')}: ${e.name}: ${reason}`);
        } else passed++;
        layouts.count(e, outcome);
      },
    );
    stream.on('test:fail', (e: { file?: string; nesting: number; details: { type?: string; error?: { failureType?: string } } }) => {
      // A suite fails when a test inside it fails; count the tests, and suites only when their hooks fail.
      if (e.details.type === 'suite' && e.details.error?.failureType === 'subtestsFailed') return;
      failed++;
      layouts.count(e, 'failed');
    });
    await new Promise<void>((resolve, reject) => {
      const out = stream.compose(new spec());
      out.on('data', (chunk: string | Buffer) => process.stdout.write(chunk));
      out.on('end', resolve);
      out.on('error', reject);
    });
  } finally {
    await stopAll();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log('');
  for (const [layout, t] of [...layouts.counts].sort()) {
    console.log(`  ${layout} layout: ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`);
  }
  const reason = 'skipped' in tsdb && skipped > 0 ? ` (TimescaleDB: ${tsdb.skipped})` : '';
  if (existsSync(process.env[TEST_OUTPUT_VAR]!)) console.log(`outputs of this run (screenshots): ${process.env[TEST_OUTPUT_VAR]}`);
  if (ci && skips.length > 0) {
    console.log(`CI=true: ${skips.length} skipped test${skips.length === 1 ? ' fails' : 's fail'} the run:`);
    for (const s of skips) console.log(`  ${s}`);
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped${reason}` : ''} in ${seconds} s`);
  return failed > 0 || passed === 0 || (ci && skipped > 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
