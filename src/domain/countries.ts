import { createRequire } from 'node:module';
import type * as CountriesAndTimezones from 'countries-and-timezones' with { 'resolution-mode': 'import' };

// The package's types are declared as an ES module, its CommonJS build is what `require` loads.
const { getAllCountries, getCountry, getCountryForTimezone } = createRequire(__filename)(
  'countries-and-timezones',
) as typeof CountriesAndTimezones;

/**
 * Countries as catalog cells write them, and the IANA zones each uses. Pure functions over the tz
 * database's zone.tab as packaged by countries-and-timezones (data in the package's code).
 */

/** Names people write that are not the standard's English names. */
const COUNTRY_ALIASES: Record<string, string> = {
  uk: 'GB',
  'united kingdom': 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  usa: 'US',
  us: 'US',
  'u.s.': 'US',
  'u.s.a.': 'US',
  'united states': 'US',
  america: 'US',
  holland: 'NL',
  'the netherlands': 'NL',
  'south korea': 'KR',
  korea: 'KR',
  russia: 'RU',
  'czech republic': 'CZ',
  czechia: 'CZ',
  uae: 'AE',
};

let byName: Map<string, string> | undefined;

function names(): Map<string, string> {
  if (!byName) {
    byName = new Map(Object.entries(COUNTRY_ALIASES));
    for (const c of Object.values(getAllCountries())) {
      byName.set(c.name.toLowerCase(), c.id);
      byName.set(c.id.toLowerCase(), c.id);
    }
  }
  return byName;
}

/** ISO 3166 alpha-2 code of a country cell ("GB", "United Kingdom", "UK", "usa"), or undefined. */
export function countryCode(cell: string | null | undefined): string | undefined {
  if (!cell) return undefined;
  const s = cell.trim().toLowerCase();
  if (s === '') return undefined;
  return names().get(s) ?? names().get(s.replace(/\s+/g, ' '));
}

/** The country an IANA zone is named for (America/Chicago -> US; America/Toronto -> CA, though the Bahamas use it too). */
export function countryOfZone(zone: string): string | undefined {
  return getCountryForTimezone(zone)?.id;
}

/** Every IANA zone of a country in the tz database's zone.tab (US -> America/New_York, America/Chicago, ...). */
export function zonesOfCountry(code: string): string[] {
  return [...(getCountry(code)?.timezones ?? [])];
}
