import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { fromRoot } from '../../src/config/paths';
import { bundleNextBuild } from '../../scripts/chaos/upgrade-drill';

/**
 * The upgrade drill's build N+1 is a real workflow change: a scrape recorded on today's code does
 * not replay on it (so only pinning can carry scrapes in flight across the upgrade), while it
 * replays on today's code.
 */
describe("the upgrade drill's build N+1", () => {
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-drill-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const recorded = historyFromJSON(
    JSON.parse(readFileSync(fromRoot('test', 'fixtures', 'histories', 'unversioned-c9ba53c', 'scrape-event.json'), 'utf8')),
  );

  it('cannot replay a scrape recorded before it: TMPRL1100', async () => {
    const codePath = await bundleNextBuild(dir);
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: { codePath } }, recorded, 'scrape-event'),
      (err: unknown) => err instanceof DeterminismViolationError && /TMPRL1100/.test(err.message),
    );
  });

  it('leaves the checkout untouched: the same scrape replays on the current code', async () => {
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows') }, recorded, 'scrape-event');
  });
});
