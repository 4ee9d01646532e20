import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parseEnv } from '../../src/config/index';
import { createLogger } from '../../src/logging/logger';
import { createWorkers } from '../../src/worker';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startDevServerEnv, uniqueTaskQueue } from '../helpers/temporal';
import { selfCheck } from '../../src/workflows/index';

describe('selfCheck workflow on a real Temporal server and PostgreSQL', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  before(async () => {
    [env, database] = await Promise.all([startDevServerEnv(), createTestDatabase()]);
  });
  after(async () => {
    await Promise.all([env?.teardown(), database?.drop()]);
  });

  it('writes a row through an activity and reads it back', async () => {
    const taskQueue = uniqueTaskQueue('self-check');
    const { main: worker } = await createWorkers({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      db: database.db,
      env: parseEnv({}),
      logger: createLogger('warn'),
    });
    const result = await worker.runUntil(async () => {
      const first = await env.client.workflow.execute(selfCheck, { taskQueue, workflowId: `self-check-a-${taskQueue}` });
      const second = await env.client.workflow.execute(selfCheck, { taskQueue, workflowId: `self-check-b-${taskQueue}` });
      return { first, second };
    });
    assert.equal(result.first.workflowId, `self-check-a-${taskQueue}`);
    assert.equal(result.first.totalChecks, 1);
    assert.equal(result.second.totalChecks, 2);
    const rows = await database.db.query<{ workflow_id: string }>('SELECT workflow_id FROM self_checks ORDER BY id');
    assert.deepEqual(
      rows.rows.map((r) => r.workflow_id),
      [`self-check-a-${taskQueue}`, `self-check-b-${taskQueue}`],
    );
  });
});
