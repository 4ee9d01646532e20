import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { resolveTemporalBinary } from '../../src/embedded/temporal-binaries';
import { TEMPORAL_ADDRESS_VAR } from './infra';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Core's own warnings (e.g. the time-skipping server's missing capabilities) are noise in tests.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
}

/**
 * A real Temporal server for one test file: the run's shared dev server when the runner
 * started one, otherwise a dev server of this file's own. The file calls teardown() in after().
 */
export async function startDevServerEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const address = process.env[TEMPORAL_ADDRESS_VAR];
  const env = address
    ? await TestWorkflowEnvironment.createFromExistingServer({ address, namespace: 'default' })
    : await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: resolveTemporalBinary('cli') }, ip: '127.0.0.1' },
      });
  return env;
}

/** The time-skipping test server, for workflows that sleep for hours or days. */
export async function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTemporalBinary('test-server') } },
  });
  return env;
}

/** A task queue no other test file uses, so files can share one server. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
