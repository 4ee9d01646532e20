import type { ParsedCatalog } from '../parse/parsed';

/**
 * Where the event catalog comes from: a Google Sheet or a file. A reader reads and parses the
 * whole catalog at once; it throws CatalogReadError when it cannot (the sync then changes
 * nothing), and reports bad rows inside the ParsedCatalog otherwise.
 */
export interface CatalogReader {
  /** For messages: "Google Sheet 1AbC…, worksheet Events" or "file samples/events.csv". */
  readonly origin: string;
  read(): Promise<ParsedCatalog>;
}

/**
 * The catalog as a whole could not be read or is not a catalog: nothing was synced. `input`: the
 * file or sheet itself is wrong (missing, unreadable bytes, no header, no permission) and a person
 * must fix it; `unavailable`: the service failed (a retry may work).
 */
export class CatalogReadError extends Error {
  override name = 'CatalogReadError';
  readonly kind: 'input' | 'unavailable';
  constructor(message: string, options?: { cause?: unknown; kind?: 'input' | 'unavailable' }) {
    super(message, options);
    this.kind = options?.kind ?? 'input';
  }
}
