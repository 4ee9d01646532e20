/**
 * The command names of the Python tracker this project grew from (its README's `python cli.py
 * ...`), accepted as aliases so its users' habits and scripts keep working. Each maps to one of
 * our commands; options with the same meaning pass through unchanged.
 */
export interface SeedAlias {
  /** The seed's command name. */
  name: string;
  /** Its usage as the seed wrote it. */
  usage: string;
  /** Our command it runs. */
  command: readonly string[];
  /** Rewrites the seed's options into ours, when they differ. */
  options?: (rest: readonly string[]) => string[];
}

/**
 * `cleanup-untracked-events` is a dry run by default; `--no-dry-run` marks the events untracked and
 * `--no-dry-run --delete` deletes them with their data (the seed asks no confirmation, so the
 * alias adds our `--yes`); `--delete` alone stays a dry run, as in the seed.
 */
function cleanupOptions(rest: readonly string[]): string[] {
  const apply = rest.includes('--no-dry-run');
  const del = rest.includes('--delete');
  const others = rest.filter((a) => a !== '--no-dry-run' && a !== '--delete');
  if (apply && del) return ['--delete', '--yes', ...others];
  if (apply) return ['--apply', ...others];
  return others;
}

export const SEED_ALIASES: readonly SeedAlias[] = [
  { name: 'init-db', usage: 'init-db', command: ['db', 'migrate'] },
  { name: 'fetch-events', usage: 'fetch-events', command: ['events', 'sync'] },
  { name: 'sync-events', usage: 'sync-events', command: ['events', 'sync'] },
  { name: 'show-events', usage: 'show-events', command: ['events', 'list'] },
  {
    name: 'cleanup-untracked-events',
    usage: 'cleanup-untracked-events [--no-dry-run] [--delete]',
    command: ['events', 'cleanup-untracked'],
    options: cleanupOptions,
  },
  { name: 'fetch-listings', usage: 'fetch-listings [ID]', command: ['scrape'] },
  { name: 'show-listings', usage: 'show-listings EVENT', command: ['listings'] },
  { name: 'price-history', usage: 'price-history EVENT --days N --bucket "1 day"', command: ['history'] },
  { name: 'section-prices', usage: 'section-prices EVENT --days N', command: ['sections'] },
  { name: 'start-scheduler', usage: 'start-scheduler --interval-hours H --randomization S', command: ['tracker', 'start'] },
  { name: 'run', usage: 'run', command: ['dev'] },
];

/** argv with a seed command name replaced by our command (and its options translated); else as is. */
export function expandSeedAlias(argv: readonly string[]): string[] {
  const [first, ...rest] = argv;
  const alias = SEED_ALIASES.find((a) => a.name === first);
  if (!alias) return [...argv];
  return [...alias.command, ...(alias.options ? alias.options(rest) : rest)];
}

/** The help section listing the aliases (shown after `ticket-tracker --help`). */
export function seedAliasHelp(): string {
  const width = Math.max(...SEED_ALIASES.map((a) => a.usage.length));
  return [
    '',
    'Aliases (the command names of the Python tracker, for its users):',
    ...SEED_ALIASES.map(
      (a) =>
        `  ${a.usage.padEnd(width)}  = ${a.command.join(' ')}${a.name === 'cleanup-untracked-events' ? ' (--no-dry-run = --apply; with --delete = --delete --yes)' : ''}`,
    ),
  ].join('\n');
}
