import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { fromRoot } from '../../src/config/paths';
import { productionBundleOptions } from '../../src/worker/bundle';

const DIR = fromRoot('test', 'fixtures', 'histories');
const manifest = z
  .object({
    about: z.string(),
    builds: z.array(
      z.object({ folder: z.string().min(1), recordedWith: z.string(), whyInFlight: z.string(), dropWhen: z.string() }).strict(),
    ),
  })
  .strict()
  .parse(JSON.parse(readFileSync(path.join(DIR, 'in-flight.json'), 'utf8')));

const historiesOf = (folder: string): string[] =>
  readdirSync(path.join(DIR, folder))
    .filter((f) => f.endsWith('.json'))
    .sort();

const typeOf = (folder: string, file: string): string =>
  JSON.parse(readFileSync(path.join(DIR, folder, file), 'utf8')).events[0].workflowExecutionStartedEventAttributes.workflowType.name;

/**
 * Histories recorded from the real workflows (npm run record-histories), one folder per build whose
 * open workflows the current code may be handed (test/fixtures/histories/in-flight.json, see
 * docs/upgrades.md), are replayed against the current workflow code: a change that would break
 * them fails here. Pinned workflows of other builds never reach this code, so they are not here.
 */
describe('replay of recorded workflow histories of every build still in flight', () => {
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });

  it('lists every folder of recorded histories, and each holds every workflow type', () => {
    const folders = readdirSync(DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    assert.deepEqual(
      folders,
      manifest.builds.map((b) => b.folder).sort(),
      'a folder of histories is not in in-flight.json, or the reverse',
    );
    for (const { folder } of manifest.builds) {
      const types = new Set(historiesOf(folder).map((f) => typeOf(folder, f)));
      assert.deepEqual(
        [...types].sort(),
        ['archiveAndRetention', 'dailyRollup', 'hourlyRollup', 'scrapeEvent', 'selfCheck', 'trackerLoop'],
        `${folder}: a workflow type has no recorded history`,
      );
    }
  });

  for (const { folder } of manifest.builds) {
    it(`replays every history of ${folder} with the production bundle (npm run build: tree-shaken, minified)`, async () => {
      const histories = historiesOf(folder).map((file) => ({
        workflowId: file,
        history: historyFromJSON(JSON.parse(readFileSync(path.join(DIR, folder, file), 'utf8'))),
      }));
      const failed: string[] = [];
      for await (const result of Worker.runReplayHistories(
        { workflowsPath: require.resolve('../../src/workflows'), bundlerOptions: productionBundleOptions() },
        histories,
      ))
        if (result.error) failed.push(`${result.workflowId}: ${result.error.message}`);
      assert.deepEqual(failed, []);
    });

    for (const file of historiesOf(folder)) {
      it(`replays ${folder}/${file} deterministically`, async () => {
        const history = historyFromJSON(JSON.parse(readFileSync(path.join(DIR, folder, file), 'utf8')));
        await Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows') }, history, `${folder}/${file}`);
      });
    }
  }
});
