import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWorkerMetrics } from '../../src/observability/metrics';
import { startHealthServer, type HealthServer } from '../../src/observability/server';

/** `name{labels} value` lines of a Prometheus text exposition, by series. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe("the worker's /metrics and /healthz (prom-client)", () => {
  const metrics = createWorkerMetrics({ processMetrics: true });
  let healthy = true;
  let server: HealthServer;
  before(async () => {
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      healthy: () => ({ ok: healthy, detail: { workers: { q: healthy ? 'RUNNING' : 'FAILED' } } }),
    });
  });
  after(async () => server.close());
  const get = (p: string): Promise<Response> => fetch(`http://127.0.0.1:${server.port}${p}`);

  it('serves the worker figures under their names, with labels, in the Prometheus text format', async () => {
    const labels = { activity: 'scrape', task_queue: 'ticket-tracker-stubhub' };
    metrics.activitiesCompleted.inc(labels);
    metrics.activitiesCompleted.inc(labels);
    metrics.activitiesFailed.inc({ activity: 'scrape', task_queue: 'queue "odd"\\name' });
    metrics.activitySeconds.inc(labels, 1.5);
    metrics.workerRunning.set({ task_queue: 'ticket-tracker' }, 1);
    const r = await get('/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    const s = samples(text);
    assert.equal(s.get('tt_activities_completed_total{activity="scrape",task_queue="ticket-tracker-stubhub"}'), 2);
    assert.equal(s.get('tt_activities_failed_total{activity="scrape",task_queue="queue \\"odd\\"\\\\name"}'), 1);
    assert.equal(s.get('tt_activity_seconds_total{activity="scrape",task_queue="ticket-tracker-stubhub"}'), 1.5);
    assert.equal(s.get('tt_worker_running{task_queue="ticket-tracker"}'), 1);
    assert.match(text, /# TYPE tt_activities_completed_total counter/);
    assert.match(text, /# TYPE tt_worker_running gauge/);
  });

  it('serves the standard process and Node.js metrics operators know, and the uptime', async () => {
    const s = samples(await (await get('/metrics')).text());
    for (const name of [
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'process_uptime_seconds',
    ]) {
      assert.ok(s.has(name), `${name} missing`);
    }
    assert.ok(s.get('process_resident_memory_bytes')! > 0);
  });

  it('answers /healthz 200 while healthy, 503 with the reason when not, and 404 elsewhere', async () => {
    const ok = await get('/healthz');
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { ok: true, workers: { q: 'RUNNING' } });
    healthy = false;
    const bad = await get('/healthz');
    assert.equal(bad.status, 503);
    assert.deepEqual(await bad.json(), { ok: false, workers: { q: 'FAILED' } });
    assert.equal((await get('/nothing')).status, 404);
  });
});
