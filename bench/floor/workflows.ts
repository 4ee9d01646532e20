/**
 * The floor benchmark's workflows (bench/floor.ts): the product's cycle shape with nothing in it.
 * A parent starts one child per event, at most `fanout` in flight; each child runs one activity
 * on a second, rate-limited task queue and returns its result. No patches, memo, summaries or
 * validation: what is left is what Temporal itself costs per event.
 */
import { executeChild, proxyActivities } from '@temporalio/workflow';

export interface FloorActivities {
  /** Returns at once: the scrape's place, without its work. */
  emptyScrape(event: number): Promise<{ event: number; listingsStored: number }>;
}

export async function floorChild(input: { event: number; marketplaceQueue: string }): Promise<number> {
  const { emptyScrape } = proxyActivities<FloorActivities>({ taskQueue: input.marketplaceQueue, startToCloseTimeout: '1 minute' });
  const ref = await emptyScrape(input.event);
  return ref.listingsStored;
}

export async function floorCycle(input: { events: number; fanout: number; marketplaceQueue: string; cycle: string }): Promise<number> {
  let next = 0;
  let stored = 0;
  await Promise.all(
    Array.from({ length: Math.min(input.fanout, input.events) }, async () => {
      while (next < input.events) {
        const event = next++;
        stored += await executeChild(floorChild, {
          workflowId: `floor/${event}/${input.cycle}`,
          args: [{ event, marketplaceQueue: input.marketplaceQueue }],
        });
      }
    }),
  );
  return stored;
}
