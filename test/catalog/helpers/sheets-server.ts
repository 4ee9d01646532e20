import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CellValue } from '../../../src/catalog/parse/cells';

/**
 * A local HTTP server that speaks the part of the Google Sheets v4 API the catalog uses:
 * GET /v4/spreadsheets/{id}/values/{range}, with Google's response and error bodies. It
 * accepts a preset bearer token, or a service account's self-signed JWT whose signature it
 * checks with the account's public key, exactly as Google does.
 */
export interface SheetsServerOptions {
  /** spreadsheet id -> worksheet name -> rows of cells (as UNFORMATTED_VALUE returns them). */
  spreadsheets: Record<string, Record<string, CellValue[][]>>;
  /** Spreadsheets that exist but the caller may not read (403). */
  forbidden?: string[];
  accessToken?: string;
  serviceAccount?: { clientEmail: string; publicKeyPem: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

export interface SheetsServer {
  rootUrl: string;
  requests: RecordedRequest[];
  /** Replaces a worksheet's rows (tests change the sheet between syncs). */
  setRows(spreadsheetId: string, worksheet: string, rows: CellValue[][]): void;
  stop(): Promise<void>;
}

const UNAUTHENTICATED =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

export async function startSheetsServer(opts: SheetsServerOptions): Promise<SheetsServer> {
  const requests: RecordedRequest[] = [];
  const publicKey: KeyObject | undefined = opts.serviceAccount ? createPublicKey(opts.serviceAccount.publicKeyPem) : undefined;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    });
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const error = (code: number, status: string, message: string): void => send(code, { error: { code, message, status } });

    const m = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) {
      error(404, 'NOT_FOUND', `Method not found.`);
      return;
    }
    if (!authorized(req.headers.authorization, opts, publicKey)) {
      error(401, 'UNAUTHENTICATED', UNAUTHENTICATED);
      return;
    }
    const spreadsheetId = decodeURIComponent(m[1]!);
    const range = decodeURIComponent(m[2]!);
    const book = opts.spreadsheets[spreadsheetId];
    if (!book) {
      error(404, 'NOT_FOUND', 'Requested entity was not found.');
      return;
    }
    if (opts.forbidden?.includes(spreadsheetId)) {
      error(403, 'PERMISSION_DENIED', 'The caller does not have permission');
      return;
    }
    const sheetName = worksheetOf(range);
    const rows = sheetName === undefined ? undefined : book[sheetName];
    if (!rows) {
      error(400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`);
      return;
    }
    send(200, valueRange(sheetName!, rows));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    rootUrl: `http://127.0.0.1:${port}/`,
    requests,
    setRows(spreadsheetId, worksheet, rows) {
      (opts.spreadsheets[spreadsheetId] ??= {})[worksheet] = rows;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** "'My ''Tab'''!A1:Z" -> "My 'Tab'"; "Events" -> "Events". */
function worksheetOf(range: string): string | undefined {
  const quoted = /^'((?:[^']|'')+)'(?:!.*)?$/.exec(range);
  if (quoted) return quoted[1]!.replace(/''/g, "'");
  const plain = /^([^!']+)(?:!.*)?$/.exec(range);
  return plain?.[1];
}

function isEmpty(c: CellValue | undefined): boolean {
  return c === null || c === undefined || c === '';
}

/** The API leaves out trailing empty cells of each row and trailing empty rows. */
function valueRange(sheetName: string, rows: CellValue[][]): { range: string; majorDimension: string; values?: CellValue[][] } {
  const trimmed = rows.map((r) => {
    let end = r.length;
    while (end > 0 && isEmpty(r[end - 1])) end--;
    return r.slice(0, end).map((c) => (c === null ? '' : c));
  });
  while (trimmed.length > 0 && trimmed[trimmed.length - 1]!.length === 0) trimmed.pop();
  const width = Math.max(1, ...trimmed.map((r) => r.length));
  const name = /^[A-Za-z0-9_]+$/.test(sheetName) ? sheetName : `'${sheetName.replace(/'/g, "''")}'`;
  const range = `${name}!A1:${columnLetters(width)}${Math.max(1, trimmed.length)}`;
  return trimmed.length > 0 ? { range, majorDimension: 'ROWS', values: trimmed } : { range, majorDimension: 'ROWS' };
}

function columnLetters(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

function authorized(header: string | undefined, opts: SheetsServerOptions, publicKey: KeyObject | undefined): boolean {
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!token) return false;
  if (opts.accessToken !== undefined && token === opts.accessToken) return true;
  if (!publicKey || !opts.serviceAccount) return false;
  // A self-signed service-account JWT: RS256 over "header.payload", issued by the account.
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const [h, p, sig] = parts as [string, string, string];
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(sig, 'base64url'))) return false;
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { iss?: string; exp?: number; scope?: string };
  return (
    payload.iss === opts.serviceAccount.clientEmail &&
    typeof payload.exp === 'number' &&
    payload.exp * 1000 > Date.now() &&
    (payload.scope ?? '').split(' ').includes('https://www.googleapis.com/auth/spreadsheets.readonly')
  );
}
