import { countryCode, countryOfZone } from './countries';
import { numericDateOrders, numericDatePart, type DateOrder } from './dates';
import type { CellValue } from './cells';

/**
 * The order of a file's numeric dates (14/03/2027 or 03/14/2027): proven by rows that read only
 * one way, else said by DATE_ORDER or by the rows' countries. Pure.
 */

/** The date order a file's numeric dates (14/03/2027, 3.14.2027) were read in, and why. */
export interface DateOrderDecision {
  order: DateOrder | 'undecided';
  basis: string;
}

/** DATE_ORDER: `auto` lets the rows decide; `dmy` or `mdy` says the order. */
export type DateOrderSetting = 'auto' | DateOrder;

const MONTH_FIRST_COUNTRIES = new Set(['US', 'CA']);

/**
 * The usual order of a row's country (its Country cell, else the country of its time zone):
 * month-first in the US and Canada, day-first elsewhere; undefined when neither says.
 */
function orderOfCountry(country: CellValue | undefined, zone?: string): DateOrder | undefined {
  let codes = typeof country === 'string' && countryCode(country) ? [countryCode(country)!] : [];
  if (codes.length === 0 && zone) codes = [countryOfZone(zone)].filter((c): c is string => c !== undefined);
  if (codes.length === 0) return undefined;
  const monthFirst = codes.map((c) => MONTH_FIRST_COUNTRIES.has(c));
  return monthFirst.every(Boolean) ? 'mdy' : monthFirst.some(Boolean) ? undefined : 'dmy';
}

export interface OrderPlan {
  decision?: DateOrderDecision;
  /** The order for the file's rows, or undefined when none can be said. */
  orderFor(country: CellValue | undefined, zone?: string): DateOrder | undefined;
  /** Set when the file proves both orders and nothing decides: numeric dates are refused. */
  conflict?: string;
  /**
   * Why a row's date that reads both ways is not read, when the row's own country (or written
   * zone) implies the order other than the one the file's proving rows show: one proving row
   * does not flip the rows of another country's order.
   */
  contradiction?(country: CellValue | undefined, writtenZone: string | undefined): string | undefined;
}

const ORDER_NAME: Record<DateOrder, string> = { dmy: 'day-first', mdy: 'month-first' };

/** A numeric date that reads both ways, where a country's habit matters (dotted dates are day-first everywhere). */
export const twoWay = (part: string): boolean => !part.includes('.') && numericDateOrders(part)?.length === 2;

/**
 * Decides the order of a file's numeric dates: an explicit DATE_ORDER (dmy or mdy) decides, and
 * rows that can only be read the other way are refused. With `auto`: rows that can only be read
 * one way prove it, else the rows' countries (US and CA month-first, elsewhere day-first). When
 * the proof contradicts a row's own country (or written zone), that row's dates that read both
 * ways are refused rather than flipped, naming the conflict and DATE_ORDER.
 *
 * `zone` is the zone the row is read in (its written zone, else the default zone) and only
 * votes when no row proves the order; `writtenZone` is the zone written on the row.
 */
export function decideDateOrder(rows: DateRow[], setting: DateOrderSetting = 'auto'): OrderPlan {
  const { proof, numeric } = proofOf(rows);
  if (setting !== 'auto') {
    const against = proof[setting === 'dmy' ? 'mdy' : 'dmy'];
    return fixedOrder(
      setting,
      `DATE_ORDER=${setting}${against.length > 0 ? `; ${cite(against)} can only be ${ORDER_NAME[setting === 'dmy' ? 'mdy' : 'dmy']} and is refused` : ''}`,
      numeric,
    );
  }
  if (proof.dmy.length > 0 && proof.mdy.length === 0) return provenOrder(rows, proof, 'dmy');
  if (proof.mdy.length > 0 && proof.dmy.length === 0) return provenOrder(rows, proof, 'mdy');
  if (proof.dmy.length === 0) return orderOfCountries(rows, 'no row proves the order', numeric);
  const conflict = `the file has both day-first dates (${cite(proof.dmy)}) and month-first dates (${cite(proof.mdy)}): set DATE_ORDER=dmy or mdy`;
  return {
    decision: { order: 'undecided', basis: conflict },
    orderFor: () => undefined,
    conflict,
  };
}

/** What decideDateOrder needs of a row. */
type DateRow = { row: number; date: CellValue | undefined; country: CellValue | undefined; zone?: string; writtenZone?: string };

/** Rows whose numeric date can only be read one way, per order, with the date as written. */
type Proof = Record<DateOrder, { row: number; text: string }[]>;

/** The rows that prove an order, and how many rows have a numeric date at all. */
function proofOf(rows: DateRow[]): { proof: Proof; numeric: number } {
  const proof: Proof = { dmy: [], mdy: [] };
  let numeric = 0;
  for (const r of rows) {
    const part = numericDatePart(r.date);
    if (!part) continue;
    numeric++;
    const orders = numericDateOrders(part) ?? [];
    if (orders.length === 1) proof[orders[0]!].push({ row: r.row, text: part });
  }
  return { proof, numeric };
}

/** One order for every row; the decision is reported only when the file has numeric dates. */
function fixedOrder(order: DateOrder, basis: string, numeric: number): OrderPlan {
  return {
    decision: numeric > 0 ? { order, basis } : undefined,
    orderFor: () => order,
  };
}

/** "row 4 (14/03/2027) and 2 more". */
function cite(p: { row: number; text: string }[]): string {
  return `row ${p[0]!.row} (${p[0]!.text})${p.length > 1 ? ` and ${p.length - 1} more` : ''}`;
}

/** No row proves the order: dotted dates are day-first, else most rows' countries decide. */
function orderOfCountries(rows: DateRow[], why: string, numeric: number): OrderPlan {
  const numericRows = rows.filter((r) => numericDatePart(r.date));
  if (numericRows.length === 0) return { orderFor: () => undefined };
  // Dotted dates (13.03.2027) are day-first wherever they are written.
  if (numericRows.every((r) => numericDatePart(r.date)!.includes('.')))
    return fixedOrder('dmy', `${why}: dotted dates are day-first (DD.MM.YYYY)`, numeric);
  // One file, one author's format: the order of most rows' countries, not each row's own.
  const votes = { mdy: 0, dmy: 0 };
  for (const r of numericRows) {
    const o = orderOfCountry(r.country, r.zone);
    if (o) votes[o]++;
  }
  if (votes.mdy === votes.dmy) {
    return {
      decision: { order: 'undecided', basis: `${why}, and the rows' countries do not say: set DATE_ORDER=dmy or mdy` },
      orderFor: () => undefined,
    };
  }
  const order: DateOrder = votes.mdy > votes.dmy ? 'mdy' : 'dmy';
  return fixedOrder(
    order,
    `${why}: ${votes[order]} of ${numericRows.length} rows are in ${order === 'mdy' ? 'US or CA' : 'countries outside US and CA'} by their country or time zone (DATE_ORDER=auto)`,
    numeric,
  );
}

/** Rows prove `order`: it is used, except for two-way dates of rows whose own country writes the other order. */
function provenOrder(rows: DateRow[], proof: Proof, order: DateOrder): OrderPlan {
  const other: DateOrder = order === 'dmy' ? 'mdy' : 'dmy';
  const because = `${cite(proof[order])} can only be ${ORDER_NAME[order]}`;
  // Rows of the other order's countries whose dates read both ways: the proof cannot say them.
  const contradicting = rows.filter((r) => {
    const part = numericDatePart(r.date);
    return part && twoWay(part) && orderOfCountry(r.country, r.writtenZone) === other;
  });
  const plan: OrderPlan = {
    decision: { order, basis: because },
    orderFor: () => order,
    contradiction: (country, writtenZone) =>
      orderOfCountry(country, writtenZone) === other
        ? `reads both ways, and this row's ${typeof country === 'string' && countryCode(country) ? `country (${countryCode(country)})` : `time zone (${writtenZone})`} writes ${ORDER_NAME[other]} dates while ${because}: set DATE_ORDER=${other} or ${order}, or write the date as YYYY-MM-DD`
        : undefined,
  };
  if (contradicting.length > 0) {
    plan.decision!.basis += `; ${contradicting.length} row${contradicting.length > 1 ? 's' : ''} (${contradicting.map((r) => r.row).join(', ')}) whose country writes ${ORDER_NAME[other]} dates and whose date reads both ways ${contradicting.length > 1 ? 'are' : 'is'} refused, not flipped: set DATE_ORDER`;
  }
  return plan;
}
