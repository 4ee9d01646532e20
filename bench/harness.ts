import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Shared shape of a benchmark: it measures, returns its figures, and the runner prints them as
 * a table (and, with --json, one JSON object as the last line, so runs can be compared).
 */
export type Figures = Record<string, number | string | LayoutFigure>;

/** One figure measured in each storage layout (null: not measured there). */
export interface LayoutFigure {
  plain: number | string | null;
  timescaledb: number | string | null;
}

export interface Benchmark {
  name: string;
  description: string;
  /**
   * The `--NAME=N` arguments it reads (besides --json), each with the least N it takes: the runner
   * refuses any other argument, and any other value, before anything runs.
   */
  flags?: Readonly<Record<string, number>>;
  run(args: string[]): Promise<Figures>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `fn` `times` times after `warmup` untimed runs; returns each run's milliseconds. */
export async function timeRuns(times: number, fn: (i: number) => Promise<unknown>, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A benchmark's bad arguments: the runner prints the message alone. */
export class BenchArgumentError extends Error {}

/**
 * The value of `--NAME=N` among a benchmark's arguments (a whole number, at least `min`), or
 * `fallback`. @throws BenchArgumentError on any other value.
 */
export function intArg(args: readonly string[], name: string, fallback: number, min = 1): number {
  const prefix = `--${name}=`;
  const raw = args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new BenchArgumentError(`${prefix}${raw}: expected a whole number of at least ${min}`);
  return Number(raw);
}

const stopOnSignal = new Set<() => Promise<unknown>>();
let signalled = false;

/** True once SIGINT or SIGTERM arrived: what fails from then on fails because of the stop. */
export function interrupted(): boolean {
  return signalled;
}

/**
 * Registers `stop` to run if the run is interrupted (SIGINT, SIGTERM) before the benchmark's own
 * cleanup: its processes may be in their own process group (the Temporal dev server), which a
 * terminal's Ctrl-C does not reach, and none of them gets a signal sent to the bench alone.
 * Returns the function that unregisters it.
 */
export function stopIfInterrupted(stop: () => Promise<unknown>): () => void {
  stopOnSignal.add(stop);
  return () => stopOnSignal.delete(stop);
}

/**
 * On SIGINT or SIGTERM, runs every registered stop one after the other, the last registered
 * first (a temporary directory goes after the servers that use it), then exits with 128 + the
 * signal's number. A second signal during the stops exits at once; an error thrown meanwhile by
 * work still in flight is printed and does not stop them.
 */
export function exitOnSignals(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      signalled = true;
      // What was in flight fails as its servers go (a client's retry on a closed channel throws
      // from a timer): the stops go on regardless.
      process.on('uncaughtException', (err) => process.stderr.write(`while stopping: ${err.message}\n`));
      void (async () => {
        for (const stop of [...stopOnSignal].reverse()) await stop().catch(() => undefined);
        process.exit(code);
      })();
    });
  }
}

/**
 * A benchmark's cleanups: `push` each one right after what it undoes is started; `run()` runs
 * them once, the last pushed first, each failure ignored. Also run when the run is interrupted
 * (stopIfInterrupted); a run already under way is shared, not started twice.
 */
export interface Cleanups {
  push(cleanup: () => Promise<unknown>): void;
  run(): Promise<void>;
}

export function cleanupStack(): Cleanups {
  const stack: (() => Promise<unknown>)[] = [];
  let running: Promise<void> | null = null;
  const runAll = (): Promise<void> =>
    (running ??= (async () => {
      while (stack.length > 0) await stack.pop()!().catch(() => undefined);
    })());
  const unregister = stopIfInterrupted(runAll);
  return {
    push: (cleanup) => void stack.push(cleanup),
    async run() {
      await runAll();
      unregister();
    },
  };
}

/**
 * A fresh directory under the system's temporary one (mode 0755, so a database server run as
 * another user can use it), removed by `remove()` or when the run is interrupted.
 */
export function benchTempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  const unregister = stopIfInterrupted(async () => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    remove() {
      unregister();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
