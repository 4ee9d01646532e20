import type { ParsedCatalog } from '../domain/catalog';

/**
 * Where the event catalog comes from: a Google Sheet or a file. A source reads and parses the
 * whole catalog at once; it throws CatalogReadError when it cannot (the sync then changes
 * nothing), and reports bad rows inside the ParsedCatalog otherwise.
 */
export interface CatalogSource {
  /** For messages: "Google Sheet 1AbC…, worksheet Events" or "file samples/events.csv". */
  readonly origin: string;
  read(): Promise<ParsedCatalog>;
}

/** The source as a whole could not be read or is not a catalog: nothing was synced. */
export class CatalogReadError extends Error {
  override name = 'CatalogReadError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
