import type { AlertMessage } from '../alerts/message';
import { describeCondition, evaluateRule, INITIAL_STATE, type Observation } from '../alerts/rules/evaluate';
import type { AlertRule } from '../alerts/rules/types';
import { SUMMARY_ZONE } from '../domain/listing';
import { basisLabel, type PriceBasis } from '../domain/price-basis';
import { cheapestTogether, type CheapestTogether, type OfferedListing } from '../domain/together';
import { MARKETPLACES } from '../marketplaces/registry';
import { percentChange } from './price-changes';
import { figuresHoursAgo, lowestOn, type Firing, type Queryable, type ScrapeRow, type ZoneFigures } from './queries/evaluate';
import {
  eventInfo,
  insertPriceAlerts,
  latestListingsOfEvent,
  lowestBeforeByZone,
  othersByZone,
  ruleStates,
  saveRuleStates,
  stateMarketplace,
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
  // Summary marketplaces give no group prices: rules for 2 or 4 tickets cannot be told there, and
  // a together rule is told when listings come in (its figure is over every marketplace's listings).
  const applicable = rules.filter((r) => scrape.kind === 'listings' || (r.quantity === 1 && r.condition !== 'together'));
  if (applicable.length === 0) return [];
  const compared = await comparedFigures(client, scrape, applicable, { previous, now, before });
  const stateOf = await ruleStates(client, applicable, scrape);

  const newStates: RuleStateRow[] = [];
  const fired: { rule: AlertRule; message: AlertMessage }[] = [];
  let event: EventInfo | null = null;
  for (const rule of applicable) {
    const obs = observation(rule, compared);
    const state = stateOf.get(rule.id) ?? INITIAL_STATE;
    const result = evaluateRule(rule, obs, state, capturedAt);
    if (result.state !== state)
      newStates.push({
        rule_id: rule.id,
        marketplace: stateMarketplace(rule.condition, scrape),
        armed: result.state.armed,
        last_fired_at: result.state.lastFiredAt,
      });
    if (!result.fire) continue;
    event ??= await eventInfo(client, scrape);
    const together = compared.together.get(togetherKey(rule)) ?? null;
    const currency = together?.currency ?? now.get(rule.zone)?.currency ?? before.get(rule.zone)?.currency ?? 'USD';
    fired.push({
      rule,
      message:
        rule.condition === 'together' && together
          ? togetherMessage(rule, scrape, event, together)
          : priceMessage(rule, scrape, event, currency, obs, result.measure.reference, result.measure.comparedWith),
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
  /** Lowest price of every earlier scrape per basis, then "zone/quantity" (new-low rules' bases only). */
  lowestBefore: Map<PriceBasis, Map<string, number>>;
  /** The other marketplaces' latest prices per basis, then "zone/quantity" (cheaper-elsewhere rules' bases only). */
  others: Map<PriceBasis, Map<string, { marketplace: string; price: number; currency: string }[]>>;
  /** The zone figures N hours before, by N (rules over N hours only). */
  hoursAgo: Map<number, Map<string, ZoneFigures>>;
  /** The cheapest N together per together rule's togetherKey (null: no listing sells N together). */
  together: Map<string, CheapestTogether | null>;
}

/** What a together rule's figure depends on: seats, basis, zone, marketplace (rules that agree share it). */
function togetherKey(rule: Pick<AlertRule, 'quantity' | 'basis' | 'zone' | 'marketplace'>): string {
  return JSON.stringify([rule.quantity, rule.basis, rule.zone, rule.marketplace]);
}

/**
 * The currency a together figure is in: the scrape's own for the zone (or the event), else the
 * one most listings are priced in. Listings in another currency are left out, never converted.
 */
function togetherCurrency(listings: OfferedListing[], now: Map<string, ZoneFigures>, zone: string): string | null {
  const own = now.get(zone)?.currency ?? now.get(SUMMARY_ZONE)?.currency;
  if (own) return own.trim();
  const counts = new Map<string, number>();
  for (const l of listings) counts.set(l.currency, (counts.get(l.currency) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
}

/** The figures the applicable rules need beyond the scrape and the one before it, queried once for the whole set. */
async function comparedFigures(
  client: Queryable,
  scrape: ScrapeRow,
  applicable: AlertRule[],
  { previous, now, before }: Pick<ComparedFigures, 'previous' | 'now' | 'before'>,
): Promise<ComparedFigures> {
  const zones = [...new Set(applicable.map((r) => r.zone))];
  const basesOf = (condition: AlertRule['condition']): Set<PriceBasis> =>
    new Set(applicable.filter((r) => r.condition === condition).map((r) => r.basis));
  const lowestBefore = new Map<PriceBasis, Map<string, number>>();
  for (const basis of basesOf('new-low')) lowestBefore.set(basis, await lowestBeforeByZone(client, scrape, zones, basis));
  const others = new Map<PriceBasis, Map<string, { marketplace: string; price: number; currency: string }[]>>();
  for (const basis of basesOf('cheaper-elsewhere')) others.set(basis, await othersByZone(client, scrape, zones, basis));
  const hoursAgo = new Map<number, Map<string, ZoneFigures>>();
  for (const h of new Set(applicable.map((r) => r.overHours).filter((h): h is number => h !== null))) {
    hoursAgo.set(h, await figuresHoursAgo(client, scrape, h));
  }
  const together = new Map<string, CheapestTogether | null>();
  const listingsOf = new Map<string, OfferedListing[]>();
  for (const rule of applicable.filter((r) => r.condition === 'together')) {
    const key = togetherKey(rule);
    if (together.has(key)) continue;
    const where = JSON.stringify([rule.zone, rule.marketplace]);
    let listings = listingsOf.get(where);
    if (!listings) listingsOf.set(where, (listings = await latestListingsOfEvent(client, scrape, rule.zone, rule.marketplace)));
    const currency = togetherCurrency(listings, now, rule.zone);
    together.set(key, currency === null ? null : cheapestTogether(listings, rule.quantity, rule.basis, currency));
  }
  return { previous, now, before, lowestBefore, others, hoursAgo, together };
}

/** What one rule observes of the scrape: its zone and group size, now and in the figures compared. */
function observation(rule: AlertRule, { previous, now, before, lowestBefore, others, hoursAgo, together }: ComparedFigures): Observation {
  const cur = now.get(rule.zone);
  if (rule.condition === 'together') {
    const figure = together.get(togetherKey(rule)) ?? null;
    return {
      price: figure?.total ?? null,
      tickets: cur ? cur.tickets : 0,
      listings: cur ? cur.listings : 0,
      hasPrevious: previous !== null,
      previousPrice: null,
      priceHoursAgo: null,
      lowestBefore: null,
      others: [],
    };
  }
  // Every condition but together has a group size the snapshots keep (the table's CHECK).
  const q = rule.quantity as 1 | 2 | 4;
  const on = (f: ZoneFigures | undefined): number | null => (f ? lowestOn(f, rule.basis)[q] : null);
  const prev = before.get(rule.zone);
  return {
    price: on(cur),
    tickets: cur ? cur.tickets : 0,
    listings: cur ? cur.listings : 0,
    hasPrevious: previous !== null,
    previousPrice: on(prev),
    priceHoursAgo: rule.overHours === null ? null : on(hoursAgo.get(rule.overHours)?.get(rule.zone)),
    lowestBefore: lowestBefore.get(rule.basis)?.get(`${rule.zone}/${q}`) ?? null,
    // Like with like: the others' figures on the rule's basis, in this scrape's currency.
    others: (others.get(rule.basis)?.get(`${rule.zone}/${q}`) ?? []).filter((o) => !cur || o.currency === cur.currency),
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

/** The buyer's page of the event on the marketplace, where its descriptor can link one from the id. */
function eventPageUrl(marketplace: string, marketplaceEventId: string): string | null {
  const descriptor = MARKETPLACES.find((m) => m.name === marketplace);
  return descriptor && 'eventPageUrl' in descriptor ? descriptor.eventPageUrl(marketplaceEventId) : null;
}

/** "212.40 USD all-in", "180.00 USD before fees"; "none" when there is no price. */
const money = (v: number | null, currency: string, basis: PriceBasis): string =>
  v === null ? 'none' : `${v.toFixed(2)} ${currency} ${basisLabel(basis)}`;

/** The alert event of a price alert. */
function alertEvent(scrape: Pick<ScrapeRow, 'eventId' | 'marketplace'>, event: EventInfo, marketplace = scrape.marketplace) {
  return {
    id: scrape.eventId,
    name: event.name,
    startsAt: event.startsAt?.toISOString() ?? null,
    timezone: event.timezone,
    venue: event.venue,
    url:
      event.marketplaceEventId === null || marketplace !== scrape.marketplace ? null : eventPageUrl(marketplace, event.marketplaceEventId),
  };
}

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
      ? `sold out (was ${money(obs.previousPrice, currency, rule.basis)})`
      : rule.condition === 'back-in-stock'
        ? `back in stock at ${money(obs.price, currency, rule.basis)}`
        : `${money(reference, currency, rule.basis)} -> ${money(obs.price, currency, rule.basis)}${change === null ? '' : ` (${change > 0 ? '+' : ''}${change}%)`}${
            comparedWith ? ` vs ${comparedWith}` : ''
          }`;
  return {
    kind: 'price',
    severity: 'info',
    title: `${event.name}: ${condition} (${where})`.slice(0, 250),
    text: `${what}\nRule "${rule.name}", scrape ${scrape.scrapeKey} at ${scrape.capturedAt.toISOString()}`,
    dedupeKey: `rule/${rule.id}/${scrape.scrapeKey}`,
    event: alertEvent(scrape, event),
    marketplace: scrape.marketplace,
    zone: rule.zone,
    // Every condition but together has a group size of 1, 2 or 4 (the table's CHECK).
    groupSize: rule.quantity as 1 | 2 | 4,
    condition,
    previousPrice: reference,
    price: obs.price,
    basis: rule.basis,
    changePercent: change,
    currency,
    capturedAt: scrape.capturedAt.toISOString(),
  };
}

/**
 * The message of a together rule that fired: the total for N seats, its basis, and where to buy
 * them (marketplace, section, row). `price` is the total and `previousPrice` the threshold.
 */
export function togetherMessage(
  rule: AlertRule,
  scrape: Pick<ScrapeRow, 'eventId' | 'marketplace' | 'capturedAt' | 'scrapeKey'>,
  event: EventInfo,
  figure: CheapestTogether,
): AlertMessage {
  const condition = describeCondition(rule);
  const scope = `${rule.zone === SUMMARY_ZONE ? 'whole event' : rule.zone} on ${rule.marketplace ?? 'every marketplace'}`;
  const seat = `section ${figure.section}${figure.row === null ? '' : `, row ${figure.row}`}`;
  const what =
    `${figure.n} together for ${money(figure.total, figure.currency, figure.basis)} in total ` +
    `(${money(figure.perTicket, figure.currency, figure.basis)} each) on ${figure.marketplace}, ${seat}; ` +
    `at or under ${money(rule.threshold, figure.currency, figure.basis)}`;
  return {
    kind: 'price',
    severity: 'info',
    title: `${event.name}: ${condition} (${scope})`.slice(0, 250),
    text: `${what}\nRule "${rule.name}", scrape ${scrape.scrapeKey} at ${scrape.capturedAt.toISOString()}`,
    dedupeKey: `rule/${rule.id}/${scrape.scrapeKey}`,
    event: alertEvent(scrape, event, figure.marketplace),
    marketplace: figure.marketplace,
    zone: figure.zone,
    ...(figure.n === 1 || figure.n === 2 || figure.n === 4 ? { groupSize: figure.n } : {}),
    condition,
    previousPrice: rule.threshold,
    price: figure.total,
    basis: figure.basis,
    changePercent: null,
    currency: figure.currency,
    capturedAt: scrape.capturedAt.toISOString(),
  };
}
