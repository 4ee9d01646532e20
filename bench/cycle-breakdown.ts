import { writeFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { round } from './harness';
import { meanSteps, parentSpans } from './cycle-steps';
import { addMetrics, deltaMetrics, histogram, scrapeMetrics, total, type Sample } from './prometheus';
import { treeCpuSeconds } from './process-cpu';

/**
 * The cycle bench's breakdown of where the time goes per event, from measurements only: CPU
 * seconds of each process (/proc), the Temporal SDK's Prometheus metrics of the worker, the dev
 * server's own `/metrics`, and event timestamps of the histories of one cycle.
 */

/** Root pid of each process tree measured (null: not part of this run). */
export type ProcessTrees = Record<'worker' | 'temporal_server' | 'postgres' | 'mock', number | null>;

export interface Reading {
  cpu: Record<string, number>;
  sdk: Sample[];
  server: Sample[];
}

/** CPU seconds of this process, user and system. */
const ownCpuSeconds = (): number => {
  const self = process.cpuUsage();
  return (self.user + self.system) / 1e6;
};
/** CPU seconds this process spent taking readings (scanning /proc, parsing metric pages) so far. */
let readingSeconds = 0;

/**
 * CPU seconds of each tree and of this process (`bench`: the client, or the plain loop itself,
 * less what taking readings cost it, so a reading does not count itself), and both metric pages.
 */
export async function takeReading(trees: ProcessTrees, endpoints: { sdk?: string; server?: string }): Promise<Reading> {
  const start = ownCpuSeconds();
  const cpu: Record<string, number> = {};
  for (const [name, pid] of Object.entries(trees)) if (pid !== null) cpu[name] = treeCpuSeconds(pid);
  cpu.bench = start - readingSeconds;
  const reading = {
    cpu,
    sdk: endpoints.sdk ? await scrapeMetrics(endpoints.sdk) : [],
    server: endpoints.server ? await scrapeMetrics(endpoints.server) : [],
  };
  readingSeconds += ownCpuSeconds() - start;
  return reading;
}

/** What a spell used: CPU seconds by process and metric differences (a Reading's shape), from two readings. */
export function usageBetween(before: Reading, after: Reading): Reading {
  const cpu: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(after.cpu)) cpu[name] = seconds - (before.cpu[name] ?? 0);
  return { cpu, sdk: deltaMetrics(before.sdk, after.sdk), server: deltaMetrics(before.server, after.server) };
}

/** Nothing used yet: the start of a sum of spells. */
export const NO_USAGE: Reading = { cpu: {}, sdk: [], server: [] };

/** Two spells' usage together (the rounds of one side of the bench). */
export function addUsage(a: Reading, b: Reading): Reading {
  const cpu = { ...a.cpu };
  for (const [name, seconds] of Object.entries(b.cpu)) cpu[name] = (cpu[name] ?? 0) + seconds;
  return { cpu, sdk: addMetrics(a.sdk, b.sdk), server: addMetrics(a.server, b.server) };
}

/** One side's usage over its rounds, and how many events those rounds scraped. */
export interface SideUsage {
  usage: Reading;
  events: number;
}

function cpuFigures(prefix: string, side: SideUsage): Record<string, number> {
  const out: Record<string, number> = {};
  let sum = 0;
  for (const [name, seconds] of Object.entries(side.usage.cpu)) {
    const ms = (seconds * 1000) / side.events;
    sum += ms;
    out[`${prefix}_${name}`] = round(ms, 2);
  }
  out[`${prefix}_all`] = round(sum, 2);
  return out;
}

/** Per event: how many observations a histogram got, and their mean. */
function perEvent(d: readonly Sample[], name: string, events: number, match: Record<string, string> = {}): { n: number; mean: number } {
  const h = histogram(d, name, match);
  return { n: h.count / events, mean: h.count ? h.sum / h.count : NaN };
}

/**
 * The figures: `cpu_ms_per_event_*` (Temporal cycle), `plain_cpu_ms_per_event_*` (plain loop) and
 * `floor_cpu_ms_per_event_*` (empty cycle) by process, `_all` their sum; `sdk_*` per event
 * (workflow and activity tasks, their schedule-to-start and execution latencies in ms, RPCs to
 * the server by operation, sticky cache hits and misses); `server_*` per event (frontend requests,
 * persistence requests), `floor_server_*` the same for the empty cycle; `step_ms: ...` the mean of
 * each step of a child from the histories of one cycle (`child_life_ms` from the parent's
 * initiated to its completed), with `history_events_per_child`. With BENCH_METRICS_DUMP=FILE, the
 * cycle's metric differences are also written to FILE to look for others.
 */
export async function breakdownFigures(opts: {
  client: Client;
  parentWorkflowId: string;
  temporal: SideUsage;
  plain: SideUsage;
  floor: SideUsage;
  fanout: number;
  sampleChildren?: number;
}): Promise<Record<string, number>> {
  const events = opts.temporal.events;
  const { sdk, server } = opts.temporal.usage;
  if (process.env.BENCH_METRICS_DUMP) writeFileSync(process.env.BENCH_METRICS_DUMP, JSON.stringify({ events, sdk, server }, null, 1));

  const out: Record<string, number> = {
    ...cpuFigures('cpu_ms_per_event', opts.temporal),
    ...cpuFigures('plain_cpu_ms_per_event', opts.plain),
    ...cpuFigures('floor_cpu_ms_per_event', opts.floor),
  };
  // SDK metrics (Core's names; durations in milliseconds unless useSecondsForDurations).
  const sdkHist: [string, string][] = [
    ['workflow_task_schedule_to_start_ms', 'temporal_workflow_task_schedule_to_start_latency'],
    ['workflow_task_execution_ms', 'temporal_workflow_task_execution_latency'],
    ['workflow_task_replay_ms', 'temporal_workflow_task_replay_latency'],
    ['activity_schedule_to_start_ms', 'temporal_activity_schedule_to_start_latency'],
    ['activity_execution_ms', 'temporal_activity_execution_latency'],
    ['local_activity_execution_ms', 'temporal_local_activity_execution_latency'],
  ];
  for (const [label, name] of sdkHist) {
    const p = perEvent(sdk, name, events);
    out[`sdk_${label.replace(/_ms$/, '')}_per_event`] = round(p.n, 2);
    out[`sdk_${label}_mean`] = round(p.mean, 2);
  }
  for (const name of [
    'temporal_sticky_cache_hit_total',
    'temporal_sticky_cache_miss_total',
    'temporal_workflow_task_execution_failed_total',
  ])
    out[`sdk_${name.replace(/^temporal_|_total$/g, '')}_per_event`] = round(total(sdk, name) / events, 3);
  const rpcs = new Map<string, number>();
  for (const s of sdk)
    if (s.name === 'temporal_request_latency_count' && s.labels.operation)
      rpcs.set(s.labels.operation, (rpcs.get(s.labels.operation) ?? 0) + s.value);
  let rpcTotal = 0;
  for (const [op, n] of [...rpcs].sort((a, b) => b[1] - a[1])) {
    rpcTotal += n;
    if (n / events >= 0.05) out[`sdk_rpc_per_event: ${op}`] = round(n / events, 2);
  }
  out.sdk_rpcs_per_event = round(rpcTotal / events, 2);
  // Server metrics (Temporal server's names: service_requests by operation, persistence_requests).
  out.server_requests_per_event = round(total(server, 'service_requests') / events, 2);
  out.server_persistence_requests_per_event = round(total(server, 'persistence_requests') / events, 2);
  out.server_persistence_latency_ms_mean = round(perEvent(server, 'persistence_latency', events).mean * 1000, 3);
  out.floor_server_requests_per_event = round(total(opts.floor.usage.server, 'service_requests') / opts.floor.events, 2);
  out.floor_server_persistence_requests_per_event = round(total(opts.floor.usage.server, 'persistence_requests') / opts.floor.events, 2);

  // Histories of one cycle: the parent, and a sample of its children.
  const parent = parentSpans((await opts.client.workflow.getHandle(opts.parentWorkflowId).fetchHistory()).events ?? []);
  const every = Math.max(1, Math.floor(parent.children.length / (opts.sampleChildren ?? 40)));
  const sample = parent.children.filter((_, i) => i % every === 0);
  const samples = [];
  for (const span of sample)
    samples.push({ span, history: (await opts.client.workflow.getHandle(span.workflowId).fetchHistory()).events ?? [] });
  const steps = meanSteps(samples);
  for (const s of steps.steps) out[`step_ms: ${s.step}`] = round(s.ms, 2);
  out.child_life_ms = round(steps.childLifeMs, 1);
  out.history_events_per_child = round(steps.eventsPerChild, 1);
  out.local_activity_markers_per_child = round(steps.markersPerChild, 1);
  out.parent_history_events_per_child = round(parent.events / Math.max(1, parent.children.length), 2);
  out.parent_workflow_tasks_per_child = round(parent.workflowTasks / Math.max(1, parent.children.length), 2);
  out.parent_workflow_task_ms_per_child = round(parent.workflowTaskMs / Math.max(1, parent.children.length), 2);
  return out;
}
