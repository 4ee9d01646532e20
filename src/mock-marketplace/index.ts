import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { MarketplaceName } from '../domain/listing';
import { FaultRegistry, faultRuleSchema, type Fault, type FaultRule } from './faults';
import { stubHubCatalogEvent, stubHubCompListings, seatGeekEvent, ticketmasterEvent, vividSeatsListings } from './formats';
import { generateEvent, marketAt, type MockEvent } from './generator';

export type { Fault, FaultRule } from './faults';

/**
 * The mock marketplace: a real HTTP server on loopback that serves all four marketplaces'
 * formats, at the paths their real APIs use, for any event id, with faults on demand.
 *
 *   GET  /hermes/api/v1/listings?productionId=ID               Vivid Seats
 *   GET  /api/Listing/GetCompListingsByEventId?viagogoEventId=  StubHub Pro (needs a Cookie)
 *   POST /oauth2/token                                          StubHub OAuth (Basic auth)
 *   GET  /catalog/events/ID                                     StubHub Catalog (Bearer token)
 *   GET  /2/events/ID?client_id=                                SeatGeek
 *   GET  /discovery/v2/events/ID.json?apikey=                   Ticketmaster
 *   POST /__mock/faults  {marketplace?, eventId?, fault, times?}   set a fault
 *   DELETE /__mock/faults                                       clear faults
 *
 * Time: the `X-Mock-Now` request header (ISO date or epoch ms) or the server's clock.
 */
export interface MockMarketplaceOptions {
  port?: number;
  seed: number;
  host?: string;
  /** The clock (default Date.now); a request's X-Mock-Now header overrides it. */
  now?: () => number;
  /** Listings each event ever has (for load tests); by default each event draws 80 to 300. */
  poolSize?: number;
  /** Day zero of the generated calendar: events start 7 to 97 days after it (default: this week's start). */
  epochMs?: number;
}

export interface MockMarketplace {
  url: string;
  port: number;
  baseUrls: Record<MarketplaceName, string>;
  setFault(rule: FaultRule): void;
  clearFaults(): void;
  /** The generated event behind an id (for tests and demos). */
  event(eventId: string): MockEvent;
  close(): Promise<void>;
}

const WEEK = 7 * 86_400_000;

export async function startMockMarketplace(options: MockMarketplaceOptions): Promise<MockMarketplace> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.now ?? Date.now;
  const epochMs = options.epochMs ?? Math.floor(clock() / WEEK) * WEEK;
  const faults = new FaultRegistry();
  const events = new Map<string, MockEvent>();
  const eventFor = (id: string): MockEvent => {
    let e = events.get(id);
    if (!e) {
      e = generateEvent(options.seed, id, epochMs, options.poolSize);
      if (events.size > 10_000) events.clear();
      events.set(id, e);
    }
    return e;
  };
  let baseUrl = '';

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, req, 500, { message: `mock error: ${(err as Error).message}` });
      else res.destroy();
    });
  });
  // Keep-alive like real servers, so the client's pooling is exercised.
  server.keepAliveTimeout = 30_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mock');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path === '/__mock/faults') {
      if (method === 'DELETE') {
        faults.clear();
        send(res, req, 204, undefined);
        return;
      }
      if (method === 'GET') {
        send(res, req, 200, faults.list());
        return;
      }
      const parsed = faultRuleSchema.safeParse(JSON.parse((await readBody(req)) || '{}'));
      if (!parsed.success) {
        send(res, req, 400, { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        return;
      }
      faults.add(parsed.data);
      send(res, req, 201, parsed.data);
      return;
    }
    if (path === '/__mock/health') {
      send(res, req, 200, { ok: true, seed: options.seed });
      return;
    }

    const now = requestTime(req, clock);
    const route = routeOf(method, path, url.searchParams);
    if (!route) {
      send(res, req, 404, { message: `no mock route for ${method} ${path}` });
      return;
    }
    if (route.kind === 'token') {
      if (!/^Basic /.test(req.headers.authorization ?? '')) return send(res, req, 401, { error: 'invalid_client' });
      await readBody(req);
      return send(res, req, 200, { access_token: `mock-token-${Date.now()}`, token_type: 'bearer', expires_in: 86399, scope: 'read:events' });
    }
    const { marketplace, eventId } = route;
    const authProblem = checkAuth(route.kind, req, url.searchParams);
    if (authProblem) return send(res, req, 401, authProblem);

    const fault = faults.take(marketplace, eventId);
    if (fault && (await applyFault(fault, marketplace, req, res))) return;

    const event = eventFor(eventId);
    const market = fault?.kind === 'empty' ? [] : marketAt(event, now);
    let payload: unknown;
    switch (route.kind) {
      case 'vividseats':
        payload = vividSeatsListings(event, market);
        break;
      case 'stubhub-pro':
        payload = stubHubCompListings(event, market);
        break;
      case 'stubhub-catalog':
        payload = stubHubCatalogEvent(event, market, baseUrl);
        break;
      case 'seatgeek':
        payload = seatGeekEvent(event, market);
        break;
      case 'ticketmaster':
        res.setHeader('Rate-Limit', '5000');
        res.setHeader('Rate-Limit-Available', '4999');
        res.setHeader('Rate-Limit-Over', '0');
        res.setHeader('Rate-Limit-Reset', String(now + 86_400_000));
        payload = ticketmasterEvent(event, now);
        break;
    }
    if (fault?.kind === 'rename-field') payload = renameField(payload, fault.from, fault.to);
    if (fault?.kind === 'format-drift') payload = driftFormat(route.kind, payload, fault.field, fault.renamedTo);
    if (fault?.kind === 'truncated') {
      const body = Buffer.from(JSON.stringify(payload));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      // Cut the connection mid-body, as a dropped upstream does.
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    send(res, req, 200, payload, route.kind === 'stubhub-catalog' ? 'application/hal+json' : 'application/json');
  }

  /** Sends the fault's response; false when the fault only alters the normal response. */
  async function applyFault(fault: Fault, marketplace: MarketplaceName, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case 'rate-limit': {
        if (fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
        if (marketplace === 'ticketmaster') {
          const quota = fault.policy !== 'spike';
          res.setHeader('Rate-Limit', '5000');
          res.setHeader('Rate-Limit-Available', quota ? '0' : '4000');
          res.setHeader('Rate-Limit-Over', quota ? '1' : '0');
          send(res, req, 429, {
            fault: quota
              ? { faultstring: 'Rate limit quota violation. Quota limit  exceeded. Identifier : mock-api-key', detail: { errorcode: 'policies.ratelimit.QuotaViolation' } }
              : { faultstring: 'Spike arrest violation. Allowed rate : 5ps', detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' } },
          });
        } else {
          send(res, req, 429, { message: 'Too Many Requests' });
        }
        return true;
      }
      case 'status':
        if (fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
        send(res, req, fault.status, marketplace === 'ticketmaster' ? { errors: [{ code: `MOCK${fault.status}`, detail: `mock status ${fault.status}` }] } : { message: `mock status ${fault.status}` });
        return true;
      case 'slow':
        await new Promise((r) => setTimeout(r, fault.delayMs));
        return res.destroyed;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html><body>Access Denied</body></html>');
        return true;
      default:
        return false;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}`;
  return {
    url: baseUrl,
    port,
    baseUrls: { stubhub: baseUrl, vividseats: baseUrl, seatgeek: baseUrl, ticketmaster: baseUrl },
    setFault: (rule) => faults.add(faultRuleSchema.parse(rule)),
    clearFaults: () => faults.clear(),
    event: eventFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Route =
  | { kind: 'token' }
  | { kind: 'vividseats' | 'stubhub-pro' | 'stubhub-catalog' | 'seatgeek' | 'ticketmaster'; marketplace: MarketplaceName; eventId: string };

function routeOf(method: string, path: string, q: URLSearchParams): Route | undefined {
  let m: RegExpMatchArray | null;
  if (method === 'POST' && path === '/oauth2/token') return { kind: 'token' };
  if (method !== 'GET' && !(method === 'PUT' && path === '/api/Listing/GetCompListingsByEventId')) return undefined;
  if (path === '/hermes/api/v1/listings' && q.get('productionId')) return { kind: 'vividseats', marketplace: 'vividseats', eventId: q.get('productionId')! };
  if (path === '/api/Listing/GetCompListingsByEventId' && q.get('viagogoEventId')) return { kind: 'stubhub-pro', marketplace: 'stubhub', eventId: q.get('viagogoEventId')! };
  if ((m = path.match(/^\/catalog\/events\/([^/]+)$/))) return { kind: 'stubhub-catalog', marketplace: 'stubhub', eventId: decodeURIComponent(m[1]!) };
  if ((m = path.match(/^\/2\/events\/([^/]+)$/))) return { kind: 'seatgeek', marketplace: 'seatgeek', eventId: decodeURIComponent(m[1]!) };
  if ((m = path.match(/^\/discovery\/v2\/events\/([^/]+)\.json$/))) return { kind: 'ticketmaster', marketplace: 'ticketmaster', eventId: decodeURIComponent(m[1]!) };
  return undefined;
}

/** Each marketplace's way of refusing a request without its credential. */
function checkAuth(kind: Exclude<Route['kind'], 'token'>, req: http.IncomingMessage, q: URLSearchParams): unknown {
  switch (kind) {
    case 'stubhub-pro':
      return req.headers.cookie ? undefined : { message: 'Unauthorized' };
    case 'stubhub-catalog':
      return /^Bearer \S+/.test(req.headers.authorization ?? '') ? undefined : { code: 'unauthorized', message: 'Authorization has been denied for this request.' };
    case 'seatgeek':
      return q.get('client_id') ? undefined : { status: 401, error: 'Unauthorized: client_id is required' };
    case 'ticketmaster':
      return q.get('apikey') ? undefined : { fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } } };
    case 'vividseats':
      return undefined;
  }
}

function requestTime(req: http.IncomingMessage, clock: () => number): number {
  const h = req.headers['x-mock-now'];
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return clock();
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : clock();
}

function renameField(payload: unknown, from: string, to: string): unknown {
  const rename = (o: unknown): unknown => {
    if (!o || typeof o !== 'object' || Array.isArray(o) || !(from in o)) return o;
    const { [from]: value, ...rest } = o as Record<string, unknown>;
    return { ...rest, [to]: value };
  };
  return Array.isArray(payload) ? payload.map(rename) : rename(payload);
}

/** The listing field each format drifts by default: one every item needs, renamed. */
const DRIFT_FIELDS: Record<Exclude<Route['kind'], 'token'>, string> = {
  vividseats: 'p',
  'stubhub-pro': 'sellerNetProceeds',
  'stubhub-catalog': 'min_ticket_price',
  seatgeek: 'stats',
  ticketmaster: 'priceRanges',
};

/** The payload as if the marketplace had renamed a field: in every listing item, or at the top of a summary. */
function driftFormat(kind: Exclude<Route['kind'], 'token'>, payload: unknown, field = DRIFT_FIELDS[kind], renamedTo = `${field}_v2`): unknown {
  if (kind === 'vividseats' && payload && typeof payload === 'object' && 'tickets' in payload) {
    const p = payload as { tickets: unknown[] };
    return { ...p, tickets: renameField(p.tickets, field, renamedTo) };
  }
  return renameField(payload, field, renamedTo);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON response; gzipped when the client accepts it and it is worth it, as real APIs do. */
function send(res: http.ServerResponse, req: http.IncomingMessage, status: number, body: unknown, contentType = 'application/json'): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  let data = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { 'content-type': `${contentType}; charset=utf-8` };
  if (data.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    data = gzipSync(data);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(data.length);
  res.writeHead(status, headers);
  res.end(data);
}
