import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { stopChild } from '../src/embedded/processes';
import { fromRoot } from '../src/config/paths';
import { benchTempDir, cleanupStack, intArg, median, round, type Benchmark, type Cleanups } from './harness';
import { startBenchDevServer, WORKER_MALLOC_ARENA_MAX, WORKER_NODE_OPTIONS } from './dev-server';
import { floorCycle } from './floor/workflows';
import { treeCpuSeconds } from './process-cpu';

/**
 * What Temporal itself costs per event on this machine: the cycle bench's shape (a parent, one
 * child per event with 50 in flight, one activity per child on a rate-limited task queue, the
 * same dev server and worker process settings) with empty workflows and an activity that returns
 * at once (bench/floor/). Wall time and CPU per event of the dev server and the worker.
 *
 * Why: the cycle bench's overhead is the Temporal cycle's time minus the plain loop's, and both
 * are bound by the same two cores. So the CPU this floor needs per event, shared over the cores,
 * is time the cycle cannot avoid whatever the product's own code does: when
 * `floor_cpu_ms_per_event_all / cores` is near the overhead goal, the goal is out of reach here.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);

/** The floor's worker process (bench/floor/worker.ts), polling `taskQueue` and its marketplace-like queue. */
export interface FloorWorker {
  process: ChildProcess;
  /** One floor cycle of `events` children, workflow id `floor-cycle-ID`; rejects when the worker exits. */
  cycle(client: Client, events: number, id: string): Promise<number>;
}

/**
 * Starts the floor's worker against the dev server at `address`, as the cycle bench's worker runs:
 * its own process, the production image's heap cap and arenas; its stop goes on `cleanups` as
 * soon as it is spawned. Resolves when it polls.
 * @throws when the worker exits before it is ready.
 */
export async function startFloorWorker(address: string, taskQueue: string, cleanups: Cleanups): Promise<FloorWorker> {
  const worker = spawn(process.execPath, ['--import', 'tsx', fromRoot('bench', 'floor', 'worker.ts')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: WORKER_NODE_OPTIONS,
      MALLOC_ARENA_MAX: WORKER_MALLOC_ARENA_MAX,
      TEMPORAL_ADDRESS: address,
      TASK_QUEUE: taskQueue,
      FETCH_CONCURRENCY: String(CONCURRENCY),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => stopChild(worker, 10_000));
  // A worker that exits, before it is ready or during a cycle, ends the run with an error.
  const exited = new Promise<never>((_, reject) => {
    worker.once('exit', (code, signal) => reject(new Error(`the floor worker exited (${signal ?? code})`)));
  });
  exited.catch(() => undefined); // awaited below through Promise.race
  await Promise.race([
    new Promise<void>((resolve) => worker.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && resolve())),
    exited,
  ]);
  return {
    process: worker,
    cycle: (client, events, id) =>
      Promise.race([
        client.workflow.execute(floorCycle, {
          taskQueue,
          workflowId: `floor-cycle-${id}`,
          args: [{ events, fanout: CONCURRENCY, marketplaceQueue: `${taskQueue}-marketplace`, cycle: id }],
        }),
        exited,
      ]),
  };
}

export const benchmark: Benchmark = {
  name: 'floor',
  description: 'the cycle shape with empty work: what Temporal itself costs per event (dev server and worker CPU)',
  flags: { events: 1, cycles: 1 },
  async run(args) {
    const events = intArg(args, 'events', 1000);
    const cycles = intArg(args, 'cycles', 5);
    const { dir, remove } = benchTempDir('tt-bench-floor-');
    const cleanups = cleanupStack();
    try {
      const temporal = await startBenchDevServer(dir, cleanups);
      const worker = await startFloorWorker(temporal.address, 'bench-floor', cleanups);
      const connection = await Connection.connect({ address: temporal.address });
      cleanups.push(() => connection.close());
      const client = new Client({ connection });
      const cycle = (n: number, id: string): Promise<number> => worker.cycle(client, n, id);
      await cycle(Math.min(100, events), 'warmup');

      const cpu = (): { server: number; worker: number } => ({
        server: treeCpuSeconds(temporal.process.pid!),
        worker: treeCpuSeconds(worker.process.pid!),
      });
      const before = cpu();
      const seconds: number[] = [];
      for (let c = 0; c < cycles; c++) {
        const t = process.hrtime.bigint();
        await cycle(events, String(c));
        seconds.push(Number(process.hrtime.bigint() - t) / 1e9);
      }
      const after = cpu();
      const n = events * cycles;
      const perEvent = (k: 'server' | 'worker'): number => ((after[k] - before[k]) * 1000) / n;
      const cores = os.cpus().length;
      const medianSeconds = median(seconds);
      return {
        events,
        cycles,
        fanout: CONCURRENCY,
        cores,
        floor_cycle_s: round(medianSeconds, 2),
        floor_ms_per_event: round((medianSeconds * 1000) / events, 2),
        floor_cpu_ms_per_event_temporal_server: round(perEvent('server'), 2),
        floor_cpu_ms_per_event_worker: round(perEvent('worker'), 2),
        floor_cpu_ms_per_event_all: round(perEvent('server') + perEvent('worker'), 2),
        // CPU shared over the machine's cores: time per event no cycle on this machine goes below.
        floor_cpu_ms_per_event_per_core: round((perEvent('server') + perEvent('worker')) / cores, 2),
        load_average_1m: round(os.loadavg()[0]!, 1),
      };
    } finally {
      await cleanups.run();
      remove();
    }
  },
};
