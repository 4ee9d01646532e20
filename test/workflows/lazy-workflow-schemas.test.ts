import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lazy } from '../../src/domain/lazy';
import { intervalSettingsSchema } from '../../src/domain/sleep';
import { scrapeEventInputSchema, trackerInputSchema, trackerSettingsSchema } from '../../src/domain/tracker';

/**
 * Workflow modules build their zod schemas on first use: the workflow sandbox evaluates every
 * module again per workflow execution, so schemas built at load were built once per scrape child.
 */
describe('schemas of the modules workflows import are built on first use', () => {
  it('builds a lazy value once, on its first use, and never at definition', () => {
    let builds = 0;
    const value = lazy(() => ({ n: ++builds }));
    assert.equal(builds, 0);
    assert.equal(value().n, 1);
    assert.equal(value(), value());
    assert.equal(builds, 1);
  });

  it('hands out one schema instance per module, which still refuses bad input naming the field', () => {
    assert.equal(scrapeEventInputSchema(), scrapeEventInputSchema());
    const bad = scrapeEventInputSchema().safeParse({
      event: { id: 1, name: 'x', startsAt: null, marketplaceIds: [{ marketplace: 'nowhere', marketplaceEventId: '1' }] },
      cycleId: 'j',
    });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0]?.path, ['event', 'marketplaceIds', 0, 'marketplace']);
  });

  it('keeps the defaults and cross-field checks of the tracker settings', () => {
    assert.equal(trackerInputSchema().parse({}).settings.fanout, 10);
    assert.equal(trackerSettingsSchema().safeParse({ minFactor: 1.2 }).success, false);
    assert.equal(
      intervalSettingsSchema().safeParse({ intervalHours: 1, randomization: 'uniform', minFactor: 0.5, maxFactor: 2 }).success,
      true,
    );
  });
});
