import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { ENV_VARS, SECRET_VARS } from '../../src/config/schema';
import { ensureAptProgram } from '../helpers/apt';
import { fromRoot } from '../../src/config/paths';

// No Docker engine runs here: the compose file is read by a real Compose (Debian's docker-compose,
// whose `config` validates it against the Compose schema and interpolates the variables without an
// engine), and the rest by reading it.
const composeFile = readFileSync(fromRoot('docker-compose.yml'), 'utf8');
const dockerfile = readFileSync(fromRoot('Dockerfile'), 'utf8');
const defaultOf = (name: keyof typeof ENV_VARS): unknown => ENV_VARS[name].schema.parse(undefined);
const serviceSchema = z
  .object({
    image: z.string().optional(),
    build: z.unknown().optional(),
    command: z.array(z.string()).optional(),
    entrypoint: z.array(z.string()).optional(),
    environment: z.record(z.string(), z.string().nullable()).optional(),
    ports: z.array(z.unknown()).optional(),
    depends_on: z.unknown().optional(),
    healthcheck: z
      .object({ test: z.array(z.string()) })
      .passthrough()
      .optional(),
    volumes: z.array(z.unknown()).optional(),
  })
  .passthrough();
const configSchema = z.object({ services: z.record(z.string(), serviceSchema), volumes: z.record(z.string(), z.unknown()).optional() });
type Config = z.infer<typeof configSchema>;
/** The file as written (anchors merged, variables not interpolated). */
const raw = configSchema.parse(parse(composeFile, { merge: true }));

/** Every `${NAME...}` of the file, with what follows the name (":?message", ":-default", ""). */
const variables = [...composeFile.matchAll(/\$\{([A-Z0-9_]+)([^}]*)\}/g)].map((m) => ({ name: m[1]!, rest: m[2]! }));
const required = [...new Set(variables.filter((v) => v.rest.startsWith(':?')).map((v) => v.name))];
const secretLike = (name: string): boolean => /PASSWORD|TOKEN|SECRET|KEY/.test(name) || (SECRET_VARS as readonly string[]).includes(name);

const composeProgram = ensureAptProgram('/usr/bin/docker-compose', 'docker-compose');

/** `docker-compose config` in a folder holding the file and an .env, with these variables. */
function composeConfig(env: Record<string, string>, withEnvFile = true): { code: number; stdout: string; stderr: string } {
  if (!('path' in composeProgram)) throw new Error(composeProgram.skipped);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-compose-'));
  try {
    writeFileSync(path.join(dir, 'docker-compose.yml'), composeFile);
    if (withEnvFile) writeFileSync(path.join(dir, '.env'), 'COMPOSE_PROJECT_NAME=ticket-tracker\n');
    const { PATH, HOME } = process.env;
    const r = spawnSync(composeProgram.path, ['-f', 'docker-compose.yml', 'config'], {
      cwd: dir,
      env: { PATH, HOME, ...env },
      encoding: 'utf8',
    });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const allSet = Object.fromEntries(required.map((n) => [n, n === 'TICKET_TRACKER_VERSION' ? '0.1.0' : `value-of-${n.toLowerCase()}`]));

describe('docker-compose.yml', { skip: 'skipped' in composeProgram ? composeProgram.skipped : false }, () => {
  let config: Config;
  let ownServices: [string, Config['services'][string]][];
  before(() => {
    const r = composeConfig(allSet);
    assert.equal(r.code, 0, r.stderr);
    config = configSchema.parse(parse(r.stdout));
    ownServices = Object.entries(config.services).filter(([, s]) => s.image?.startsWith('ticket-tracker:'));
  });

  it('runs temporalio/server 1.29 or later with its schema from admin-tools of the same version, never auto-setup', () => {
    const images = Object.values(config.services).map((s) => s.image ?? '');
    assert.ok(!images.some((i) => i.includes('auto-setup')), `an auto-setup image: ${images.join(', ')}`);
    const server = images.find((i) => i.startsWith('temporalio/server:'));
    assert.ok(server, 'no temporalio/server service');
    const [major, minor] = server.split(':')[1]!.split('.').map(Number);
    assert.ok(major! > 1 || minor! >= 29, `${server} is older than 1.29`);
    const schema = Object.entries(config.services).find(
      ([, s]) => s.image?.startsWith('temporalio/admin-tools:') && s.command?.some((c) => c.includes('setup-schema')),
    );
    assert.ok(schema, 'no admin-tools service that sets up the schema');
    assert.equal(schema[1].image!.split(':')[1], server.split(':')[1], 'admin-tools and server versions differ');
    const temporal = Object.values(config.services).find((s) => s.image === server)!;
    assert.match(JSON.stringify(temporal.depends_on), new RegExp(`"${schema[0]}":\\{"condition":"service_completed_successfully"`));
    assert.ok(images.some((i) => i.startsWith('temporalio/ui:')));
    assert.ok(images.some((i) => i.startsWith('timescale/timescaledb:')));
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries(config.services)) {
      assert.ok(s.image, `${name} has no image`);
      assert.match(s.image, /:[^:]+$/, `${name} has no tag`);
      assert.doesNotMatch(s.image, /:(latest|stable|main)$/, `${name} uses a moving tag`);
    }
  });

  it('requires every password and token, defaulting none', () => {
    const secrets = variables.filter((v) => secretLike(v.name));
    assert.ok(secrets.length >= 3, 'the passwords and the dashboard token are variables');
    for (const v of secrets) assert.match(v.rest, /^:\?./, `\${${v.name}${v.rest}} must be \${${v.name}:?message}`);
    assert.ok(!variables.some((v) => /^:?-/.test(v.rest)), 'a variable has a default');
    // A secret setting of our services is written only from a required variable (the password in
    // DATABASE_URL, DASHBOARD_TOKEN); the marketplace and channel secrets come from .env (env_file).
    for (const [name, s] of Object.entries(raw.services).filter(([, s]) => s.image?.startsWith('ticket-tracker:')))
      for (const [variable, value] of Object.entries(s.environment ?? {}))
        if ((SECRET_VARS as readonly string[]).includes(variable))
          assert.match(value ?? '', /\$\{[A-Z_]+:\?/, `${name} writes the secret ${variable} in the file`);
  });

  it('stops with the name of a missing secret, and without the .env file', () => {
    for (const name of required) {
      const { [name]: _left, ...rest } = allSet;
      const r = composeConfig(rest);
      assert.notEqual(r.code, 0, `config passed without ${name}`);
      assert.match(r.stderr, new RegExp(`set ${name}`), `the message names ${name}: ${r.stderr}`);
    }
    const noEnvFile = composeConfig(allSet, false);
    assert.notEqual(noEnvFile.code, 0);
    assert.match(noEnvFile.stderr, /\.env/);
  });

  it('has two workers and the dashboard of our image, health checks and a named volume per store', () => {
    assert.equal(ownServices.filter(([, s]) => s.command?.[0] === 'worker').length, 2);
    assert.ok(ownServices.some(([, s]) => s.command?.[0] === 'dashboard'));
    for (const name of ['temporal-db', 'temporal', 'timescaledb', ...ownServices.map(([n]) => n)])
      assert.ok(config.services[name]?.healthcheck, `${name} has no health check`);
    assert.deepEqual(Object.keys(config.volumes ?? {}).sort(), ['temporal-db', 'timescaledb']);
    for (const store of ['temporal-db', 'timescaledb'])
      assert.ok(
        config.services[store]!.volumes?.some((v) => JSON.stringify(v).includes(`${store}`)),
        `${store} keeps its data in the named volume`,
      );
  });

  it('sets only variables the config schema knows on our services, and points them at services that exist', () => {
    assert.ok(ownServices.length > 0);
    for (const [name, s] of Object.entries(raw.services).filter(([, s]) => s.image?.startsWith('ticket-tracker:')))
      for (const variable of Object.keys(s.environment ?? {}))
        assert.ok(variable in ENV_VARS, `${name} sets ${variable}, which src/config/schema.ts does not know`);
    for (const [, s] of ownServices) {
      const env = s.environment ?? {};
      const [temporalHost, temporalPort] = (env.TEMPORAL_ADDRESS ?? '').split(':');
      assert.ok(temporalHost && config.services[temporalHost], `TEMPORAL_ADDRESS host ${temporalHost} is not a service`);
      assert.equal(temporalPort, '7233');
      const db = new URL(env.DATABASE_URL ?? '');
      assert.ok(config.services[db.hostname]?.image?.startsWith('timescale/'), 'DATABASE_URL points at the TimescaleDB service');
      assert.equal(db.password, allSet.TRACKER_DB_PASSWORD);
    }
  });

  it('runs each worker as the build its image tag names, in the ticket-tracker deployment (Worker Versioning)', () => {
    for (const [name, s] of ownServices) {
      const tag = s.image!.split(':')[1];
      assert.equal(tag, '0.1.0');
      assert.equal(s.environment?.WORKER_BUILD_ID, tag, `${name}: WORKER_BUILD_ID is not the image tag`);
      assert.equal(s.environment?.TEMPORAL_DEPLOYMENT_NAME, 'ticket-tracker', name);
    }
  });

  it('publishes the Temporal UI on the port the docs name', () => {
    const ui = Object.values(config.services).find((s) => s.image?.startsWith('temporalio/ui:'));
    assert.ok(
      JSON.stringify(ui?.ports).includes(`"published":${defaultOf('TEMPORAL_UI_PORT')}`) ||
        JSON.stringify(ui?.ports).includes(`${defaultOf('TEMPORAL_UI_PORT')}:8080`),
      JSON.stringify(ui?.ports),
    );
  });
});

describe('Dockerfile', () => {
  it('is a multi-stage build that runs as a non-root user with a prebuilt workflow bundle', () => {
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2, 'multi-stage');
    assert.match(dockerfile, /^USER (?!root)\w+/m);
    assert.match(dockerfile, /npm run build/);
    assert.match(dockerfile, /WORKER_BUNDLE_PATH=\/app\/dist\/workflow-bundle\.js/);
  });

  it('exposes the metrics port the config defaults to', () => {
    assert.match(dockerfile, new RegExp(`^EXPOSE ${String(defaultOf('METRICS_PORT'))}$`, 'm'));
  });

  it('sets only variables the config schema knows', () => {
    const envLines = dockerfile.match(/^ENV [\s\S]*?(?<!\\)$/gm) ?? [];
    const names = envLines
      .flatMap((l) => [...l.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]!))
      .filter((n) => !['NODE_ENV', 'NODE_OPTIONS', 'MALLOC_ARENA_MAX'].includes(n));
    for (const n of names) assert.ok(n in ENV_VARS, `Dockerfile sets ${n}, unknown to the config schema`);
  });
});
