import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/**
 * The worker's own figures (activities run and failed, their durations, worker state) in a
 * prom-client registry, rendered in Prometheus' text format on the worker's /metrics. The
 * Temporal SDK's runtime metrics (polls, task latencies) are the SDK's own and stay apart.
 *
 * `processMetrics` adds prom-client's standard process and Node.js metrics (process_resident_
 * memory_bytes, process_cpu_seconds_total, nodejs_eventloop_lag_seconds, ...) and
 * process_uptime_seconds; the production worker asks for them, test workers do not (each set
 * installs event-loop and GC observers).
 */
export function createWorkerMetrics(opts: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.processMetrics) {
    collectDefaultMetrics({ register: registry });
    new Gauge({
      name: 'process_uptime_seconds',
      help: 'Seconds since the worker process started.',
      registers: [registry],
      collect() {
        this.set(Math.round(process.uptime()));
      },
    });
  }
  const labelNames = ['activity', 'task_queue'] as const;
  return {
    registry,
    activitiesCompleted: new Counter({
      name: 'tt_activities_completed_total',
      help: 'Activity executions that completed, by type and task queue.',
      labelNames,
      registers: [registry],
    }),
    activitiesFailed: new Counter({
      name: 'tt_activities_failed_total',
      help: 'Activity attempts that failed, by type and task queue.',
      labelNames,
      registers: [registry],
    }),
    activitySeconds: new Counter({
      name: 'tt_activity_seconds_total',
      help: 'Seconds spent in activities, by type and task queue.',
      labelNames,
      registers: [registry],
    }),
    workerRunning: new Gauge({
      name: 'tt_worker_running',
      help: '1 while the worker of a task queue is polling, else 0.',
      labelNames: ['task_queue'] as const,
      registers: [registry],
    }),
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
