/**
 * `npm run bench [-- NAME ...] [--json]`: runs the named benchmarks (all when none is named),
 * printing each one's figures as a table; with --json the last line is one JSON object of the
 * figures (keyed by benchmark when more than one ran).
 */
import { renderTable } from '../src/cli/output';
import { BenchArgumentError, exitOnSignals, interrupted, intArg, type Benchmark, type Figures, type LayoutFigure } from './harness';

import { benchmark as alerts } from './alerts';
import { benchmark as config } from './config';
import { benchmark as cycle } from './cycle';
import { benchmark as floor } from './floor';
import { benchmark as parse } from './parse';
import { benchmark as sync } from './sync';
import { benchmark as ingest } from './ingest';
import { benchmark as query } from './query';
import { benchmark as dashboard } from './dashboard';
import { benchmark as storage } from './storage';

// Each benchmark lives in its own file; add one line here per file.
const BENCHMARKS: Record<string, Benchmark> = {
  alerts,
  config,
  cycle,
  floor,
  parse,
  sync,
  ingest,
  query,
  dashboard,
  storage,
};

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const names = argv.filter((a) => !a.startsWith('--'));
  const chosen = names.length > 0 ? names : Object.keys(BENCHMARKS);
  for (const n of chosen) {
    if (!BENCHMARKS[n]) {
      process.stderr.write(`unknown benchmark "${n}"; known: ${Object.keys(BENCHMARKS).join(', ') || '(none)'}\n`);
      return 2;
    }
  }
  // Before anything runs: a misspelt knob would otherwise run the whole bench with its default.
  const flags = new Map<string, number>();
  for (const n of chosen)
    for (const [flag, min] of Object.entries(BENCHMARKS[n]!.flags ?? {})) flags.set(flag, Math.max(min, flags.get(flag) ?? min));
  for (const arg of argv.filter((a) => a.startsWith('--') && a !== '--json')) {
    const flag = /^--([a-z-]+)=/.exec(arg)?.[1];
    const min = flag === undefined ? undefined : flags.get(flag);
    if (min === undefined) {
      const known = [...flags.keys()].map((f) => `--${f}=N`).join(', ');
      process.stderr.write(`unknown argument "${arg}" for ${chosen.join(', ')}; known: ${known || 'none'} and --json\n`);
      return 2;
    }
    intArg([arg], flag!, 0, min); // throws BenchArgumentError: one line, exit 2
  }
  const all: Record<string, Figures> = {};
  for (const n of chosen) {
    const bench = BENCHMARKS[n]!;
    process.stdout.write(`\n== ${bench.name}: ${bench.description}\n`);
    const figures = await bench.run(argv.filter((a) => a !== '--json' && a !== n));
    all[n] = figures;
    const sideBySide = Object.values(figures).some((v) => typeof v === 'object');
    const cell = (v: Figures[string], layout?: keyof LayoutFigure): string | number | null =>
      typeof v === 'object' ? (layout ? v[layout] : null) : layout === 'timescaledb' ? null : v;
    process.stdout.write(
      renderTable(
        Object.entries(figures),
        sideBySide
          ? [
              { header: 'figure', value: ([k]) => k },
              { header: 'plain', value: ([, v]) => cell(v, 'plain'), align: 'right' },
              { header: 'timescaledb', value: ([, v]) => cell(v, 'timescaledb'), align: 'right' },
            ]
          : [
              { header: 'figure', value: ([k]) => k },
              { header: 'value', value: ([, v]) => cell(v), align: 'right' },
            ],
      ) + '\n',
    );
  }
  if (json) process.stdout.write(JSON.stringify(chosen.length === 1 ? all[chosen[0]!] : all) + '\n');
  return 0;
}

exitOnSignals();
// Once interrupted, the signal's handler finishes the stops and exits with 128 + the signal.
main(process.argv.slice(2)).then(
  (code) => interrupted() || process.exit(code),
  (err: unknown) => {
    if (interrupted()) return;
    if (err instanceof BenchArgumentError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
