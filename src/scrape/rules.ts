import type { AlertMessage } from '../alerts/message';
import { describeCondition, evaluateRule, INITIAL_STATE, type Observation } from '../alerts/rules/evaluate';
import type { AlertRule } from '../alerts/rules/types';
import { SUMMARY_ZONE } from '../domain/listing';
import { MARKETPLACES } from '../marketplaces/registry';
import { percentChange } from './price-changes';
import { figuresHoursAgo, type Firing, type Queryable, type ScrapeRow, type ZoneFigures } from './queries/evaluate';
import {
  eventInfo,
  insertPriceAlerts,
  lowestBeforeByZone,
  othersByZone,
  ruleStates,
  saveRuleStates,
  type AlertRow,
  type EventInfo,
  type RuleStateRow,
} from './queries/rules';

/**
 * The alert rules' part of the evaluate step: every rule watching a scrape, evaluated by the pure
 * evaluator (src/alerts/rules/evaluate.ts), its new state and the alerts it fires recorded.
 */

/** Every rule against the scrape, with the few queries the whole set needs (not one per rule). */
export async function evaluateRules(
  client: Queryable,
  scrape: ScrapeRow,
  previous: ScrapeRow | null,
  now: Map<string, ZoneFigures>,
  before: Map<string, ZoneFigures>,
  rules: AlertRule[],
): Promise<Firing[]> {
  const capturedAt = scrape.capturedAt.toISOString();
  // Summary marketplaces give no group prices: rules for 2 or 4 tickets cannot be told there.
  // A price that is not the buyer's before fees (StubHub's) is compared with no other marketplace.
  const applicable = rules.filter(
    (r) =>
      (scrape.kind === 'listings' || r.quantity === 1) && !(r.condition === 'cheaper-elsewhere' && priceNotComparable(scrape.marketplace)),
  );
  if (applicable.length === 0) return [];
  const compared = await comparedFigures(client, scrape, applicable, { previous, now, before });
  const stateOf = await ruleStates(
    client,
    applicable.map((r) => r.id),
    scrape,
  );

  const newStates: RuleStateRow[] = [];
  const fired: { rule: AlertRule; message: AlertMessage }[] = [];
  let event: EventInfo | null = null;
  for (const rule of applicable) {
    const obs = observation(rule, compared);
    const state = stateOf.get(rule.id) ?? INITIAL_STATE;
    const result = evaluateRule(rule, obs, state, capturedAt);
    if (result.state !== state) newStates.push({ rule_id: rule.id, armed: result.state.armed, last_fired_at: result.state.lastFiredAt });
    if (!result.fire) continue;
    event ??= await eventInfo(client, scrape);
    const currency = now.get(rule.zone)?.currency ?? before.get(rule.zone)?.currency ?? 'USD';
    fired.push({
      rule,
      message: priceMessage(rule, scrape, event, currency, obs, result.measure.reference, result.measure.comparedWith),
    });
  }

  if (newStates.length > 0) await saveRuleStates(client, scrape, newStates);
  if (fired.length === 0) return [];
  const inserted = await insertPriceAlerts(client, scrape, fired.map(alertRow));
  const nameOf = new Map(fired.map((f) => [f.rule.id, f.rule.name]));
  return inserted
    .map((r) => ({ alertId: Number(r.id), ruleName: nameOf.get(Number(r.rule_id)) ?? '', dedupeKey: r.dedupe_key, channels: r.channels }))
    .sort((a, b) => a.alertId - b.alertId);
}

/** What the rules compare a scrape with: the scrape before it, and what only some conditions need. */
interface ComparedFigures {
  previous: ScrapeRow | null;
  now: Map<string, ZoneFigures>;
  before: Map<string, ZoneFigures>;
  /** Lowest price of every earlier scrape per "zone/quantity" (new-low rules only). */
  lowestBefore: Map<string, number> | null;
  /** The other marketplaces' latest prices per "zone/quantity" (cheaper-elsewhere rules only). */
  others: Map<string, { marketplace: string; price: number; currency: string }[]> | null;
  /** The zone figures N hours before, by N (rules over N hours only). */
  hoursAgo: Map<number, Map<string, ZoneFigures>>;
}

/** The figures the applicable rules need beyond the scrape and the one before it, queried once for the whole set. */
async function comparedFigures(
  client: Queryable,
  scrape: ScrapeRow,
  applicable: AlertRule[],
  { previous, now, before }: Pick<ComparedFigures, 'previous' | 'now' | 'before'>,
): Promise<ComparedFigures> {
  const zones = [...new Set(applicable.map((r) => r.zone))];
  const lowestBefore = applicable.some((r) => r.condition === 'new-low') ? await lowestBeforeByZone(client, scrape, zones) : null;
  const others = applicable.some((r) => r.condition === 'cheaper-elsewhere') ? await othersByZone(client, scrape, zones) : null;
  const hoursAgo = new Map<number, Map<string, ZoneFigures>>();
  for (const h of new Set(applicable.map((r) => r.overHours).filter((h): h is number => h !== null))) {
    hoursAgo.set(h, await figuresHoursAgo(client, scrape, h));
  }
  return { previous, now, before, lowestBefore, others, hoursAgo };
}

/** What one rule observes of the scrape: its zone and group size, now and in the figures compared. */
function observation(rule: AlertRule, { previous, now, before, lowestBefore, others, hoursAgo }: ComparedFigures): Observation {
  const q = rule.quantity;
  const cur = now.get(rule.zone);
  const prev = before.get(rule.zone);
  return {
    price: cur?.lowest[q] ?? null,
    tickets: cur ? cur.tickets : 0,
    listings: cur ? cur.listings : 0,
    hasPrevious: previous !== null,
    previousPrice: prev?.lowest[q] ?? null,
    priceHoursAgo: rule.overHours === null ? null : (hoursAgo.get(rule.overHours)?.get(rule.zone)?.lowest[q] ?? null),
    lowestBefore: lowestBefore?.get(`${rule.zone}/${q}`) ?? null,
    others: (others?.get(`${rule.zone}/${q}`) ?? []).filter(
      (o) => (!cur || o.currency === cur.currency) && !priceNotComparable(o.marketplace),
    ),
  };
}

/** The alerts row of a rule that fired. */
function alertRow({ rule, message }: { rule: AlertRule; message: AlertMessage }): AlertRow {
  return {
    rule_id: rule.id,
    zone: rule.zone,
    dedupe_key: message.dedupeKey,
    message: `${message.title}\n${message.text}`,
    details: message,
    channels: `{${rule.channels.map((c) => `"${c.replace(/["\\]/g, '')}"`).join(',')}}`,
  };
}

/** Why `marketplace`'s stored price cannot be compared with the others', or undefined when it can (registry). */
function priceNotComparable(marketplace: string): string | undefined {
  const descriptor = MARKETPLACES.find((m) => m.name === marketplace);
  return descriptor && 'priceNotComparable' in descriptor ? descriptor.priceNotComparable : undefined;
}

/** The buyer's page of the event on the marketplace, where its descriptor can link one from the id. */
function eventPageUrl(marketplace: string, marketplaceEventId: string): string | null {
  const descriptor = MARKETPLACES.find((m) => m.name === marketplace);
  return descriptor && 'eventPageUrl' in descriptor ? descriptor.eventPageUrl(marketplaceEventId) : null;
}

const money = (v: number | null, currency: string): string => (v === null ? 'none' : `${v.toFixed(2)} ${currency}`);

/** The message of a price alert (what every channel renders), from a rule that fired. */
export function priceMessage(
  rule: AlertRule,
  scrape: Pick<ScrapeRow, 'eventId' | 'marketplace' | 'capturedAt' | 'scrapeKey'>,
  event: EventInfo,
  currency: string,
  obs: Observation,
  reference: number | null,
  comparedWith?: string,
): AlertMessage {
  const condition = describeCondition(rule);
  const where = `${rule.zone === SUMMARY_ZONE ? 'whole event' : rule.zone}${rule.quantity > 1 ? `, ${rule.quantity} together` : ''} on ${scrape.marketplace}`;
  const change = percentChange(reference, obs.price);
  const what =
    rule.condition === 'sold-out'
      ? `sold out (was ${money(obs.previousPrice, currency)})`
      : rule.condition === 'back-in-stock'
        ? `back in stock at ${money(obs.price, currency)}`
        : `${money(reference, currency)} -> ${money(obs.price, currency)}${change === null ? '' : ` (${change > 0 ? '+' : ''}${change}%)`}${
            comparedWith ? ` vs ${comparedWith}` : ''
          }`;
  return {
    kind: 'price',
    severity: 'info',
    title: `${event.name}: ${condition} (${where})`.slice(0, 250),
    text: `${what}\nRule "${rule.name}", scrape ${scrape.scrapeKey} at ${scrape.capturedAt.toISOString()}`,
    dedupeKey: `rule/${rule.id}/${scrape.scrapeKey}`,
    event: {
      id: scrape.eventId,
      name: event.name,
      startsAt: event.startsAt?.toISOString() ?? null,
      timezone: event.timezone,
      venue: event.venue,
      url: event.marketplaceEventId === null ? null : eventPageUrl(scrape.marketplace, event.marketplaceEventId),
    },
    marketplace: scrape.marketplace,
    zone: rule.zone,
    groupSize: rule.quantity,
    condition,
    previousPrice: reference,
    price: obs.price,
    changePercent: change,
    currency,
    capturedAt: scrape.capturedAt.toISOString(),
  };
}
