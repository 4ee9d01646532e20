import { cityMapping, lookupViaCity } from 'city-timezones';

/**
 * Which IANA zone a row's country and city suggest, for the hint that goes with a refused time
 * zone ("BST" -> Europe/London for London, GB). Only ever a hint: the row is refused and a person
 * writes the zone, because a guessed zone is a start time stored hours off.
 *
 * Data: city-timezones (7,300 cities with their country and IANA zone).
 */

const COUNTRY_ALIASES: Record<string, string> = {
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  usa: 'US',
  'u.s.': 'US',
  'u.s.a.': 'US',
  'united states of america': 'US',
  america: 'US',
};

let countries: { byName: Map<string, string>; zones: Map<string, Set<string>>; countriesOfZone: Map<string, Set<string>> } | undefined;

function countryData(): NonNullable<typeof countries> {
  if (!countries) {
    const byName = new Map<string, string>();
    const zones = new Map<string, Set<string>>();
    const countriesOfZone = new Map<string, Set<string>>();
    for (const c of cityMapping) {
      const of = countriesOfZone.get(c.timezone) ?? new Set<string>();
      of.add(c.iso2);
      countriesOfZone.set(c.timezone, of);
      byName.set(c.country.toLowerCase(), c.iso2);
      byName.set(c.iso3.toLowerCase(), c.iso2);
      const set = zones.get(c.iso2) ?? new Set<string>();
      set.add(c.timezone);
      zones.set(c.iso2, set);
    }
    countries = { byName, zones, countriesOfZone };
  }
  return countries;
}

/** ISO 3166 alpha-2 code of a country cell ("GB", "United Kingdom", "UK", "usa"), or undefined. */
export function countryCode(cell: string | null | undefined): string | undefined {
  if (!cell) return undefined;
  const s = cell.trim();
  const data = countryData();
  if (/^[A-Za-z]{2}$/.test(s) && data.zones.has(s.toUpperCase())) return s.toUpperCase();
  const lower = s.toLowerCase();
  return COUNTRY_ALIASES[lower] ?? data.byName.get(lower);
}

/**
 * The zone the city (within the country, when known), else the state or province (when all its
 * cities share one zone), else the country has; undefined when none says.
 */
export function suggestTimeZone(
  country: string | null | undefined,
  city: string | null | undefined,
  state?: string | null,
): { zone: string; from: string } | undefined {
  // A catalog repeats its cities row after row, and each look-up scans every city: remember them.
  const key = [country ?? '', city ?? '', state ?? ''].join('\u0000');
  if (!suggested.has(key)) {
    if (suggested.size > 50_000) suggested.clear(); // a worker runs for months
    suggested.set(key, suggestUncached(country, city, state));
  }
  return suggested.get(key);
}

const suggested = new Map<string, { zone: string; from: string } | undefined>();

function suggestUncached(
  country: string | null | undefined,
  city: string | null | undefined,
  state?: string | null,
): { zone: string; from: string } | undefined {
  const code = countryCode(country);
  if (city && city.trim()) {
    const matches = lookupViaCity(city.trim()).filter((c) => !code || c.iso2 === code);
    // The most populous match: "London" in GB is London, not London, Ontario.
    const best = matches.sort((a, b) => b.pop - a.pop)[0];
    if (best) return { zone: best.timezone, from: [city.trim(), code].filter(Boolean).join(', ') };
  }
  if (code && state && state.trim()) {
    const s = state.trim().toLowerCase();
    const zones = new Set(
      cityMapping
        .filter(
          (c) => c.iso2 === code && (c.province.toLowerCase() === s || (c as { state_ansi?: string }).state_ansi?.toLowerCase() === s),
        )
        .map((c) => c.timezone),
    );
    if (zones.size === 1) return { zone: [...zones][0]!, from: `${state.trim()}, ${code}` };
  }
  if (code) {
    const zones = [...(countryData().zones.get(code) ?? [])];
    if (zones.length === 1) return { zone: zones[0]!, from: code };
  }
  return undefined;
}

/** The countries whose cities use an IANA zone (America/Chicago -> US; Europe/Berlin -> DE). */
export function countriesOfZone(zone: string): string[] {
  return [...(countryData().countriesOfZone.get(zone) ?? [])];
}

/** Every IANA zone the cities of a country use (US -> America/New_York, America/Chicago, ...). */
export function zonesOfCountry(code: string): string[] {
  return [...(countryData().zones.get(code) ?? [])];
}
