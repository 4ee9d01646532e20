import type { auth as googleAuth } from '@googleapis/sheets';
import { z } from 'zod';
import { CatalogFormatError } from '../parse/columns';
import { parseCatalog } from '../parse/catalog';
import { tableFromRows } from '../parse/table';
import type { DateOrderSetting } from '../parse/date-order';
import { CatalogReadError, type CatalogReader } from './reader';
import { lookUpPlace } from '../places';

/** The clients the Sheets API accepts as `auth` (google-auth-library's, as @googleapis/sheets re-exports them). */
type SheetsAuth = InstanceType<typeof googleAuth.OAuth2> | InstanceType<typeof googleAuth.GoogleAuth>;

export const SHEETS_READONLY_SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';

export interface SheetsReaderOptions {
  spreadsheetId: string;
  /** Worksheet (tab) name; the whole used range of it is read. */
  worksheet: string;
  /** DEFAULT_EVENT_TIMEZONE: for rows that name no place (no zone, city, state or country). */
  defaultTimeZone?: string | undefined;
  /** DATE_ORDER, for dates typed as text that no row proves the order of. */
  dateOrder?: DateOrderSetting;
  /** Sheets API root (https://sheets.googleapis.com/ when unset): tests and proxies. */
  rootUrl?: string;
  /** Service-account key file; Application Default Credentials when unset. Ignored when `auth` is given. */
  keyFile?: string;
  /** A ready client (an OAuth2 client with a preset access token, say). */
  auth?: SheetsAuth;
  timeoutMs?: number;
}

/**
 * Values exactly as the Sheets v4 values API returns them with UNFORMATTED_VALUE: strings,
 * numbers and booleans (checkboxes); empty trailing cells and rows are left out.
 */
const valueRangeSchema = z.object({
  range: z.string(),
  majorDimension: z.string().optional(),
  values: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))).optional(),
});

/**
 * The catalog from a worksheet of a Google Sheet, through Google's own Sheets client
 * (`@googleapis/sheets`, the Sheets part of `googleapis`).
 *
 * Dates are asked for as serial numbers (UNFORMATTED_VALUE + SERIAL_NUMBER) so that the
 * sheet's locale and display formats never change how a date reads: a date cell arrives as
 * days since 1899-12-30 in the venue's wall time, a text cell as its text.
 */
export function createSheetsReader(opts: SheetsReaderOptions): CatalogReader {
  const origin = `Google Sheet ${opts.spreadsheetId}, worksheet "${opts.worksheet}"`;
  return {
    origin,
    async read() {
      // Google's client takes a while to load: only commands that read the sheet pay it.
      const { sheets: sheetsApi, auth: googleAuthModule } = await import('@googleapis/sheets');
      const auth = opts.auth ?? serviceAccountAuth(googleAuthModule.GoogleAuth, opts.keyFile);
      const sheets = sheetsApi({ version: 'v4', auth, ...(opts.rootUrl ? { rootUrl: opts.rootUrl.replace(/\/?$/, '/') } : {}) });
      let data: unknown;
      try {
        const res = await sheets.spreadsheets.values.get(
          {
            spreadsheetId: opts.spreadsheetId,
            range: quoteSheetName(opts.worksheet),
            majorDimension: 'ROWS',
            valueRenderOption: 'UNFORMATTED_VALUE',
            dateTimeRenderOption: 'SERIAL_NUMBER',
          },
          { timeout: opts.timeoutMs ?? 30_000, retryConfig: { retry: 2 } },
        );
        data = res.data;
      } catch (err) {
        const status = googleErrorSchema.safeParse(err);
        const code = status.success ? (status.data.response?.status ?? status.data.status) : undefined;
        const kind = code !== undefined && code >= 400 && code < 500 && code !== 429 ? 'input' : 'unavailable';
        throw new CatalogReadError(describeSheetsError(err, opts), { cause: err, kind });
      }
      const parsed = valueRangeSchema.safeParse(data);
      if (!parsed.success)
        throw new CatalogReadError(
          `${origin}: unexpected response from the Sheets API (${parsed.error.issues[0]?.message ?? 'bad shape'})`,
        );
      try {
        return parseCatalog(tableFromRows(origin, parsed.data.values ?? []), {
          defaultTimeZone: opts.defaultTimeZone,
          dateOrder: opts.dateOrder,
          lookUpPlace,
        });
      } catch (err) {
        if (err instanceof CatalogFormatError) throw new CatalogReadError(`${origin}: ${err.message}`, { cause: err });
        throw err;
      }
    },
  };
}

/**
 * A key file, or Application Default Credentials. Service accounts sign their own JWT for the
 * Sheets API (what Google's own client libraries do) instead of trading it for a token first.
 */
function serviceAccountAuth(
  GoogleAuth: typeof googleAuth.GoogleAuth,
  keyFile: string | undefined,
): InstanceType<typeof googleAuth.GoogleAuth> {
  const auth = new GoogleAuth({ scopes: [SHEETS_READONLY_SCOPE], ...(keyFile ? { keyFile } : {}) });
  auth.useJWTAccessWithScope = true;
  return auth;
}

/** A1 notation for "the whole worksheet": its name, quoted, quotes doubled. */
export function quoteSheetName(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

const googleErrorSchema = z.object({
  status: z.number().optional(),
  message: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
  response: z
    .object({
      status: z.number().optional(),
      data: z.unknown().optional(),
    })
    .optional(),
});
const googleErrorBody = z.object({
  error: z.object({ code: z.number().optional(), message: z.string().optional(), status: z.string().optional() }),
});

/** Turns what Google's client throws into a sentence that says what to fix. */
export function describeSheetsError(err: unknown, opts: Pick<SheetsReaderOptions, 'spreadsheetId' | 'worksheet' | 'keyFile'>): string {
  const e = googleErrorSchema.safeParse(err);
  const status = e.success ? (e.data.response?.status ?? e.data.status) : undefined;
  const body = e.success ? googleErrorBody.safeParse(e.data.response?.data) : undefined;
  const google = body?.success ? body.data.error.message : undefined;
  const message = google ?? (err instanceof Error ? err.message : String(err));
  const sheet = `Google Sheet ${opts.spreadsheetId}`;
  switch (status) {
    case 404:
      return `${sheet} was not found (${message}): check GOOGLE_SHEET_ID`;
    case 403:
      return `no permission to read ${sheet} (${message}): share the sheet with the service account's e-mail (client_email in the key file) and enable the Sheets API in its project`;
    case 401:
      return `Google rejected the credentials for ${sheet} (${message}): check GOOGLE_APPLICATION_CREDENTIALS`;
    case 400:
      return /range/i.test(message)
        ? `worksheet "${opts.worksheet}" was not found in ${sheet} (${message}): check GOOGLE_SHEET_WORKSHEET`
        : `cannot read ${sheet}: ${message}`;
    default:
      break;
  }
  if (/default credentials/i.test(message)) {
    return `no Google credentials (${message}): set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or unset GOOGLE_SHEET_ID to use EVENTS_FILE`;
  }
  if (opts.keyFile && /ENOENT|no such file/i.test(message))
    return `cannot read the key file ${opts.keyFile} (GOOGLE_APPLICATION_CREDENTIALS): ${message}`;
  return `cannot read ${sheet}: ${status ? `HTTP ${status}: ` : ''}${message}`;
}
