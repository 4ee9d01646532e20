import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import { describeZodError, type CycleSummary, type DueEvent, type ScrapeEventResult } from '../domain/tracker';
import { runCycle } from './cycle';

const inputSchema = z
  .object({
    /** Internal ids of the events to scrape; every due event when absent. */
    eventIds: z.array(z.number().int().positive()).min(1).optional(),
    fanout: z.number().int().min(1).max(200).default(10),
    errorAlertThreshold: z.number().int().min(1).default(10),
  })
  .strict();

export interface ScrapeEventsResult {
  summary: CycleSummary;
  events: { event: DueEvent; result: ScrapeEventResult | null }[];
}

/** A one-off scrape (`ticket-tracker scrape`): one cycle over the named events, recorded as a run. */
export async function scrapeEvents(rawInput: unknown): Promise<ScrapeEventsResult> {
  const parsed = inputSchema.safeParse(rawInput ?? {});
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`invalid scrapeEvents input: ${describeZodError(parsed.error)}`, 'InvalidInput');
  const { summary, results, events } = await runCycle({ cycle: 1, syncCatalog: false, ...parsed.data });
  return { summary, events: events.map((event, i) => ({ event, result: results[i] ?? null })) };
}
