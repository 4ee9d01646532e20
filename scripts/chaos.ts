/**
 * `npm run chaos [-- --json] [--short] [--minutes N] [--events N] [--seed S] [--keep]`: the fault
 * suite. Runs the real stack as separate processes (Temporal dev server on its SQLite file, an
 * embedded PostgreSQL, the mock marketplace, two workers), runs cycles one after another over a
 * catalog of N events on the four marketplaces, kills and restarts workers, stops PostgreSQL,
 * restarts the Temporal server and injects marketplace faults at seeded random points, then
 * counts from the database and the mock's request log what was stored, missing or doubled.
 * Loopback only; stops by itself; kills everything it started, also on Ctrl-C or its own failure.
 * Exit status: 0 when the goals hold (0 missing among healthy marketplaces, 0 duplicated, rate
 * ratio <= 1.05, 0 processes left), 1 when one does not, 2 on bad usage.
 */
import { z } from 'zod';
import { ChaosRun, type ChaosReport } from './chaos/run';
import { formatReport, goalsMet } from './chaos/report';

const argsSchema = z.object({
  json: z.boolean(),
  short: z.boolean(),
  keep: z.boolean(),
  minutes: z.coerce.number().positive().max(120),
  events: z.coerce.number().int().min(1).max(500),
  seed: z.coerce.number().int().min(0),
});

function parseArgs(argv: string[]): z.infer<typeof argsSchema> {
  const raw: Record<string, string | boolean> = { json: false, short: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--(json|short|keep|minutes|events|seed)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument "${a}" (expected --json, --short, --keep, --minutes N, --events N, --seed S)`);
    const name = m[1]!;
    if (name === 'json' || name === 'short' || name === 'keep') raw[name] = true;
    else {
      const v = m[2] ?? argv[++i];
      if (v === undefined) throw new Error(`--${name} needs a value`);
      raw[name] = v;
    }
  }
  const short = raw.short === true;
  const parsed = argsSchema.safeParse({ minutes: short ? 4 : 25, events: short ? 12 : 50, seed: 1, ...raw });
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

async function main(): Promise<number> {
  let args: z.infer<typeof argsSchema>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`chaos: ${(err as Error).message}\n`);
    return 2;
  }
  const run = new ChaosRun({ ...args, log: (line) => process.stderr.write(line + '\n') });
  // Whatever happens, no process of the run outlives this one.
  process.once('exit', () => run.procs.killAllSync());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`chaos: ${signal}: stopping everything it started\n`);
      run.requestStop();
      void run.stopAll().finally(() => {
        run.cleanup(args.keep);
        process.exit(130);
      });
    });
  }
  let report: ChaosReport;
  try {
    report = await run.run();
  } catch (err) {
    process.stderr.write(`chaos: failed: ${(err as Error).stack ?? String(err)}\n(logs kept in ${run.dir})\n`);
    await run.stopAll();
    return 1;
  }
  run.cleanup(args.keep);
  process.stdout.write(args.json ? JSON.stringify(report) + '\n' : formatReport(report));
  return goalsMet(report).length === 0 ? 0 : 1;
}

void main().then((code) => process.exit(code));
