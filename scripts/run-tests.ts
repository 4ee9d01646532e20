/**
 * `npm test`: runs every test file under test/ with node's test runner, after starting the
 * shared infrastructure once (a PostgreSQL — DATABASE_URL or an embedded one — and a Temporal
 * dev server). Each file gets its own database and task queues. Ends with a summary line
 * "N passed, N failed" and a non-zero exit status when anything failed.
 *
 *   npm test                      every test
 *   npm test -- test/unit         only files under a folder (or given files)
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { installTemporalBinaries } from '../src/tools/temporal-binaries';
import { ADMIN_URL_VAR, TEMPORAL_ADDRESS_VAR, startPostgresForTests, startTemporalForTests } from '../test/helpers/infra';

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
  const started = Date.now();
  const [pgServer, temporal] = await Promise.all([startPostgresForTests(), startTemporalForTests()]);
  // Interrupted (Ctrl-C, a CI timeout): stop the servers, which run in their own process groups.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.allSettled([pgServer.stop(), temporal.stop()]).then(() => process.exit(130));
    });
  }
  process.env[ADMIN_URL_VAR] = pgServer.adminUrl;
  process.env[TEMPORAL_ADDRESS_VAR] = temporal.address;
  console.log(`test infrastructure up in ${((Date.now() - started) / 1000).toFixed(1)} s: PostgreSQL and Temporal ${temporal.address}`);

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const stream = run({ files, concurrency: 2, timeout: 5 * 60_000 });
    stream.on('test:pass', (e: { details: { type?: string }; skip?: unknown; todo?: unknown }) => {
      if (e.details.type === 'suite') return;
      if (e.skip !== undefined || e.todo !== undefined) skipped++;
      else passed++;
    });
    stream.on('test:fail', (e: { details: { type?: string; error?: { failureType?: string } } }) => {
      // A suite fails when a test inside it fails; count the tests, and suites only when their hooks fail.
      if (e.details.type === 'suite' && e.details.error?.failureType === 'subtestsFailed') return;
      failed++;
    });
    await new Promise<void>((resolve, reject) => {
      const out = stream.compose(new spec());
      out.on('data', (chunk: string | Buffer) => process.stdout.write(chunk));
      out.on('end', resolve);
      out.on('error', reject);
    });
  } finally {
    await Promise.allSettled([pgServer.stop(), temporal.stop()]);
  }
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
