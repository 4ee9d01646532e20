import { performance } from 'node:perf_hooks';
import type { PoolClient } from 'pg';
import type { MarketplaceName } from '../domain/listing';
import type { Db } from './pool';
import { sleep } from '../marketplaces/politeness';
import { waitingOutDatabase } from './unavailable';

/**
 * Request pacing: every request to a marketplace, from any worker process, first takes the next
 * free slot of that marketplace in PostgreSQL (table `marketplace_request_pacing`), slots being
 * `spacing` apart by the database's clock, and is sent at its slot. Temporal's task-queue rate
 * limit spaces the dispatch of tasks, not the requests themselves (a worker that stalls sends two
 * together, two workers send at once); the database is the one thing all workers share.
 */

/**
 * How late (ms) a request may reach the marketplace after its slot, and still keep every
 * 1000 ms window within the rate: slots are (1000 + allowance) / rate apart, so rate + 1
 * requests span at least 1000 + allowance ms, and the rate + 1st still falls outside the window
 * of the first unless the first arrives more than the allowance later, relative to its slot,
 * than the last. The cost is throughput: on average rate x 1000 / (1000 + allowance) requests
 * per second, 80% of the setting with 250 ms. Chosen from the chaos suite on the 2-core VM
 * (docs/durability.md): from slot to the worker's send, p99 45-82 ms and at most 122 ms; from
 * send to the mock marketplace's log, p99 31-86 ms and at most 104 ms; 150 ms let one window
 * through with a request 197 ms late (111 + 86).
 */
export const PACING_JITTER_ALLOWANCE_MS = 250;

/**
 * The part of the allowance (ms) the worker's own wait may use: a request whose wait overran
 * its slot by more (a stall after the slot was taken: event loop, CPU) takes a new slot rather
 * than go out late, leaving the rest of the allowance for the way to the marketplace (socket,
 * the other side's scheduling), which the worker cannot see.
 */
export const PACING_RETAKE_AFTER_MS = 100;

/**
 * How many new slots a late request takes in a row at most; then it goes out anyway, so that a
 * worker stalling all the time still makes progress (and says so in its log).
 */
export const PACING_LATE_RETAKES = 3;

/** Milliseconds between two slots of a marketplace whose setting is `ratePerSecond`. */
export function pacingSpacingMs(ratePerSecond: number, allowanceMs = PACING_JITTER_ALLOWANCE_MS): number {
  if (!(ratePerSecond > 0)) throw new Error(`a request rate must be positive (got ${ratePerSecond})`);
  return (1000 + allowanceMs) / ratePerSecond;
}

/** Requests per second on average under pacing: rate x 1000 / (1000 + allowance). */
export function pacedRatePerSecond(ratePerSecond: number, allowanceMs = PACING_JITTER_ALLOWANCE_MS): number {
  return 1000 / pacingSpacingMs(ratePerSecond, allowanceMs);
}

/** One slot taken, by the database's clock. */
export interface RequestSlot {
  /** Start of the slot, epoch milliseconds with the microseconds of timestamptz as a fraction. */
  slotAtMs: number;
  /** Milliseconds (>= 0) from when the slot was taken until it starts. */
  waitMs: number;
}

// One statement, one round trip: the row lock serializes concurrent takers, each getting the
// slot `spacing` after the previous one, or now when the previous one is past. clock_timestamp()
// (not now()) so that the time is the statement's, read after the lock is granted.
const TAKE_SLOT = `
  INSERT INTO marketplace_request_pacing AS p (marketplace, last_slot_at)
  VALUES ($1, clock_timestamp())
  ON CONFLICT (marketplace) DO UPDATE
    SET last_slot_at = GREATEST(p.last_slot_at + $2::double precision * interval '1 millisecond', clock_timestamp())
  RETURNING (EXTRACT(EPOCH FROM last_slot_at) * 1000)::double precision AS slot_ms,
    GREATEST(0, EXTRACT(EPOCH FROM last_slot_at - clock_timestamp()) * 1000)::double precision AS wait_ms`;

/**
 * Takes the next slot of `marketplace`, `spacingMs` after the previous one (or now). Throws the
 * `pg` error when the database cannot be reached.
 */
export async function takeRequestSlot(db: Db | PoolClient, marketplace: MarketplaceName, spacingMs: number): Promise<RequestSlot> {
  const { rows } = await db.query<{ slot_ms: number; wait_ms: number }>(TAKE_SLOT, [marketplace, spacingMs]);
  const row = rows[0];
  if (!row) throw new Error(`taking a request slot of ${marketplace} returned no row`);
  return { slotAtMs: row.slot_ms, waitMs: row.wait_ms };
}

export interface RequestPacerOptions {
  db: Db;
  marketplace: MarketplaceName;
  /** Milliseconds between slots (pacingSpacingMs). */
  spacingMs: number;
  /** How late (ms) a wait may end before a new slot is taken; PACING_RETAKE_AFTER_MS by default. */
  retakeAfterMs?: number;
  /** Until when (epoch ms) an unreachable database is waited out, asked at each request; then its error is thrown. */
  outageDeadline: () => number;
  /** Told how long the database has been unreachable, at each retry (an activity heartbeats there). */
  onWaitingForDatabase?: (waitedMs: number) => void;
  /** Told when a wait overran its slot by more than retakeAfterMs (ms late, retakes so far); `sent` when it goes out anyway. */
  onLate?: (lateMs: number, retakes: number, sent: boolean) => void;
}

/** Paces the requests to one marketplace across every process sharing the database. */
export class RequestPacer {
  private readonly retakeAfterMs: number;

  constructor(private readonly options: RequestPacerOptions) {
    this.retakeAfterMs = options.retakeAfterMs ?? PACING_RETAKE_AFTER_MS;
  }

  /**
   * Resolves when a request may be sent (at its slot), with the slot; rejects with the signal's
   * reason when aborted (the slot is then left unused, which only spaces others more), or with the
   * database's error once `outageDeadline` has passed or when it is not an outage. The common case
   * (no other request within the spacing) is one statement and no wait.
   */
  async pace(signal?: AbortSignal): Promise<RequestSlot> {
    const { outageDeadline, onWaitingForDatabase } = this.options;
    for (let retake = 0; ; retake++) {
      if (signal?.aborted) throw signal.reason;
      const { slot, asked } = await waitingOutDatabase(
        () => this.takeTimed(),
        outageDeadline(),
        onWaitingForDatabase ?? (() => undefined),
        signal,
      );
      // Rounded up: a timer fires no earlier than asked, and a request must not precede its slot.
      if (slot.waitMs > 0) await sleep(Math.ceil(slot.waitMs), signal);
      const late = performance.now() - asked - slot.waitMs;
      if (late <= this.retakeAfterMs) return slot;
      this.options.onLate?.(late, retake, retake >= PACING_LATE_RETAKES);
      if (retake >= PACING_LATE_RETAKES) return slot;
    }
  }

  /**
   * Takes a slot on a client of its own, noting (local monotonic clock) when the statement was
   * sent: the slot is no earlier than that, so time since then over-estimates how late the request
   * goes out, never under. Waiting for a free client of the pool comes before and is not counted.
   */
  private async takeTimed(): Promise<{ slot: RequestSlot; asked: number }> {
    const { db, marketplace, spacingMs } = this.options;
    const client = await db.connect();
    try {
      const asked = performance.now();
      const slot = await takeRequestSlot(client, marketplace, spacingMs);
      client.release();
      return { slot, asked };
    } catch (err) {
      // A client whose connection failed is discarded, not returned to the pool.
      client.release(err instanceof Error ? err : true);
      throw err;
    }
  }
}
