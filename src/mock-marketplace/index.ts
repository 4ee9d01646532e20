import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { MarketplaceName } from '../domain/listing';
import { FaultRegistry, faultRuleSchema, type Fault, type FaultRule } from './faults';
import { MOCK_ROUTES } from '../marketplaces/mocks';
import { MARKETPLACE_NAMES } from '../domain/listing';
import { generateEvent, marketAt, type MockEvent } from './generator';
import { PriceMoves, priceMoveSchema, type PriceMove } from './price-moves';
import { renameField, type MockRoute } from './routes';

export type { Fault, FaultRule } from './faults';

/**
 * The mock marketplace: a real HTTP server on loopback that serves every marketplace's format, at
 * the paths its real API uses, for any event id, with faults on demand. The routes and formats
 * are each marketplace's own (src/marketplaces/<name>/mock.ts, listed in mocks.ts):
 * the same shapes its parser reads and its fixtures hold.
 *
 *   POST /__mock/faults  {marketplace?, eventId?, fault, times?}   set a fault
 *   DELETE /__mock/faults                                       clear faults
 *   GET  /__mock/health
 *   POST/DELETE /__mock/events/<id>/prices, GET /__mock/prices      price moves (see price-moves.ts)
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
  /** Told every marketplace request once its answer is sent (the chaos suite's request log). */
  onRequest?: (entry: MockRequestLogEntry) => void;
  /**
   * The market an event id belongs to, when ids of several marketplaces name one event (a catalog
   * row): the ids of one market are served the same venue, listings and demand, each marketplace
   * with its own price level and fees, as the same event on four real marketplaces would be.
   * Without it (or when it gives undefined) every id is its own market.
   */
  marketOf?: (marketplace: MarketplaceName, eventId: string) => Promise<string | undefined>;
}

/** One marketplace request as the mock answered it (the `/__mock/*` control routes are not logged). */
export interface MockRequestLogEntry {
  /** When the request arrived, epoch ms. */
  at: number;
  marketplace: MarketplaceName;
  /** The event id the request named (the marketplace's own id). */
  eventId: string;
  /** HTTP status sent; 0 when the connection was cut before an answer. */
  status: number;
  /** Listings (or price-summary entries) in a 200 answer's market; 0 otherwise. */
  items: number;
  /** The fault applied, if any. */
  fault: Fault['kind'] | null;
}

export interface MockMarketplace {
  url: string;
  port: number;
  baseUrls: Record<MarketplaceName, string>;
  setFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Moves an event's prices (see price-moves.ts); `clearPriceMoves()` undoes every move. */
  movePrices(eventId: string, move: PriceMove): void;
  clearPriceMoves(eventId?: string): void;
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
  const priceMoves = new PriceMoves();
  const events = new Map<string, MockEvent>();
  const eventFor = (id: string, market = id): MockEvent => {
    const key = market === id ? id : `${market}\u0000${id}`;
    let e = events.get(key);
    if (!e) {
      // Generated from the market, named by the id asked for (payloads carry it).
      e = { ...generateEvent(options.seed, market, epochMs, options.poolSize), id };
      if (events.size > 10_000) events.clear();
      events.set(key, e);
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
    const moved = priceMoves.route(method, path, () => readBody(req));
    if (moved) {
      const answer = await moved;
      send(res, req, answer.status, answer.body);
      return;
    }
    if (path === '/__mock/health') {
      send(res, req, 200, { ok: true, seed: options.seed });
      return;
    }

    const now = requestTime(req, clock);
    const found = routeOf(method, path, url.searchParams);
    if (!found) {
      send(res, req, 404, { message: `no mock route for ${method} ${path}` });
      return;
    }
    const { route, eventId } = found;
    // Token and other non-data routes (route.respond) are not fetches: they are not logged.
    if (options.onRequest && !route.respond) {
      const at = Date.now();
      const log = options.onRequest;
      let items = 0;
      let appliedFault: Fault['kind'] | null = null;
      res.once('close', () => {
        log({ at, marketplace: route.marketplace, eventId, status: res.headersSent ? res.statusCode : 0, items, fault: appliedFault });
      });
      await serve(route, eventId, now, url.searchParams, req, res, (n, f) => {
        items = n;
        appliedFault = f;
      });
      return;
    }
    await serve(route, eventId, now, url.searchParams, req, res, () => undefined);
  }

  /** Answers one marketplace request; `note` is told the market size served and the fault applied. */
  async function serve(
    route: MockRoute,
    eventId: string,
    now: number,
    query: URLSearchParams,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    note: (items: number, fault: Fault['kind'] | null) => void,
  ): Promise<void> {
    if (route.respond) {
      const answer = route.respond(req, await readBody(req));
      return send(res, req, answer.status, answer.body);
    }
    const authProblem = route.unauthorized?.(req, query);
    if (authProblem) return send(res, req, 401, authProblem);

    const fault = faults.take(route.marketplace, eventId);
    note(0, fault?.kind ?? null);
    if (fault && (await applyFault(fault, route, req, res))) return;

    const event = eventFor(eventId, (await options.marketOf?.(route.marketplace, eventId)) ?? eventId);
    const market = fault?.kind === 'empty' ? [] : priceMoves.apply(route.marketplace, eventId, marketAt(event, now, route.marketplace));
    note(market.length, fault?.kind ?? null);
    let payload = route.render?.({ event, market, now, baseUrl, setHeader: (name, value) => res.setHeader(name, value) });
    if (fault?.kind === 'rename-field') payload = renameField(payload, fault.from, fault.to);
    if (fault?.kind === 'format-drift') payload = route.drift(payload, fault.field, fault.renamedTo);
    if (fault?.kind === 'truncated') {
      const body = Buffer.from(JSON.stringify(payload));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      // Cut the connection mid-body, as a dropped upstream does.
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    send(res, req, 200, payload, route.contentType ?? 'application/json');
  }

  /** Sends the fault's response; false when the fault only alters the normal response. */
  async function applyFault(fault: Fault, route: MockRoute, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case 'rate-limit': {
        if (fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
        const own = route.rateLimited?.(fault.policy, (name, value) => res.setHeader(name, value));
        send(res, req, 429, own ?? { message: 'Too Many Requests' });
        return true;
      }
      case 'status':
        if (fault.retryAfter !== undefined) res.setHeader('Retry-After', String(fault.retryAfter));
        send(res, req, fault.status, route.statusBody?.(fault.status) ?? { message: `mock status ${fault.status}` });
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
    baseUrls: Object.fromEntries(MARKETPLACE_NAMES.map((m) => [m, baseUrl])) as Record<MarketplaceName, string>,
    setFault: (rule) => faults.add(faultRuleSchema.parse(rule)),
    clearFaults: () => faults.clear(),
    movePrices: (eventId, move) => priceMoves.set(eventId, priceMoveSchema.parse(move)),
    clearPriceMoves: (eventId) => priceMoves.clear(eventId),
    event: eventFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The first registered route that answers the request, with the event id it names. */
function routeOf(method: string, path: string, query: URLSearchParams): { route: MockRoute; eventId: string } | undefined {
  for (const route of MOCK_ROUTES) {
    const eventId = route.match(method, path, query);
    if (eventId !== undefined) return { route, eventId };
  }
  return undefined;
}

function requestTime(req: http.IncomingMessage, clock: () => number): number {
  const h = req.headers['x-mock-now'];
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return clock();
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : clock();
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
