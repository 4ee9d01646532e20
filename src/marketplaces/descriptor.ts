import type { PriceBasis } from '../domain/price-basis';

/**
 * The pure part of a marketplace's descriptor: what every other part of the product needs to know
 * about a marketplace without talking to it (its name and label, the sheet headers that carry its
 * event ids, its settings and how to tell whether it is configured). No I/O: the configuration,
 * the catalog and the workflows import it. Its adapter, payload parser and mock route live beside
 * it in the same folder (adapter.ts, mock.ts); registry.ts lists every descriptor, and everything
 * else iterates that list.
 */
export interface MarketplaceSettingSpec {
  /** Environment variable, e.g. "SEATGEEK_CLIENT_ID". */
  name: string;
  kind: 'base-url' | 'credential' | 'rate';
  description: string;
  /** For a rate: requests per second across every worker, when the setting is not given. */
  default?: number;
}

export interface MarketplaceDescriptor<N extends string = string> {
  name: N;
  /** How people write it ("Vivid Seats"). */
  label: string;
  /** Its colour on the dashboard (lines, cards), a CSS hex colour ("#d62728"). */
  color: string;
  /** The sheet header as people write it ("Vivid Seats ID"), for messages. */
  header: string;
  /** Sheet headers that hold the marketplace's event id, normalized (lowercase letters and digits only). */
  headerAliases: readonly string[];
  /** Prefixes of an EVENT reference naming this marketplace's id ("vivid:4067924"), lowercase. */
  refPrefixes: readonly string[];
  /**
   * The marketplace's event page links and where the event id sits in them, so a link pasted
   * into an id cell or given as EVENT yields the id: `host` matches the URL's hostname, `id`'s
   * first group captures the id from its path. `notAnId` refuses a captured code that is not
   * the id the adapter calls with (a page's own event code), with the reason to show.
   */
  eventLinks: readonly { host: RegExp; id: RegExp; notAnId?: { code: RegExp; reason: string } }[];
  /**
   * The event's page for a buyer, from its id alone, where the marketplace has such a link (its
   * own redirect to the full page); absent where the page needs more than the id (a slug, or a
   * page code other than the API's id). Alerts link to it.
   */
  eventPageUrl?: (marketplaceEventId: string) => string;
  /**
   * The price bases (src/domain/price-basis.ts) the marketplace gives, each from which field of
   * its payload, or why it does not give it. A basis not given is null on every figure of this
   * marketplace, never filled from the other basis.
   */
  priceBases: { readonly [B in PriceBasis]: { readonly field: string } | { readonly notGiven: string } };
  /** Every setting of this marketplace: its base URL, its credentials, its rate. */
  settings: readonly MarketplaceSettingSpec[];
  /** The setting holding the requests-per-second rate (one of `settings`). */
  rateSetting: string;
  /** What to set to enable it, or undefined when its credentials are there. `get` reads a setting. */
  credentialProblem(get: (setting: string) => unknown): string | undefined;
}
