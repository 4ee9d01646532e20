import { ApplicationFailure } from '@temporalio/workflow';
import {
  describeZodError,
  scrapeEventsInputSchema,
  type CycleSummary,
  type DueEvent,
  type ScrapeEventResult,
  type ScrapeEventsInput,
} from '../domain/tracker';
import { runCycle } from './cycle';

export interface ScrapeEventsResult {
  summary: CycleSummary;
  events: { event: DueEvent; result: ScrapeEventResult | null }[];
}

/** A one-off scrape (`ticket-tracker scrape`): one cycle over the named events, recorded like a tracker cycle. */
export async function scrapeEvents(input: ScrapeEventsInput = {}): Promise<ScrapeEventsResult> {
  // Parsed although typed: the `temporal` CLI and the Web UI can send any JSON.
  const parsed = scrapeEventsInputSchema().safeParse(input ?? {});
  if (!parsed.success)
    throw ApplicationFailure.nonRetryable(`invalid scrapeEvents input: ${describeZodError(parsed.error)}`, 'InvalidInput');
  const { summary, results, events } = await runCycle({ cycle: 1, syncCatalog: false, ...parsed.data });
  return { summary, events: events.map((event, i) => ({ event, result: results[i] ?? null })) };
}
