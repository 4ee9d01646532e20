import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { fromRoot } from '../../src/config/paths';
import { productionBundleOptions } from '../../src/worker/bundle';

const DIR = fromRoot('test', 'fixtures', 'histories');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/**
 * Histories recorded from the real workflows (npm run record-histories) are replayed against the
 * current workflow code: a change that would break running workflows fails here.
 */
describe('replay of recorded workflow histories', () => {
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });

  it('has histories of every workflow type to replay', () => {
    const types = new Set(
      files.map(
        (f) =>
          JSON.parse(readFileSync(path.join(DIR, f), 'utf8')).events[0].workflowExecutionStartedEventAttributes.workflowType.name as string,
      ),
    );
    assert.deepEqual([...types].sort(), ['archiveAndRetention', 'dailyRollup', 'hourlyRollup', 'scrapeEvent', 'selfCheck', 'trackerLoop']);
  });

  it('replays every recorded history with the production bundle (npm run build: tree-shaken, minified)', async () => {
    const histories = files.map((file) => ({
      workflowId: file,
      history: historyFromJSON(JSON.parse(readFileSync(path.join(DIR, file), 'utf8'))),
    }));
    const failed: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../src/workflows'), bundlerOptions: productionBundleOptions() },
      histories,
    ))
      if (result.error) failed.push(`${result.workflowId}: ${result.error.message}`);
    assert.deepEqual(failed, []);
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(DIR, file), 'utf8')));
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows') }, history, file);
    });
  }
});
