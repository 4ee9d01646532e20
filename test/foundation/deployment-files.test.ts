import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { ENV_VARS } from '../../src/config/schema';
import { fromRoot } from '../../src/tools/paths';

// No Docker engine runs here, so the production files are checked by reading them.
const composeSchema = z.object({
  services: z.record(
    z.string(),
    z
      .object({
        image: z.string().optional(),
        build: z.unknown().optional(),
        command: z.array(z.string()).optional(),
        environment: z.record(z.string(), z.string()).optional(),
        ports: z.array(z.string()).optional(),
        depends_on: z.unknown().optional(),
      })
      .passthrough(),
  ),
});
const compose = composeSchema.parse(parse(readFileSync(fromRoot('docker-compose.yml'), 'utf8')));
const dockerfile = readFileSync(fromRoot('Dockerfile'), 'utf8');
const defaultOf = (name: keyof typeof ENV_VARS): unknown => ENV_VARS[name].schema.parse(undefined);
const ownServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined || s.image?.startsWith('ticket-tracker'));

describe('docker-compose.yml', () => {
  it('has Temporal with its own PostgreSQL, the Web UI, TimescaleDB and the worker', () => {
    const images = Object.values(compose.services).map((s) => s.image ?? '');
    assert.ok(images.some((i) => i.startsWith('temporalio/auto-setup:')));
    assert.ok(images.some((i) => i.startsWith('temporalio/ui:')));
    assert.ok(images.some((i) => i.startsWith('timescale/timescaledb:')));
    assert.ok(
      images.some((i) => i.startsWith('postgres:')),
      'Temporal persistence database',
    );
    assert.ok(ownServices.some(([, s]) => s.command?.[0] === 'worker'));
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (!s.image || s.build !== undefined) continue;
      assert.match(s.image, /:[^:]+$/, `${name} has no tag`);
      assert.doesNotMatch(s.image, /:latest$/, `${name} uses :latest`);
    }
  });

  it('sets only variables the config schema knows on our services', () => {
    assert.ok(ownServices.length > 0);
    for (const [name, s] of ownServices) {
      for (const variable of Object.keys(s.environment ?? {})) {
        assert.ok(variable in ENV_VARS, `${name} sets ${variable}, which src/config/schema.ts does not know`);
      }
    }
  });

  it('points the worker at services and ports that exist', () => {
    const [, worker] = ownServices.find(([, s]) => s.command?.[0] === 'worker')!;
    const env = worker.environment ?? {};
    const [temporalHost, temporalPort] = (env.TEMPORAL_ADDRESS ?? '').split(':');
    assert.ok(temporalHost && compose.services[temporalHost], `TEMPORAL_ADDRESS host ${temporalHost} is not a service`);
    assert.equal(temporalPort, '7233');
    const db = new URL((env.DATABASE_URL ?? '').replace(/\$\{[^}]*\}/g, 'x'));
    assert.ok(compose.services[db.hostname]?.image?.startsWith('timescale/'), 'DATABASE_URL points at the TimescaleDB service');
    assert.ok(
      worker.ports?.some((p) => p.endsWith(`:${env.METRICS_PORT ?? defaultOf('METRICS_PORT')}`)),
      'metrics port published',
    );
  });

  it('publishes the Temporal UI on the port the docs name', () => {
    const ui = Object.values(compose.services).find((s) => s.image?.startsWith('temporalio/ui:'));
    assert.ok(ui?.ports?.includes(`${defaultOf('TEMPORAL_UI_PORT')}:8080`));
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
