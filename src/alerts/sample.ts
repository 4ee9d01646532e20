import { MARKETPLACES } from '../marketplaces/registry';
import type { AlertChannel, AlertMessage, DeliveryOutcome } from './message';

/**
 * A sample price alert, for `ticket-tracker alerts test CHANNEL`: realistic values (and a name
 * with characters each channel must escape), a dedupe key unique to `now` so a receiver that
 * drops duplicates still shows each test.
 */
export function sampleAlert(now: Date = new Date()): AlertMessage {
  // The first marketplace of the registry that links an event page from its id.
  const market = MARKETPLACES.find((m) => 'eventPageUrl' in m) ?? MARKETPLACES[0];
  const url = 'eventPageUrl' in market ? market.eventPageUrl('150000000') : null;
  const starts = new Date(now.getTime() + 30 * 86_400_000);
  starts.setUTCHours(1, 0, 0, 0);
  return {
    kind: 'price',
    severity: 'info',
    title: `Test alert: price drop for Rock & Roll <Revival> Tour, Floor on ${market.label}`,
    text: 'This is a test from `ticket-tracker alerts test`. The lowest price for 2 tickets together in Floor fell from $220.00 to $180.00 (-18.2 %) since the previous scrape.',
    dedupeKey: `test/${now.toISOString()}`,
    event: {
      id: 0,
      name: 'Rock & Roll <Revival> Tour',
      startsAt: starts.toISOString(),
      venue: 'Arena One, Chicago, IL',
      url,
    },
    marketplace: market.name,
    zone: 'Floor',
    groupSize: 2,
    condition: 'drop 10%',
    previousPrice: 220,
    price: 180,
    changePercent: -18.18,
    currency: 'USD',
    capturedAt: now.toISOString(),
  };
}

/** Sends the sample through `channel` once and resolves to the channel's answer (never throws). */
export function sendTestAlert(channel: AlertChannel, options: { now?: Date; signal?: AbortSignal } = {}): Promise<DeliveryOutcome> {
  return channel.send(sampleAlert(options.now ?? new Date()), options.signal ? { signal: options.signal } : {});
}
