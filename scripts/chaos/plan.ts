/**
 * The fault plan of a chaos run, drawn from a seed (pure: the same seed gives the same plan).
 */
import { MARKETPLACE_NAMES, type MarketplaceName } from '../../src/domain/listing';
import type { Fault } from '../../src/mock-marketplace';
import { seededRandom, type RandomSource } from '../../src/domain/random';

export type FaultStep =
  | { kind: 'kill-one-worker'; worker: 0 | 1 }
  | { kind: 'kill-both-workers' }
  | { kind: 'postgres-outage'; seconds: number }
  | { kind: 'temporal-restart' }
  | { kind: 'marketplace'; marketplace: MarketplaceName; fault: Fault; times: number; label: string };

export interface PlanOptions {
  seed: number;
  /** How many of each process fault (worker kills, both-worker kills, database outages, server restarts). */
  each: { killOne: number; killBoth: number; postgres: number; temporal: number; marketplace: number };
  postgresOutageSeconds: number;
  /** The marketplace client's timeout (HTTP_TIMEOUT_MS): slow answers wait past it. */
  httpTimeoutMs: number;
}

/** The marketplace faults the suite draws from (the mock's own kinds, see src/mock-marketplace/faults.ts). */
function marketplaceFault(random: RandomSource, httpTimeoutMs: number): { fault: Fault; times: number; label: string } {
  const pick = Math.floor(random() * 5);
  switch (pick) {
    case 0:
      return { fault: { kind: 'rate-limit', retryAfter: 2 }, times: 12, label: '429 storm (Retry-After 2)' };
    case 1:
      return { fault: { kind: 'slow', delayMs: httpTimeoutMs + 2000 }, times: 3, label: `slow answers (${httpTimeoutMs + 2000} ms)` };
    case 2:
      return { fault: { kind: 'status', status: 503 }, times: 8, label: '5xx burst (503 x8)' };
    case 3:
      return { fault: { kind: 'malformed' }, times: 3, label: 'malformed payloads' };
    default:
      return { fault: { kind: 'format-drift' }, times: 3, label: 'drifted payloads' };
  }
}

/** The steps in a seeded random order, every kind `each` times. */
export function drawPlan(opts: PlanOptions): FaultStep[] {
  const random = seededRandom(opts.seed);
  const steps: FaultStep[] = [];
  for (let i = 0; i < opts.each.killOne; i++) steps.push({ kind: 'kill-one-worker', worker: random() < 0.5 ? 0 : 1 });
  for (let i = 0; i < opts.each.killBoth; i++) steps.push({ kind: 'kill-both-workers' });
  for (let i = 0; i < opts.each.postgres; i++) steps.push({ kind: 'postgres-outage', seconds: opts.postgresOutageSeconds });
  for (let i = 0; i < opts.each.temporal; i++) steps.push({ kind: 'temporal-restart' });
  for (let i = 0; i < opts.each.marketplace; i++) {
    const marketplace = MARKETPLACE_NAMES[Math.floor(random() * MARKETPLACE_NAMES.length)]!;
    steps.push({ kind: 'marketplace', marketplace, ...marketplaceFault(random, opts.httpTimeoutMs) });
  }
  // Fisher-Yates with the seeded source.
  for (let i = steps.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [steps[i], steps[j]] = [steps[j]!, steps[i]!];
  }
  return steps;
}

/** A random delay in [minMs, maxMs) from the seeded source: where in a cycle a fault lands. */
export function delayWithin(random: RandomSource, minMs: number, maxMs: number): number {
  return Math.floor(minMs + random() * (maxMs - minMs));
}

export function describeStep(s: FaultStep): string {
  switch (s.kind) {
    case 'kill-one-worker':
      return `SIGKILL worker ${s.worker + 1}, restart it`;
    case 'kill-both-workers':
      return 'SIGKILL both workers, restart them';
    case 'postgres-outage':
      return `PostgreSQL stopped ${s.seconds} s, started`;
    case 'temporal-restart':
      return 'Temporal dev server SIGKILLed, restarted on its SQLite file';
    case 'marketplace':
      return `${s.marketplace}: ${s.label}`;
  }
}
