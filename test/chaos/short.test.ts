import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { fromRoot } from '../../src/config/paths';

/** What `npm run chaos -- --json` prints (the fields the goals are about). */
const reportSchema = z.object({
  faults_injected: z.number(),
  faults: z.array(z.object({ step: z.string(), recovery_s: z.number().nullable() })),
  cycles: z.number(),
  cycles_failed: z.number(),
  scrapes_expected: z.number(),
  scrapes_stored: z.number(),
  scrapes_missing: z.number(),
  scrapes_duplicated: z.number(),
  listings_duplicated: z.number(),
  requests: z.number(),
  processes_left: z.number(),
  upgrade_drills: z.number(),
  nondeterminism_errors: z.number(),
  max_cycle_gap_ratio: z.number().nullable(),
  upgrade: z.object({ scrapes_on_old_build: z.number(), scrapes_on_new_build: z.number(), step_mismatches: z.number() }).nullable(),
});

/**
 * The short fault suite as separate processes (one worker SIGKILLed, PostgreSQL stopped and
 * started, the Temporal dev server killed and restarted on its SQLite file, one marketplace
 * fault), then the upgrade drill: nothing of a healthy marketplace is lost, nothing is stored
 * twice, no scrape meets another build's code, no cycle waits longer than its sleep, nothing is left running.
 */
describe('chaos: the short fault suite', () => {
  it('loses nothing, doubles nothing and leaves no process behind', { timeout: 900_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fromRoot('scripts', 'chaos.ts'), '--short', '--json', '--seed', '3'], {
      cwd: fromRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const line = stdout.trim().split('\n').pop() ?? '';
    assert.ok(line.startsWith('{'), `no JSON report (exit ${code}):\n${stderr.slice(-3000)}`);
    const report = reportSchema.parse(JSON.parse(line));
    const kinds = report.faults.map((f) => f.step).join(' | ');
    assert.match(kinds, /SIGKILL worker/);
    assert.match(kinds, /PostgreSQL stopped/);
    assert.match(kinds, /Temporal dev server/);
    assert.ok(report.cycles >= 2, `only ${report.cycles} cycles completed`);
    assert.equal(report.cycles_failed, 0);
    assert.ok(report.scrapes_expected > 0 && report.requests > 0);
    assert.equal(report.scrapes_missing, 0, stderr.slice(-3000));
    assert.equal(report.scrapes_duplicated, 0);
    assert.equal(report.listings_duplicated, 0);
    assert.equal(report.processes_left, 0);
    // The upgrade drill (docs/upgrades.md): build N+1 promoted while scrapes are in flight.
    assert.equal(report.upgrade_drills, 1);
    assert.equal(report.nondeterminism_errors, 0);
    assert.ok(
      report.upgrade && report.upgrade.scrapes_on_old_build > 0 && report.upgrade.scrapes_on_new_build > 0,
      JSON.stringify(report.upgrade),
    );
    assert.equal(report.upgrade.step_mismatches, 0);
    assert.ok(report.max_cycle_gap_ratio !== null && report.max_cycle_gap_ratio <= 1, `max_cycle_gap_ratio ${report.max_cycle_gap_ratio}`);
    // The request rate is reported (max_rate_ratio) and judged by the long run, not here: on a
    // loaded CI machine, tasks dispatched at the rate reach the mock bunched after worker stalls.
  });
});
