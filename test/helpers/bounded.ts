import vm from 'node:vm';

/**
 * Runs a synchronous function with a time limit that also stops a busy loop: the call runs
 * inside a `vm` context with `timeout`, and V8 terminates whatever JavaScript is running when the
 * limit passes (Node's watchdog), even code from this realm. For property tests, where a hang is
 * a finding: the limit is generous and catches only hangs, never slowness. Throws
 * `HangError` naming the limit; anything `fn` throws is rethrown as is.
 */
export class HangError extends Error {
  override name = 'HangError';
}

const context = vm.createContext({ call: undefined as unknown, result: undefined as unknown });
const script = new vm.Script('result = call()');

export function runBounded<T>(fn: () => T, timeoutMs: number): T {
  context.call = fn;
  context.result = undefined;
  try {
    script.runInContext(context, { timeout: timeoutMs });
    return context.result as T;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new HangError(`did not return within ${timeoutMs} ms`);
    throw err;
  } finally {
    context.call = undefined;
    context.result = undefined;
  }
}
