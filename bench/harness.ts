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

/** The value of `--NAME=N` among a benchmark's arguments (a whole number), or `fallback`. */
export function intArg(args: readonly string[], name: string, fallback: number): number {
  const prefix = `--${name}=`;
  const raw = args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${prefix}${raw}: expected a whole number`);
  return Number(raw);
}
