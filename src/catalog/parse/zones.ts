import { formatOffset, wallTimeInstants, zonedWallTimeToInstant } from '../../domain/local-time';
import type { LocalStart } from './dates';

/**
 * A row's time zone from where the event is, and the instant of its local start in a zone. Pure:
 * the places come from a PlaceLookup the caller passes in (src/catalog/places/ reads the data).
 */

/** A row's place as its cells write it. */
export interface PlaceQuery {
  city?: string | undefined;
  state?: string | undefined;
  country?: string | undefined;
}

/** A place the row's cells may mean, with the IANA zone at its coordinates. */
export interface PlaceCandidate {
  /** For messages: "Portland, ME, US", "Perth, Western Australia, AU". */
  place: string;
  country: string;
  /** People there (for a state, the sum over its places in that zone; for a country, a rank). */
  population: number;
  zone: string;
}

export interface PlaceAnswer {
  /** What the cells were read as, for messages: "Portland, ME, US". */
  what: string;
  /** Which cell found the candidates: a city, else a state or province, else the country. */
  basis: 'city' | 'state' | 'country';
  /** Most populous first; empty when nothing matched. */
  candidates: PlaceCandidate[];
  /** Cells that were not used, and why ("XY" is not a state this reader knows). */
  notes: string[];
}

/** Finds the places a row names; undefined when the row names none (no city, state or country). */
export type PlaceLookup = (query: PlaceQuery) => PlaceAnswer | undefined;

/** How much larger the largest place must be than every other of its name in another zone to be the one meant (Perth, AU; Las Vegas, US). */
export const DOMINANT_PLACE_RATIO = 20;

export type ZoneChoice = { ok: true; zone: string; note: string } | { ok: false; reason: string };

/** The largest candidate of each zone, most populous first: "Portland, OR, US (America/Los_Angeles), Portland, ME, US (America/New_York)". */
const listCandidates = (all: PlaceCandidate[]): string => {
  const candidates = all.filter((c, i) => all.findIndex((o) => o.zone === c.zone) === i);
  // A state's or a country's zones: the place is said once, before the list.
  if (candidates.every((c) => c.place === candidates[0]?.place)) return listed(candidates.map((c) => ({ ...c, place: c.country })));
  return listed(candidates);
};
const listed = (candidates: PlaceCandidate[]): string =>
  candidates
    .slice(0, 6)
    .map((c) => (c.place === c.country ? c.zone : `${c.place} (${c.zone})`))
    .join(', ') + (candidates.length > 6 ? ` and ${candidates.length - 6} more` : '');

/**
 * The zone a row's place gives, or why none can be said. One zone among the candidates, or
 * several that put the row's local start at one instant (Detroit and New York), is used; for a
 * city, so is the zone of a place at least DOMINANT_PLACE_RATIO times larger than every other
 * of its name in a zone with another instant. Otherwise the row is refused with the candidates.
 * `instantIn` gives the row's start in a zone (undefined when it cannot: TBA, a skipped hour).
 */
export function zoneFromPlace(answer: PlaceAnswer, instantIn: (zone: string) => number | undefined): ZoneChoice {
  const notes = answer.notes.length > 0 ? ` (${answer.notes.join('; ')})` : '';
  const [top, ...rest] = answer.candidates;
  if (!top)
    return {
      ok: false,
      reason: `${answer.notes.join('; ') || `"${answer.what}" is not a place this reader knows`}; or write the venue's IANA zone in a Time Zone column`,
    };
  const at = instantIn(top.zone);
  const differing = rest.filter((c) => c.zone !== top.zone && (at === undefined || instantIn(c.zone) !== at));
  const from = `zone from ${answer.basis}: ${top.zone}`;
  if (differing.length === 0) {
    const sameInstant = rest.some((c) => c.zone !== top.zone);
    return { ok: true, zone: top.zone, note: `${from} (${top.place}${sameInstant ? '; its other zones give the same time' : ''})${notes}` };
  }
  const runnerUp = Math.max(...differing.map((c) => c.population));
  if (answer.basis === 'city' && top.population >= DOMINANT_PLACE_RATIO * Math.max(runnerUp, 1)) {
    return {
      ok: true,
      zone: top.zone,
      note: `${from} (${top.place}, the largest "${answer.what.split(',')[0]}"; also ${listCandidates(differing.slice(0, 2))})${notes}`,
    };
  }
  const what =
    answer.basis === 'country'
      ? `${answer.notes.length > 0 ? `${answer.notes.join('; ')}, and ` : ''}${answer.what} has several time zones`
      : `"${answer.what}" is in several time zones${notes}`;
  const advice =
    answer.basis === 'city'
      ? 'add a State column (or write "City, ST"), or write the zone in a Time Zone column'
      : answer.notes.length > 0
        ? 'check the City and State cells, or write the zone in a Time Zone column'
        : 'fill City, or write the zone in a Time Zone column';
  return { ok: false, reason: `${what}: ${listCandidates([top, ...differing])}; ${advice}` };
}

/**
 * When the row's written zone puts its start at another instant than the zone of its place
 * (Vancouver written as America/Toronto, Paris in July as GMT+1): what to check. The written
 * zone is used (a person wrote it); undefined when they agree or the place says no one zone.
 */
export function writtenZoneConflict(answer: PlaceAnswer | undefined, zone: string, start: LocalStart, at: Date): string | undefined {
  if (!answer || answer.candidates.length === 0) return undefined;
  const instantIn = instantInZone(start);
  const choice = zoneFromPlace(answer, instantIn);
  if (!choice.ok || choice.zone === zone) return undefined;
  const there = instantIn(choice.zone);
  if (there === undefined || there === at.getTime()) return undefined;
  return `${zone} puts the start at ${at.toISOString()}, but ${answer.candidates[0]!.place} is ${choice.zone} (${new Date(there).toISOString()}): the written zone is used; check it`;
}

/** For a refused zone cell: the zone the place suggests ("probably America/Chicago (Nashville, TN, US)"), or its candidates. */
export function placeHint(answer: PlaceAnswer): string | undefined {
  const choice = zoneFromPlace(answer, () => undefined);
  if (choice.ok) return `probably ${choice.zone} (from ${answer.candidates[0]?.place ?? answer.what})`;
  if (answer.candidates.length > 0) return `one of ${listCandidates(answer.candidates)}`;
  return undefined;
}

export type Instant = { ok: true; instant: Date | null } | { ok: false; reason: string };

/**
 * The instant of a local start in a zone (null when TBA; local midnight for a date only). A
 * wall time the zone skips (clocks forward) or repeats (clocks back) is refused: either reading
 * is a guess an hour off; a written UTC offset says which.
 */
export function instantOf(start: LocalStart, zone: string): Instant {
  if (start.precision === 'tba') return { ok: true, instant: null };
  const { year, month, day } = start.date;
  if (start.precision === 'date')
    return { ok: true, instant: zonedWallTimeToInstant({ year, month, day, hour: 0, minute: 0, second: 0 }, zone) };
  const { hour, minute, second } = start.time;
  if (start.offsetMinutes !== undefined)
    return { ok: true, instant: new Date(Date.UTC(year, month - 1, day, hour, minute, second) - start.offsetMinutes * 60_000) };
  const wall = { year, month, day, hour, minute, second };
  const local = `${year}-${pad2(month)}-${pad2(day)} ${pad2(hour)}:${pad2(minute)}`;
  const instants = wallTimeInstants(wall, zone);
  if (instants.length === 1) return { ok: true, instant: instants[0]! };
  if (instants.length === 0) {
    return {
      ok: false,
      reason: `${local} does not exist in ${zone} (the clocks go forward over it): check the time; write it with its UTC offset if it is meant`,
    };
  }
  const offsets = instants.map((t) =>
    formatOffset(Math.round((Date.UTC(year, month - 1, day, hour, minute, second) - t.getTime()) / 60_000)),
  );
  return {
    ok: false,
    reason: `${local} happens twice in ${zone} (the clocks go back over it): write which with its UTC offset, ${offsets[0]} for the first or ${offsets[1]} for the second (in the time zone column, or right after the time: ${pad2(hour)}:${pad2(minute)}${offsets[0]})`,
  };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The start's instant in a zone, in epoch milliseconds, for zoneFromPlace: undefined when it has none there (TBA, a skipped or repeated hour). */
export function instantInZone(start: LocalStart): (zone: string) => number | undefined {
  return (zone) => {
    const r = instantOf(start, zone);
    return r.ok && r.instant ? r.instant.getTime() : undefined;
  };
}
