/** The chaos run's table, and the goals it is held to (pure). */
import type { ChaosReport } from './run';

/** Goals of issue 16; the ones not met, each as a sentence (empty when all hold). */
export function goalsMet(r: ChaosReport): string[] {
  const failed: string[] = [];
  if (r.scrapes_missing > 0) failed.push(`${r.scrapes_missing} scrape(s) of healthy marketplaces missing`);
  if (r.scrapes_duplicated > 0 || r.listings_duplicated > 0)
    failed.push(`${r.scrapes_duplicated} scrape(s) and ${r.listings_duplicated} listing row(s) duplicated`);
  if (r.max_rate_ratio > 1.05) failed.push(`max_rate_ratio ${r.max_rate_ratio} > 1.05`);
  if (r.processes_left > 0) failed.push(`${r.processes_left} process(es) left`);
  if (r.cycles_failed > 0) failed.push(`${r.cycles_failed} cycle(s) failed`);
  if (r.upgrade_drills < 1) failed.push('no upgrade drill ran');
  if (r.nondeterminism_errors > 0) failed.push(`${r.nondeterminism_errors} non-determinism error(s)`);
  if (r.max_cycle_gap_ratio !== null && r.max_cycle_gap_ratio > 1) failed.push(`max_cycle_gap_ratio ${r.max_cycle_gap_ratio} > 1`);
  if (r.upgrade && r.upgrade.step_mismatches > 0)
    failed.push(`${r.upgrade.step_mismatches} scrape(s) ran code of another build than the one they were pinned to`);
  return failed;
}

/** The report as a table for people. */
export function formatReport(r: ChaosReport): string {
  const rows: [string, string][] = [
    ['seed', String(r.seed)],
    ['catalog', `${r.events} events x ${r.marketplaces} marketplaces`],
    ['duration', `${r.duration_s} s`],
    ['faults injected', String(r.faults_injected)],
    ['cycles completed', `${r.cycles} (${r.cycles_failed} failed)`],
    ['scrapes expected', String(r.scrapes_expected)],
    ['scrapes stored', String(r.scrapes_stored)],
    ['missing (healthy)', String(r.scrapes_missing)],
    ['missing (faulted mkt)', String(r.scrapes_missing_faulted)],
    ['duplicated', `${r.scrapes_duplicated} scrapes, ${r.listings_duplicated} listing rows`],
    ['listings stored+rejected/served', `${r.listings_stored} + ${r.listings_rejected} / ${r.listings_served} (scrapes of listings)`],
    [`max rate ratio (${r.rate_window_ms} ms)`, String(r.max_rate_ratio)],
    ...Object.entries(r.rates).map(([m, x]): [string, string] => [
      `  ${m}`,
      `${x.maxInWindow} in a window, ${x.allowed} allowed (${x.ratio})`,
    ]),
    ['recovery max', r.recovery_s_max === null ? '-' : `${r.recovery_s_max} s`],
    ['upgrade drills', String(r.upgrade_drills)],
    ['non-determinism errors', String(r.nondeterminism_errors)],
    ['max cycle gap / sleep bound', r.max_cycle_gap_ratio === null ? '-' : String(r.max_cycle_gap_ratio)],
    ...(r.upgrade
      ? ([
          ['  old build drained in', `${r.upgrade.drain_s} s`],
          ['  scrapes on old / new build', `${r.upgrade.scrapes_on_old_build} / ${r.upgrade.scrapes_on_new_build}`],
          ['  step mismatches', String(r.upgrade.step_mismatches)],
        ] as [string, string][])
      : []),
    ['processes left', String(r.processes_left)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  lines.push('', 'faults:');
  for (const f of r.faults)
    lines.push(`  ${f.at}  ${f.step}${f.recovery_s === null ? '' : `  (recovered in ${f.recovery_s.toFixed(1)} s)`}`);
  const failed = goalsMet(r);
  lines.push('', failed.length === 0 ? 'goals met' : `goals NOT met: ${failed.join('; ')}`);
  if (r.examples.length) lines.push('examples:', ...r.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}
