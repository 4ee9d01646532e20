import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { descriptorOf } from '../marketplaces/registry';
import { resolveTimeZone } from '../domain/local-time';
import { ENV_VARS, envSchema, MARKETPLACES, SECRET_VARS, type Env, type EnvVarName, type Marketplace } from './schema';
import { registerSecret } from './redact';
import { channelSettingsProblems } from '../alerts/channels/registry';

export { ENV_VARS, MARKETPLACES, type Env, type Marketplace };

/** Raised for any invalid setting: one message that names every bad variable and why. */
export class ConfigError extends Error {
  readonly problems: { variable: string; reason: string }[];
  constructor(problems: { variable: string; reason: string }[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads `.env` from `cwd` (when present) under the real environment: a variable set in the
 * environment always wins over the file, as with dotenv's defaults.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Record<string, string | undefined> {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

const emptyToUndefined = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);

/** Parses and checks the environment; TEMPORAL_ADDRESS defaults to `127.0.0.1:<TEMPORAL_PORT>`. Throws ConfigError naming every bad variable. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const known: Record<string, string | undefined> = {};
  for (const name of Object.keys(ENV_VARS)) known[name] = raw[name];
  const result = envSchema.safeParse(known);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      reason: issue.message,
    }));
    throw new ConfigError(problems);
  }
  const parsed = result.data;
  // Unset TEMPORAL_ADDRESS means the dev server `ticket-tracker dev` starts on TEMPORAL_PORT: every
  // command (worker, CLI, top, dashboard) reads env.TEMPORAL_ADDRESS, so they all derive it here alike.
  if (emptyToUndefined(known.TEMPORAL_ADDRESS) === undefined) parsed.TEMPORAL_ADDRESS = `127.0.0.1:${parsed.TEMPORAL_PORT}`;
  const problems: { variable: string; reason: string }[] = [];
  if (parsed.MIN_RANDOM_FACTOR > parsed.MAX_RANDOM_FACTOR) {
    problems.push({ variable: 'MIN_RANDOM_FACTOR', reason: `must not exceed MAX_RANDOM_FACTOR (${parsed.MAX_RANDOM_FACTOR})` });
  }
  if (parsed.REQUEST_DELAY_MIN_MS > parsed.REQUEST_DELAY_MAX_MS) {
    problems.push({ variable: 'REQUEST_DELAY_MIN_MS', reason: `must not exceed REQUEST_DELAY_MAX_MS (${parsed.REQUEST_DELAY_MAX_MS})` });
  }
  for (const m of parsed.MARKETPLACES) {
    if (!(MARKETPLACES as readonly string[]).includes(m)) {
      problems.push({ variable: 'MARKETPLACES', reason: `unknown marketplace "${m}" (known: ${MARKETPLACES.join(', ')})` });
    }
  }
  problems.push(...channelSettingsProblems(parsed));
  if (parsed.DEFAULT_EVENT_TIMEZONE !== undefined) {
    const zone = resolveTimeZone(parsed.DEFAULT_EVENT_TIMEZONE);
    if (!zone.ok) {
      problems.push({ variable: 'DEFAULT_EVENT_TIMEZONE', reason: `${zone.reason} (use an IANA name such as America/New_York)` });
    } else {
      parsed.DEFAULT_EVENT_TIMEZONE = zone.zone;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  for (const name of SECRET_VARS) registerSecretValue(parsed[name]);
  return parsed;
}

/** Path segments of a secret URL at least this long are tokens (a Discord webhook token is 68). */
const MIN_TOKEN_SEGMENT = 16;

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function registerSecretValue(value: unknown): void {
  if (typeof value === 'string') {
    registerSecret(value);
    // A URL's password is a secret on its own too (it may be logged as part of another URL).
    if (URL.canParse(value)) {
      const u = new URL(value);
      if (u.password) registerSecret(decodeURIComponent(u.password));
      // A webhook URL's secret is its path (Discord's /api/webhooks/ID/TOKEN, Slack's
      // /services/T/B/TOKEN, a generic hook's token): a receiver that repeats the path it does not
      // know, or a proxy's error, shows it without the host. Its long segments (tokens; ordinary
      // words are shorter) are masked wherever they appear, as sent and decoded.
      if (u.protocol === 'http:' || u.protocol === 'https:') {
        for (const segment of u.pathname.split('/')) {
          if (segment.length < MIN_TOKEN_SEGMENT) continue;
          registerSecret(segment);
          registerSecret(safeDecode(segment));
        }
      }
    }
  } else if (Array.isArray(value)) {
    for (const v of value) registerSecretValue(v);
  }
}

/** Loads and validates the configuration: environment over `.env`. Throws ConfigError. */
export function loadEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Env {
  return parseEnv(readEnvironment(env, cwd));
}

/** The configuration as printable pairs, every secret masked. */
export function describeEnv(env: Env): { variable: EnvVarName; value: string }[] {
  return (Object.keys(ENV_VARS) as EnvVarName[]).map((name) => {
    const value = env[name];
    const shown = value === undefined ? '' : Array.isArray(value) ? value.join(',') : String(value);
    return { variable: name, value: ENV_VARS[name].secret && shown !== '' ? maskSecret(name, shown) : shown };
  });
}

function maskSecret(name: EnvVarName, value: string): string {
  if (name === 'DATABASE_URL' && URL.canParse(value)) {
    const u = new URL(value);
    if (u.password) u.password = '***';
    return u.toString();
  }
  return '***';
}

/** Marketplaces the configuration enables: the explicit list, or every one with what it needs. */
export function enabledMarketplaces(env: Env): { enabled: Marketplace[]; disabled: { marketplace: Marketplace; reason: string }[] } {
  const wanted: Marketplace[] = env.MARKETPLACES.length > 0 ? (env.MARKETPLACES as Marketplace[]) : [...MARKETPLACES];
  const enabled: Marketplace[] = [];
  const disabled: { marketplace: Marketplace; reason: string }[] = [];
  for (const m of wanted) {
    const missing = env.MOCK_MARKETPLACE ? undefined : missingCredential(env, m);
    if (missing) disabled.push({ marketplace: m, reason: missing });
    else enabled.push(m);
  }
  return { enabled, disabled };
}

function missingCredential(env: Env, m: Marketplace): string | undefined {
  return descriptorOf(m).credentialProblem((name) => settingOf(env, name));
}

/** A setting by name (marketplace descriptors name their settings as data). */
export function settingOf(env: Env, name: string): unknown {
  return (env as unknown as Record<string, unknown>)[name];
}
