import { createRequire } from 'node:module';
import countryNames from 'i18n-iso-countries';
import type * as CountriesAndTimezones from 'countries-and-timezones' with { 'resolution-mode': 'import' };

// The package's types are declared as an ES module, its CommonJS build is what `require` loads.
const load = createRequire(__filename);
const { getAllCountries, getCountry, getCountryForTimezone } = load('countries-and-timezones') as typeof CountriesAndTimezones;

/**
 * Countries as catalog cells write them, and the IANA zones each uses. Pure functions over the
 * names of i18n-iso-countries and the tz database's zone.tab as packaged by countries-and-timezones
 * (data in the packages' code and JSON).
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
  inglaterra: 'GB',
  angleterre: 'GB',
  engeland: 'GB',
};

/** The languages whose headers the catalog reads (and Italian, Portuguese): their country names too. */
const NAME_LANGUAGES = ['en', 'de', 'fr', 'es', 'nl', 'it', 'pt'] as const;

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

let byName: Map<string, string> | undefined;

function names(): Map<string, string> {
  if (!byName) {
    const map = new Map<string, string>();
    for (const language of NAME_LANGUAGES) {
      countryNames.registerLocale(load(`i18n-iso-countries/langs/${language}.json`) as countryNames.LocaleData);
      // Every name the package knows per language ("Vereinigte Staaten", "Estados Unidos", "España").
      for (const [code, all] of Object.entries(countryNames.getNames(language, { select: 'all' })))
        for (const name of all) if (!map.has(fold(name))) map.set(fold(name), code);
    }
    for (const c of Object.values(getAllCountries())) {
      map.set(fold(c.name), c.id);
      map.set(c.id.toLowerCase(), c.id);
    }
    for (const [alias, code] of Object.entries(COUNTRY_ALIASES)) map.set(fold(alias).replace(/\.$/, ''), code);
    byName = map;
  }
  return byName;
}

/**
 * ISO 3166 alpha-2 code of a country cell ("GB", "GBR", "United Kingdom", "UK", "usa", and the
 * names in English, German, French, Spanish, Dutch, Italian and Portuguese: "España",
 * "Deutschland", "Brasil"), or undefined.
 */
export function countryCode(cell: string | null | undefined): string | undefined {
  if (!cell) return undefined;
  const s = fold(cell).replace(/\.$/, '');
  if (s === '') return undefined;
  if (/^[a-z]{3}$/.test(s)) return countryNames.alpha3ToAlpha2(s.toUpperCase()) ?? names().get(s);
  return names().get(s);
}

/** The country an IANA zone is named for (America/Chicago -> US; America/Toronto -> CA, though the Bahamas use it too). */
export function countryOfZone(zone: string): string | undefined {
  return getCountryForTimezone(zone)?.id;
}

/** Every IANA zone of a country in the tz database's zone.tab (US -> America/New_York, America/Chicago, ...). */
export function zonesOfCountry(code: string): string[] {
  return [...(getCountry(code)?.timezones ?? [])];
}
