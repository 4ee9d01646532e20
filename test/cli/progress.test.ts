import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { main } from '../../src/client';
import { createProgress } from '../../src/cli/progress';
import { EVENTS_HEADER, startTrackerStack, writeEventsFile, type TrackerStack } from '../helpers/stack';
import { startDevServerEnv } from '../helpers/temporal';

/**
 * Long commands show progress on stderr, on a terminal or with --progress, and never in stdout
 * (so never in --json): a one-off `scrape` of many events against the dev stack, and an
 * `events sync` of a large catalog.
 */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  const capture = (into: string[], orig: typeof origOut) =>
    ((chunk: string | Uint8Array, ...rest: never[]) =>
      typeof chunk === 'string' ? (into.push(chunk), true) : orig(chunk, ...rest)) as typeof process.stdout.write;
  process.stdout.write = capture(out, origOut);
  process.stderr.write = capture(err, origErr);
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
  }
}

/** n events on every marketplace, in the catalog's own header (samples/events.csv's columns). */
function catalog(n: number, offset = 0): string {
  const rows = Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return `Progress Show ${i},Hall ${i % 7},Austin,TX,US,2027-0${1 + (i % 9)}-1${i % 10} 19:30,America/Chicago,${700000 + i},${800000 + i},${900000 + i},TMPROG${i},TRUE`;
  });
  return [EVENTS_HEADER, ...rows].join('\n');
}

describe('progress of long commands', () => {
  let temporal: TestWorkflowEnvironment;
  let stack: TrackerStack;
  const saved = { ...process.env };
  before(async () => {
    temporal = await startDevServerEnv();
    stack = await startTrackerStack(temporal, { eventsFile: writeEventsFile(catalog(30)), marketplaces: ['stubhub', 'vividseats'] });
    process.env.DATABASE_URL = stack.database.url;
    process.env.TEMPORAL_ADDRESS = temporal.address;
    process.env.TEMPORAL_TASK_QUEUE = stack.taskQueue;
  });
  after(async () => {
    process.env = saved;
    await stack?.close();
    await temporal?.teardown();
  });

  it('a terminal gets one line redrawn in place; a pipe gets lines only with --progress, never with --json alone', () => {
    const tty: string[] = [];
    const p = createProgress({}, { write: (t: string) => tty.push(t), isTTY: true });
    p.update('a');
    p.update('a');
    p.update('b');
    p.done();
    assert.deepEqual(tty, ['\ra\x1b[K', '\rb\x1b[K', '\n']);
    const pipe: string[] = [];
    createProgress({}, { write: (t: string) => pipe.push(t), isTTY: false }).update('x');
    createProgress({ json: true }, { write: (t: string) => pipe.push(t), isTTY: true }).update('x');
    assert.equal(pipe.length, 0, 'off on a pipe, and with --json on a terminal');
    const asked = createProgress({ progress: true, json: true }, { write: (t: string) => pipe.push(t), isTTY: false });
    asked.update('x');
    asked.update('y');
    asked.done();
    assert.deepEqual(pipe, ['x\n', 'y\n']);
  });

  it('events sync of a large catalog shows its stages on stderr, stdout stays the report', async () => {
    const file = writeEventsFile(catalog(3000, 1000));
    const r = await cli('events', 'sync', '--file', file, '--json', '--progress');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).added, 3000, 'stdout is the JSON report alone');
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'events sync: reading the catalog',
      'events sync: 3000 rows read, comparing with the database',
      'events sync: 3000 rows read, writing 3000 new and 0 changed events',
    ]);
    const quiet = await cli('events', 'sync', '--file', file, '--json');
    assert.equal(quiet.stderr, '', 'no progress on a pipe without --progress');
  });

  it('a one-off scrape of many events shows the cycle progress on stderr', async () => {
    await stack.withWorkers(async () => {
      await cli('events', 'sync', '--file', writeEventsFile(catalog(30)));
      const ids = Array.from({ length: 30 }, (_, i) => `stubhub:${700000 + i}`);
      const r = await cli('scrape', ...ids, '--json', '--progress');
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as { summary: { eventsScraped: number } };
      assert.equal(result.summary.eventsScraped, 30, 'stdout is the JSON result alone');
      const lines = r.stderr.trim().split('\n');
      assert.ok(
        lines.every((l) => l.startsWith('scrape: ')),
        r.stderr,
      );
      assert.equal(lines.at(-1), 'scrape: 30 of 30 events done · stubhub 30 ok 0 failed · vividseats 30 ok 0 failed');
    });
  });
});
