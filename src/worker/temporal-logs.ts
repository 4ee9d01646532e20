import type { Context as ActivityContext } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { LogEntry } from '@temporalio/worker';
import { z } from 'zod';
import type { Logger, LogLevel } from '../logging/logger';

/** One record of ours made from a Temporal SDK log entry, or null when it is not worth a line. */
export interface SdkLogRecord {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

const SDK_LEVEL: Record<LogEntry['level'], LogLevel> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** An error in one line: its type and message (the stack only helps at debug level). */
export function oneLineError(err: unknown): string {
  if (err instanceof Error) {
    const type = (err as { type?: unknown }).type;
    const name = typeof type === 'string' && type ? type : err.name;
    return `${name}: ${err.message.replace(/\s*\n\s*/g, ' ')}`;
  }
  return String(err).replace(/\s*\n\s*/g, ' ');
}

/**
 * What the worker logs of the SDK's own lines. Every error becomes one line (SDK entries carry
 * whole failure objects, printed over dozens of lines). Two expected lines become debug:
 * - "No workflows registered" from a marketplace queue's worker, which by design runs
 *   activities only (`queuesWithoutWorkflows`);
 * - "Activity failed", which the failure interceptor below logs with the event and marketplace.
 */
export function sdkLogRecord(entry: LogEntry, queuesWithoutWorkflows: ReadonlySet<string> = new Set()): SdkLogRecord {
  const meta = { ...(entry.meta ?? {}) };
  for (const [k, v] of Object.entries(meta)) if (v instanceof Error) meta[k] = oneLineError(v);
  let level = SDK_LEVEL[entry.level];
  const taskQueue = typeof meta.taskQueue === 'string' ? meta.taskQueue : undefined;
  if (entry.message.startsWith('No workflows registered') && taskQueue && queuesWithoutWorkflows.has(taskQueue)) level = 'debug';
  if (entry.message === 'Activity failed') level = 'debug';
  return { level, message: entry.message.replace(/\s*\n\s*/g, ' '), fields: { component: 'temporal', ...meta } };
}

/** The parts of an activity's input that say what it worked on (scrape and the like). */
const activitySubject = z
  .object({ eventId: z.number(), marketplace: z.string(), marketplaceEventId: z.string(), scrapeId: z.string() })
  .partial();

/**
 * Logs each failed activity attempt as one warning line naming the event and marketplace when the
 * input carries them: `scrape failed for event 12 on stubhub (id 104823456), attempt 2: ...`.
 */
export function activityFailureLogger(logger: Logger) {
  return (ctx: ActivityContext) => ({
    inbound: {
      async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
        try {
          return await next(input as never);
        } catch (err) {
          if (!(err instanceof CancelledFailure)) {
            const parsed = activitySubject.safeParse(input.args[0]);
            const subject = parsed.success ? parsed.data : {};
            const on = [
              subject.eventId !== undefined ? ` for event ${subject.eventId}` : '',
              subject.marketplace ? ` on ${subject.marketplace}` : '',
              subject.marketplaceEventId ? ` (id ${subject.marketplaceEventId})` : '',
            ].join('');
            logger.warn(`${ctx.info.activityType} failed${on}, attempt ${ctx.info.attempt}: ${oneLineError(err)}`, {
              activity: ctx.info.activityType,
              taskQueue: ctx.info.taskQueue,
              attempt: ctx.info.attempt,
              workflowId: ctx.info.workflowExecution?.workflowId,
              ...subject,
            });
          }
          throw err;
        }
      },
    },
  });
}
