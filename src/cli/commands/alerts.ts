import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { CHANNEL_NAMES, configuredChannel, configuredChannels, type ChannelName } from '../../alerts/channel';
import { listPriceChanges } from '../../alerts/changes';
import { alertHistory, clearBroken } from '../../alerts/log';
import {
  addRule,
  applyRules,
  describeRule,
  listRules,
  removeRules,
  ruleInputOf,
  setPaused,
  type RuleInput,
} from '../../alerts/rules/store';
import { ruleSpecSchema, type RuleSpec } from '../../alerts/rules/types';
import { sendTestAlert } from '../../alerts/sample';
import { EVENT_FORMS_HELP, EventRefError, resolveEventRef } from '../../catalog/event-ref';
import type { Db } from '../../db/pool';
import { MARKETPLACE_NAMES } from '../../domain/listing';
import { basisLabel } from '../../domain/price-basis';
import { basisOption } from '../../domain/query-options';
import type { CliContext } from '../context';
import { printObject, printRows, UsageError } from '../output';
import { writeOut } from '../io';
import { parseOptions } from '../parse';
import { basisFlag, describeEvent } from './analytics';

const json = z.boolean().optional();
const days = (def: number) =>
  z.coerce.number({ error: 'must be a number' }).positive('must be positive').max(3660, 'must be at most 3660').default(def);

const RULES_HELP = `
Conditions: below PRICE | drop PERCENT [over N h] | rise PERCENT [over N h] | new-low | sold-out |
            back-in-stock | cheaper-elsewhere PERCENT | N together under TOTAL
"N together under TOTAL": the cheapest TOTAL for N seats together (from one listing), across the
latest listings of every marketplace (or of --marketplace), at or under TOTAL; N is any whole number from 1.
Basis: every figure a rule reads and its alerts show is all-in (what the buyer pays, every mandatory
fee included; the default) or base (before fees): --basis, or "basis:" in a rules file. Rules made
before price bases keep base. cheaper-elsewhere compares marketplaces on the rule's basis only.
A rule fires once, then re-arms when its condition has cleared (prices 2 % past the threshold,
percents 1 point under it) or after its cooldown (default 1440 minutes; "none" = only when cleared).
Channels: ${CHANNEL_NAMES.join(', ')} (set up by DISCORD_WEBHOOK_URL, SLACK_WEBHOOK_URL, ALERT_WEBHOOK_URL, SMTP_URL + ALERT_EMAIL_TO).

Examples:
  ticket-tracker alerts add knicks-drop --event ${MARKETPLACE_NAMES[0]}:150337015 --condition "drop 10%" --channels discord,email
  ticket-tracker alerts add floor-under-200 --event 12 --zone Floor --quantity 2 --condition "below 200" --channels slack
  ticket-tracker alerts add any-new-low --condition new-low --marketplace ${MARKETPLACE_NAMES[1]} --channels webhook
  ticket-tracker alerts add pair-under-500 --event 12 --condition "2 together under 500" --channels discord
  ticket-tracker alerts add base-drop --condition "drop 10%" --basis base --channels slack
  ticket-tracker alerts apply alerts.yaml        # the file's rules become the rules (by name)
  ticket-tracker alerts history --days 7
  ticket-tracker alerts test discord             # sends a sample and prints the channel's answer`;

/** The rule's EVENT as an internal id (null for "all"); a bad reference is a usage error naming `where`. */
async function eventIdOf(db: Db, ref: string, where: string): Promise<number | null> {
  if (ref.toLowerCase() === 'all') return null;
  try {
    return (await resolveEventRef(db, ref)).id;
  } catch (err) {
    if (err instanceof EventRefError) throw new UsageError(`${where}: ${err.message}`);
    throw err;
  }
}

/** Channels must be names the product knows; one not configured here is said on stderr (the worker's settings may differ). */
function checkChannels(ctx: CliContext, channels: string[], where: string): void {
  const unknown = channels.filter((c) => !(CHANNEL_NAMES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new UsageError(`${where}: unknown channel ${unknown.join(', ')} (channels: ${CHANNEL_NAMES.join(', ')})`);
  let configured: string[];
  try {
    configured = configuredChannels(ctx.getEnv()).map((c) => c.name);
  } catch (err) {
    throw new UsageError(`alert channel settings: ${(err as Error).message}`);
  }
  const missing = channels.filter((c) => !configured.includes(c));
  if (missing.length > 0)
    process.stderr.write(
      `warning: ${where}: channel ${missing.join(', ')} is not configured here; deliveries to it are logged as skipped until it is\n`,
    );
}

/**
 * Reads a rules file (YAML or JSON: `rules: [...]`): the rules that are valid, each with its
 * index, and every mistake of the file, each with its line or field path (`rules.1.channels:
 * unknown channel pager`, a name used twice), so that one run can report them all. Throws
 * UsageError only when the file cannot be read or is not YAML/JSON.
 */
export async function readRulesFile(file: string): Promise<{ rules: { index: number; spec: RuleSpec }[]; mistakes: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new UsageError(`${file}: ${doc.errors.map((e) => e.message.split('\n')[0]).join('; ')}`);
  const where = (path: PropertyKey[]): string => (path.length ? path.map(String).join('.') : 'file');
  const top = z
    .object({ rules: z.array(z.unknown()) })
    .strict()
    .safeParse(doc.toJS());
  if (!top.success) return { rules: [], mistakes: top.error.issues.map((i) => `${where(i.path)}: ${i.message}`) };
  const rules: { index: number; spec: RuleSpec }[] = [];
  const mistakes: string[] = [];
  const seen = new Map<string, number>();
  top.data.rules.forEach((item, index) => {
    const parsed = ruleSpecSchema.safeParse(item);
    const name = z.object({ name: z.string().trim().min(1) }).safeParse(item);
    // The rule's name beside its index, so a mistake in a long file is found by either.
    const rule = name.success ? ` (rule "${name.data.name}")` : '';
    if (parsed.success) rules.push({ index, spec: parsed.data });
    else mistakes.push(...parsed.error.issues.map((i) => `${where(['rules', index, ...i.path])}: ${i.message}${rule}`));
    // A name used twice is a mistake whatever else is wrong with either rule.
    if (!name.success) return;
    const before = seen.get(name.data.name);
    if (before !== undefined) mistakes.push(`rules.${index}.name: "${name.data.name}" is also rules.${before}.name`);
    else seen.set(name.data.name, index);
  });
  return { rules, mistakes };
}

/** Orders "rules.N.field: ..." messages by N (file-level ones first). */
function byRuleIndex(a: string, b: string): number {
  const n = (m: string): number => Number(/^rules\.(\d+)\./.exec(m)?.[1] ?? -1);
  return n(a) - n(b);
}

export function registerAlertsCommands(program: Command, ctx: CliContext): void {
  program
    .command('changes')
    .description('price and availability changes of EVENT between consecutive scrapes, per zone and group size')
    .argument('<event>', EVENT_FORMS_HELP)
    .option('--days <n>', 'how far back', '7')
    .option('--min-percent <p>', 'only price moves of at least this many percent (either way)')
    .addOption(basisFlag())
    .option('--json', 'print JSON')
    .action(async (ref: string, raw: unknown) => {
      const o = parseOptions(
        z.object({
          days: days(7),
          minPercent: z.coerce.number({ error: 'must be a number' }).min(0, 'must be at least 0').optional(),
          basis: basisOption,
          json,
        }),
        raw,
      );
      const db = await ctx.getDb();
      let event;
      try {
        event = await resolveEventRef(db, ref);
      } catch (err) {
        if (err instanceof EventRefError) throw new UsageError(`EVENT: ${err.message}`);
        throw err;
      }
      if (!o.json) writeOut(`${describeEvent(event)}\nprices ${basisLabel(o.basis)}\n\n`);
      const rows = await listPriceChanges(db, { eventId: event.id, days: o.days, minPercent: o.minPercent, basis: o.basis });
      const b = basisLabel(o.basis);
      printRows(
        rows,
        [
          { header: 'captured', value: (r) => new Date(r.capturedAt) },
          { header: 'marketplace', value: (r) => r.marketplace },
          { header: 'zone', value: (r) => r.zone },
          { header: 'qty', value: (r) => r.quantity },
          { header: `from ${b}`, value: (r) => r.fromPrice, align: 'right' },
          { header: `to ${b}`, value: (r) => r.toPrice, align: 'right' },
          { header: 'change %', value: (r) => r.percent, align: 'right' },
          { header: 'tickets', value: (r) => `${r.fromTickets ?? '?'} -> ${r.toTickets ?? '?'}` },
          { header: 'listings', value: (r) => `${r.fromListings ?? '?'} -> ${r.toListings ?? '?'}` },
          { header: 'cur', value: (r) => r.currency },
        ],
        o,
      );
    });

  const alerts = program
    .command('alerts')
    .description('price alert rules, their deliveries and the notification log')
    .addHelpText('after', RULES_HELP);

  alerts
    .command('list')
    .description('the rules: scope, condition, basis, channels, cooldown, paused')
    .option('--json', 'print JSON')
    .action(async (raw: unknown) => {
      const o = parseOptions(z.object({ json }), raw);
      const rules = await listRules(await ctx.getDb());
      printRows(
        rules,
        [
          { header: 'name', value: (r) => r.name },
          { header: 'scope', value: (r) => describeRule(r).scope },
          { header: 'condition', value: (r) => describeRule(r).condition },
          { header: 'basis', value: (r) => describeRule(r).basis },
          { header: 'channels', value: (r) => r.channels.join(',') },
          { header: 'cooldown', value: (r) => (r.cooldownMinutes === null ? 'none' : `${r.cooldownMinutes} min`) },
          { header: 'paused', value: (r) => (r.paused ? 'paused' : '') },
        ],
        o,
      );
    });

  alerts
    .command('add')
    .description('add a rule')
    .argument('<name>', 'a unique name for the rule')
    .requiredOption(
      '--condition <condition>',
      'e.g. "drop 10%", "drop 15% over 24h", "below 120", new-low, sold-out, "2 together under 500"',
    )
    .requiredOption('--channels <list>', `comma-separated: ${CHANNEL_NAMES.join(', ')}`)
    .option('--event <event>', `"all" (every tracked event) or ${EVENT_FORMS_HELP}`, 'all')
    .option('--marketplace <marketplace>', `${MARKETPLACE_NAMES.join(', ')} or any`, 'any')
    .option('--zone <zone>', 'a zone as the marketplace names it, or ALL for the whole event', 'ALL')
    .option('--quantity <n>', 'tickets together: 1 (default), 2 or 4 (a together condition names its own)')
    .option('--basis <basis>', 'price basis: all-in (what the buyer pays, every mandatory fee included; default) or base (before fees)')
    .option('--cooldown <minutes>', 'fire again after this long even if the condition never cleared ("none": only once cleared)', '1440')
    .option('--paused', 'add it paused')
    .option('--json', 'print JSON')
    .addHelpText('after', RULES_HELP)
    .action(async (name: string, raw: Record<string, unknown>) => {
      const { json: asJson, ...fields } = raw;
      const spec = parseOptions(ruleSpecSchema, { name, ...fields, paused: fields.paused === true });
      checkChannels(ctx, spec.channels, '--channels');
      const db = await ctx.getDb();
      const rule = await addRule(db, ruleInputOf(spec, await eventIdOf(db, spec.event, '--event'))).catch((err: unknown) => {
        throw /exists already/.test((err as Error).message) ? new UsageError((err as Error).message) : err;
      });
      printObject({ added: rule.name, id: rule.id, ...describeRule(rule), channels: rule.channels.join(',') }, { json: asJson === true });
    });

  alerts
    .command('remove')
    .description('remove rules (their past alerts stay in the log)')
    .argument('<names...>', 'rule names')
    .action(async (names: string[]) => {
      const missing = await removeRules(await ctx.getDb(), names);
      if (missing.length > 0)
        throw new UsageError(`no rule named ${missing.map((n) => `"${n}"`).join(', ')} (see alerts list); nothing changed`);
      writeOut(`removed ${names.join(', ')}\n`);
    });

  for (const [verb, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    alerts
      .command(verb)
      .description(paused ? 'stop evaluating rules until resumed' : 'evaluate paused rules again')
      .argument('<names...>', 'rule names')
      .action(async (names: string[]) => {
        const missing = await setPaused(await ctx.getDb(), names, paused);
        if (missing.length > 0)
          throw new UsageError(`no rule named ${missing.map((n) => `"${n}"`).join(', ')} (see alerts list); nothing changed`);
        writeOut(`${paused ? 'paused' : 'resumed'} ${names.join(', ')}\n`);
      });
  }

  alerts
    .command('apply')
    .description('make the rules exactly those of FILE (YAML or JSON), matched by name: added, changed, removed; twice = no change')
    .argument(
      '<file>',
      'a rules file: `rules:` then a list of {name, event, marketplace, zone, quantity, condition, basis, channels, cooldown, paused}',
    )
    .option('--json', 'print JSON')
    .action(async (file: string, raw: unknown) => {
      const o = parseOptions(z.object({ json }), raw);
      const { rules, mistakes } = await readRulesFile(file);
      const db = await ctx.getDb();
      const inputs: RuleInput[] = [];
      for (const { index, spec } of rules) {
        try {
          inputs.push(ruleInputOf(spec, await eventIdOf(db, spec.event, `rules.${index}.event`)));
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          mistakes.push(err.message);
        }
      }
      // Every mistake of the file in one run, in the file's order; nothing changes then.
      if (mistakes.length > 0) throw new UsageError(`${file}: ${mistakes.sort(byRuleIndex).join('; ')}`);
      for (const { index, spec } of rules) checkChannels(ctx, spec.channels, `${file}: rules.${index}.channels`);
      const report = await applyRules(db, inputs);
      if (o.json) printObject({ ...report }, o);
      else
        writeOut(
          `${file}: ${report.added.length} added, ${report.changed.length} changed, ${report.unchanged.length} unchanged, ${report.removed.length} removed\n` +
            [...report.added.map((n) => `  + ${n}`), ...report.changed.map((n) => `  ~ ${n}`), ...report.removed.map((n) => `  - ${n}`)]
              .map((l) => `${l}\n`)
              .join(''),
        );
    });

  alerts
    .command('history')
    .description('the notification log: each alert with its rule, scrape and every delivery attempt')
    .option('--days <n>', 'how far back', '7')
    .option('--json', 'print JSON')
    .action(async (raw: unknown) => {
      const o = parseOptions(z.object({ days: days(7), json }), raw);
      const rows = await alertHistory(await ctx.getDb(), { days: o.days });
      const flat = rows.flatMap((a) =>
        (a.deliveries.length > 0 ? a.deliveries : [null]).map((d, i) => ({
          alert: i === 0 ? a : null,
          d,
        })),
      );
      if (o.json) {
        printRows(rows, [], o);
        return;
      }
      printRows(
        flat,
        [
          { header: 'id', value: (r) => r.alert?.id ?? '' },
          { header: 'when', value: (r) => (r.alert ? new Date(r.alert.triggeredAt) : '') },
          { header: 'rule', value: (r) => (r.alert ? (r.alert.rule ?? r.alert.kind) : '') },
          { header: 'alert', value: (r) => (r.alert ? r.alert.message.split('\n')[0]!.slice(0, 70) : '') },
          { header: 'channel', value: (r) => r.d?.channel ?? '(none yet)' },
          { header: 'try', value: (r) => r.d?.attempt ?? '' },
          { header: 'outcome', value: (r) => r.d?.outcome ?? '' },
          { header: 'detail', value: (r) => (r.d?.detail ?? '').replace(/\s+/g, ' ').slice(0, 60) },
        ],
        o,
      );
    });

  alerts
    .command('test')
    .description("send a sample alert through CHANNEL and print the channel's answer (clears its broken mark when accepted)")
    .argument('<channel>', CHANNEL_NAMES.join(' | '))
    .option('--json', 'print JSON')
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(z.object({ json }), raw);
      if (!(CHANNEL_NAMES as readonly string[]).includes(name))
        throw new UsageError(`CHANNEL: "${name}" is not one of ${CHANNEL_NAMES.join(', ')}`);
      let channel;
      try {
        channel = configuredChannel(name as ChannelName, ctx.getEnv());
      } catch (err) {
        throw new UsageError(`alert channel settings: ${(err as Error).message}`);
      }
      if (!channel) throw new UsageError(`CHANNEL: ${name} is not configured (see \`ticket-tracker config\`, group Alerts)`);
      const outcome = await sendTestAlert(channel);
      let cleared = false;
      if (outcome.status === 'delivered') cleared = await clearBroken(await ctx.getDb(), name).catch(() => false);
      printObject({ channel: name, target: channel.target, ...outcome, ...(cleared ? { 'broken mark': 'cleared' } : {}) }, o);
      // main() resolves to the exit status (it overrides process.exitCode): a failure is thrown, exit 1.
      if (outcome.status !== 'delivered') throw new Error(`${name} did not accept the sample alert (${outcome.status})`);
    });
}
