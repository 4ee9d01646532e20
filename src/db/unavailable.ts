import { sleep } from '../marketplaces/politeness';

/**
 * Whether a `pg` error means "the database cannot be reached right now" (stopped, restarting,
 * connection cut) rather than "this statement is wrong": the first is worth waiting out, the
 * second never is. Codes: SQLSTATE class 08 (connection exception), 57P01-57P03 (admin or crash
 * shutdown, cannot connect now) from the PostgreSQL manual's appendix A; Node's socket errors;
 * and the messages `pg` itself throws when a connection ends under a query.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  }
  return /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection/i.test(err.message);
}

/**
 * Runs `work` again, with a backoff from 1 s up to 5 s, while it fails with an unreachable
 * database (isDatabaseUnavailable) and `deadline` (epoch ms) has not passed; `waiting` is told
 * how long it has waited, at every try (an activity heartbeats there). Any other error, or the
 * deadline, ends it with the last error; an aborted `signal` ends a backoff with its reason.
 */
export async function waitingOutDatabase<T>(
  work: () => Promise<T>,
  deadline: number,
  waiting: (waitedMs: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  const started = Date.now();
  for (let delay = 1000; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await work();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + delay > deadline) throw err;
      waiting(Date.now() - started);
      await sleep(delay, signal);
    }
  }
}
