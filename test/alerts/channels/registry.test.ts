import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHANNEL_NAMES, CHANNELS, configuredChannels } from '../../../src/alerts/channel';
import { CHANNEL_IO } from '../../../src/alerts/transport';
import { ENV_VARS, parseEnv } from '../../../src/config';

const ROOT = path.resolve(__dirname, '../../..');

/** Every package a module reaches through its relative imports (type-only imports left out: they are erased). */
function packagesReached(entry: string): Map<string, string> {
  const reached = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)) {
      if (m[1]) continue;
      const spec = m[2]!;
      if (!spec.startsWith('.')) {
        if (!reached.has(spec)) reached.set(spec, path.relative(ROOT, file));
        continue;
      }
      const base = path.resolve(path.dirname(file), spec);
      const next = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(f));
      if (next) visit(next);
    }
  };
  visit(entry);
  return reached;
}

describe('alert channels: one registry', () => {
  it("every channel's settings are the configuration's, in group Alerts, with their secret flag", () => {
    for (const c of CHANNELS) {
      for (const s of c.settings) {
        const spec = (ENV_VARS as Record<string, { group: string; secret?: boolean; description: string }>)[s.name];
        assert.ok(spec, `${c.name}: ${s.name} is a setting`);
        assert.equal(spec.group, 'Alerts', s.name);
        assert.equal(spec.secret === true, s.secret, s.name);
        assert.equal(spec.description, s.description, s.name);
      }
    }
    assert.deepEqual([...CHANNEL_NAMES], ['discord', 'slack', 'webhook', 'email']);
  });

  it('with no settings, no channel is set up and none has a problem', () => {
    const env = parseEnv({});
    const deps = { timeoutMs: 1000, now: () => new Date(), io: CHANNEL_IO };
    for (const c of CHANNELS) {
      assert.equal(c.configure(env, deps), null, c.name);
      assert.deepEqual(c.settingsProblems(env), [], c.name);
    }
    assert.deepEqual(configuredChannels(env), []);
  });

  it('a half-configured e-mail names the missing variable', () => {
    const env = { ...parseEnv({}), SMTP_URL: 'smtp://mail.example.com:587' };
    assert.throws(() => configuredChannels(env), /^Error: ALERT_EMAIL_TO: is required when SMTP_URL is set/);
  });

  it('the configuration reaches no network library: the descriptors are pure', () => {
    const reached = packagesReached(path.join(ROOT, 'src/config/index.ts'));
    for (const io of ['undici', 'nodemailer'])
      assert.equal(reached.get(io), undefined, `src/config reaches ${io} through ${reached.get(io)}`);
    assert.equal(packagesReached(path.join(ROOT, 'src/alerts/transport.ts')).has('undici'), true, 'the walk follows imports');
  });
});
