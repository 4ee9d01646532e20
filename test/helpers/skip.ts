import type { TestContext } from 'node:test';

/**
 * Under CI (`CI=true`) nothing may be skipped for want of something the machine should have
 * (TimescaleDB for the second storage layout, Chromium for the browser tests, root for the
 * root-only tests): that would pass a run in which those tests never ran. There the skip is a
 * failure that says why; locally it stays a skip with its reason.
 */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true';
}

/** Skips the test with `reason`, or fails it with the reason under CI. */
export function skipOrFail(t: TestContext, reason: string): void {
  if (underCi()) throw new Error(`skipped under CI=true, which allows no skip: ${reason}`);
  t.skip(reason);
}
