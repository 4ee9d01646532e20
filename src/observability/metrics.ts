/**
 * A small Prometheus registry: counters and gauges with labels, rendered in the text format.
 * The worker's own figures (activities run and failed, their durations, worker state) live here.
 */
type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

class Metric {
  readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels ? `{${labels}}` : ''} ${value}`);
    return lines.join('\n');
  }
}

export class Counter extends Metric {
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
}

export class Gauge extends Metric {
  set(labels: Labels, value: number): void {
    this.values.set(key(labels), value);
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  counter(name: string, help: string): Counter {
    const m = new Counter(name, help, 'counter');
    this.metrics.push(m);
    return m;
  }
  gauge(name: string, help: string): Gauge {
    const m = new Gauge(name, help, 'gauge');
    this.metrics.push(m);
    return m;
  }
  render(): string {
    const mem = process.memoryUsage();
    const processLines = [
      '# HELP process_resident_memory_bytes Resident memory of the worker process.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${mem.rss}`,
      '# HELP process_uptime_seconds Seconds since the worker process started.',
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds ${Math.round(process.uptime())}`,
    ];
    return [...this.metrics.map((m) => m.render()), ...processLines].join('\n') + '\n';
  }
}

/** The worker's figures, shared by the activity interceptor and the health endpoint. */
export function createWorkerMetrics(registry = new MetricsRegistry()) {
  return {
    registry,
    activitiesCompleted: registry.counter('tt_activities_completed_total', 'Activity executions that completed, by type and task queue.'),
    activitiesFailed: registry.counter('tt_activities_failed_total', 'Activity attempts that failed, by type and task queue.'),
    activitySeconds: registry.counter('tt_activity_seconds_total', 'Seconds spent in activities, by type and task queue.'),
    workerRunning: registry.gauge('tt_worker_running', '1 while the worker of a task queue is polling, else 0.'),
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
