/**
 * An event's status as a marketplace states it, stored per observation (per scrape). Pure: no
 * I/O, safe to import from workflows.
 *
 * Only Ticketmaster's Discovery format carries one (`dates.status.code`: onsale, offsale,
 * cancelled, postponed, rescheduled; real payloads and Ticketmaster's own documentation also
 * spell it "canceled"). Vivid Seats' listings response, SeatGeek's event (a cancelled event is a
 * 404 there) and StubHub's Catalog event carry none: their scrapes store null, "not given".
 */
export const EVENT_STATUSES = ['onsale', 'offsale', 'cancelled', 'postponed', 'rescheduled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** Statuses under which the event's prices are not live prices: shown marked, never alerted on. */
export const NOT_LIVE_STATUSES: readonly EventStatus[] = ['cancelled', 'postponed'];

/** What one payload said about its event's status. */
export interface EventStatusObservation {
  status: EventStatus;
  /** The field it came from ("dates.status.code"). */
  path: string;
  /**
   * The start the payload gives (ISO instant, Ticketmaster `dates.start.dateTime`), or null when
   * it gives none (a postponed event often has only `dateTBA`). Taken as the event's start only
   * when the status is "rescheduled".
   */
  startsAt: string | null;
}

/** A status code as a payload writes it (" Canceled") -> the stored status, or undefined when it is none of them. */
export function eventStatusOf(raw: string): EventStatus | undefined {
  const code = raw.trim().toLowerCase();
  if (code === 'canceled') return 'cancelled';
  return (EVENT_STATUSES as readonly string[]).includes(code) ? (code as EventStatus) : undefined;
}

/** True when prices observed under this status must not be shown or alerted on as live prices. */
export function isLiveStatus(status: EventStatus | null | undefined): boolean {
  return status === null || status === undefined || !NOT_LIVE_STATUSES.includes(status);
}

/**
 * The latest status an event's marketplaces stated, and what follows from it: whether the event
 * is still scraped, and the start to use (a rescheduled event takes the marketplace's new start).
 */
export interface EventStatusState {
  status: EventStatus;
  marketplace: string;
  /** When the scrape that said so was captured (ISO). */
  observedAt: string;
  /** The marketplace's start for a rescheduled event; null otherwise. */
  rescheduledStartsAt: string | null;
}

/** Why an event is no longer scraped, in words for `events list` and reports; null while it is. */
export function stoppedReason(state: EventStatusState | null): string | null {
  if (state === null || state.status !== 'cancelled') return null;
  return `cancelled (${state.marketplace}, ${state.observedAt.slice(0, 16).replace('T', ' ')} UTC): no longer scraped`;
}

/** The label of a status for tables: "cancelled", "postponed", ...; "" when none was given. */
export function statusLabel(state: EventStatusState | null): string {
  if (state === null) return '';
  if (state.status === 'rescheduled' && state.rescheduledStartsAt)
    return `rescheduled to ${state.rescheduledStartsAt.slice(0, 16).replace('T', ' ')} UTC`;
  return state.status;
}
