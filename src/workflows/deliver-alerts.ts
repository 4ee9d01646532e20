import { ApplicationFailure, ParentClosePolicy, proxyActivities, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { z } from 'zod';
import type { MainActivities } from '../activities';
import type { OperatorAlertToDeliver } from '../activities/types';
import { describeZodError } from '../domain/tracker';
import { deprecated } from './deprecated-patches';

/** The detail of a permanent delivery failure that raised an operator alert (activities/alerts.ts). */
const operatorAlertDetailSchema = z.object({
  operatorAlert: z
    .object({
      alertId: z.number().int().positive(),
      dedupeKey: z.string(),
      channels: z.array(z.string().min(1)),
    })
    .strict(),
});

/** The operator alert carried by a failed deliverAlert, or null when it carries none. */
function operatorAlertOf(err: unknown): OperatorAlertToDeliver | null {
  const cause = err instanceof Error && err.cause instanceof ApplicationFailure ? err.cause : null;
  const parsed = operatorAlertDetailSchema.safeParse(cause?.details?.[0]);
  return parsed.success ? parsed.data.operatorAlert : null;
}

/** Attempts of one delivery; a 429's retry_after sets the delay before the next (nextRetryDelay). */
export const DELIVERY_MAX_ATTEMPTS = 8;

const delivery = proxyActivities<MainActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '2 hours',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: DELIVERY_MAX_ATTEMPTS },
});

export const deliverAlertsInputSchema = z
  .object({
    alertId: z.number().int().positive(),
    channels: z.array(z.string().min(1)),
  })
  .strict();
export type DeliverAlertsInput = z.input<typeof deliverAlertsInputSchema>;

export interface DeliverAlertsResult {
  alertId: number;
  channels: { channel: string; outcome: 'delivered' | 'skipped' | 'failed'; detail: string }[];
}

/**
 * One alert (a rule's firing or an operator alert) delivered on each of its channels, in
 * parallel, each by one `deliverAlert` activity retried with backoff: a slow or failing channel
 * never delays the others, nor the scrape that raised the alert (this runs as an abandoned
 * child, workflow id `alert/<alert id>/<dedupe key>`, so a second start for the same alert is refused).
 * A channel refusing for good raises the operator's notice, whose delivery this starts as another
 * such child.
 */
export async function deliverAlerts(input: DeliverAlertsInput): Promise<DeliverAlertsResult> {
  const parsed = deliverAlertsInputSchema.safeParse(input);
  if (!parsed.success)
    throw ApplicationFailure.nonRetryable(`invalid deliverAlerts input: ${describeZodError(parsed.error)}`, 'InvalidInput');
  const { alertId, channels } = parsed.data;
  const results = await Promise.all(
    channels.map(async (channel): Promise<DeliverAlertsResult['channels'][number]> => {
      try {
        const r = await delivery.deliverAlert({ alertId, channel });
        return { channel, outcome: r.outcome, detail: r.detail };
      } catch (err) {
        // A channel that refused for good raised the operator's notice: delivered like every alert.
        const operator = operatorAlertOf(err);
        if (operator) {
          deprecated('operatorAlertDelivery');
          await startDelivery(operator.alertId, operator.dedupeKey, operator.channels);
        }
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
        return { channel, outcome: 'failed', detail: cause instanceof Error ? cause.message : String(cause) };
      }
    }),
  );
  return { alertId, channels: results };
}

/**
 * Workflow id of an alert's delivery: one per alert, ever: `alert/<alert id>/<dedupe key>`. The
 * dedupe key (`rule/<rule id>/<scrape key>` for a firing) keeps two deployments, or test files,
 * sharing a Temporal namespace (alert ids are per database) from refusing each other's
 * deliveries; both parts come from the activity's result, so replay gives the same id.
 */
export function deliveryWorkflowId(alertId: number, dedupeKey: string): string {
  return `alert/${alertId}/${dedupeKey}`.slice(0, 1000);
}

/**
 * Starts the delivery of an alert as an abandoned child (it outlives the scrape and the cycle).
 * A delivery already started for the alert (a retried or re-run scrape) is left alone.
 */
export async function startDelivery(alertId: number, dedupeKey: string, channels: string[]): Promise<void> {
  if (channels.length === 0) return;
  try {
    await startChild(deliverAlerts, {
      workflowId: deliveryWorkflowId(alertId, dedupeKey),
      args: [{ alertId, channels }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: `alert ${alertId} -> ${channels.join(', ')}`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
