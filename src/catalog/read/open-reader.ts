import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../../config/index';
import type { ParsedCatalog } from '../parse/parsed';
import { createFileReader } from './file-reader';
import { createSheetsReader, type SheetsReaderOptions } from './sheets-reader';
import type { CatalogReader } from './reader';
import { fromRoot } from '../../config/paths';

/**
 * The configured catalog: the Google Sheet when GOOGLE_SHEET_ID is set, else EVENTS_FILE.
 * `file` forces a file (the CLI's --file); `auth` hands the Sheets client ready credentials.
 */
export function catalogReader(env: Env, opts: { file?: string; auth?: SheetsReaderOptions['auth'] } = {}): CatalogReader {
  if (!opts.file && env.GOOGLE_SHEET_ID) {
    return createSheetsReader({
      spreadsheetId: env.GOOGLE_SHEET_ID,
      worksheet: env.GOOGLE_SHEET_WORKSHEET,
      defaultTimeZone: env.DEFAULT_EVENT_TIMEZONE,
      dateOrder: env.DATE_ORDER,
      rootUrl: env.GOOGLE_SHEETS_ROOT_URL,
      keyFile: env.GOOGLE_APPLICATION_CREDENTIALS,
      auth: opts.auth,
    });
  }
  return createFileReader({
    file: locate(opts.file ?? env.EVENTS_FILE),
    defaultTimeZone: env.DEFAULT_EVENT_TIMEZONE,
    dateOrder: env.DATE_ORDER,
  });
}

/** Reads and parses the configured catalog. Throws CatalogReadError when it cannot be read. */
export function readCatalog(env: Env): Promise<ParsedCatalog> {
  return catalogReader(env).read();
}

/** A relative path is taken from the working folder, or from the project when it is not there (the default sample). */
function locate(file: string): string {
  if (path.isAbsolute(file) || existsSync(file)) return file;
  const inProject = fromRoot(file);
  return existsSync(inProject) ? inProject : file;
}
