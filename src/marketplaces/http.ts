import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';
import type { MarketplaceName } from '../domain/listing';
import { MarketplaceError, hintForStatus, kindForStatus, parseRetryAfter } from './errors';
import { drawDelayMs, sleep, type DelayPolicy, type RandomSource } from './politeness';

/** How one marketplace's HTTP client is set up (from config; see registry.ts). */
export interface MarketplaceHttpOptions {
  marketplace: MarketplaceName;
  /** Origin (and optional path prefix) every request path is appended to. */
  baseUrl: string;
  userAgent: string;
  /** Connect, headers and body timeout, each. */
  timeoutMs: number;
  /** Proxy URLs rotated per request; empty = standard HTTPS_PROXY/HTTP_PROXY/NO_PROXY (when useEnvProxy). */
  proxies: readonly string[];
  /** Honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY (off for the loopback mock). */
  useEnvProxy: boolean;
  /** Connections kept per origin. */
  connections: number;
  delay: DelayPolicy;
  random?: RandomSource;
  /** The setting to check when the marketplace refuses our credential (named in 401/403 messages). */
  credentialSetting?: string;
  now?: () => number;
  /**
   * Request pacing across every worker (src/db/request-pacing.ts): awaited after the politeness
   * delay, right before each request is sent, so that what it spaces is the requests themselves.
   * Rejects with the signal's reason when aborted. Absent = no pacing (one-off requests).
   */
  pace?: RequestPace;
}

/** Resolves when the next request may be sent; see MarketplaceHttpOptions.pace. */
export type RequestPace = (signal: AbortSignal | undefined) => Promise<void>;

export interface RequestSpec {
  /** Path and query, e.g. `/2/events/123?client_id=...`; secrets in it never reach messages. */
  path: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | undefined;
}

/** What a marketplace says about a non-2xx response, beyond the status (e.g. Ticketmaster's policy). */
export interface ErrorDetails {
  policy?: string;
  detail?: string;
  retryAfterMs?: number;
}
export type ErrorDescriber = (status: number, headers: Record<string, string | string[] | undefined>, body: string) => ErrorDetails;

/** How much of an error body goes into a message. */
const MAX_ERROR_BODY = 200;

/**
 * A pooled, keep-alive HTTP client for one marketplace: one dispatcher (or one per proxy),
 * gzip/deflate/br decompression (by hand: undici's interceptor is still experimental), timeouts, a user agent, the politeness delay and the request pacing
 * before each request, and every failure turned into a classified MarketplaceError.
 */
export class MarketplaceHttp {
  private readonly dispatchers: Dispatcher[];
  private readonly closers: Dispatcher[];
  private nextDispatcher = 0;
  private readonly random: RandomSource;
  private readonly now: () => number;

  constructor(readonly options: MarketplaceHttpOptions) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    const agentOptions = {
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      connections: options.connections,
    };
    const bases: Dispatcher[] =
      options.proxies.length > 0
        ? options.proxies.map((uri) => new ProxyAgent({ uri, ...agentOptions }))
        : [options.useEnvProxy ? new EnvHttpProxyAgent(agentOptions) : new Agent(agentOptions)];
    this.closers = bases;
    this.dispatchers = bases;
  }

  /** Sends one request and parses the JSON body; throws MarketplaceError for anything else. */
  async json(eventId: string, spec: RequestSpec, describe?: ErrorDescriber): Promise<unknown> {
    const text = await this.text(eventId, spec, describe);
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      const truncated = text.length === 0 || /end of (json )?input|unterminated/i.test((err as Error).message);
      throw new MarketplaceError({
        marketplace: this.options.marketplace,
        eventId,
        kind: truncated ? 'unavailable' : 'bad-payload',
        message: truncated
          ? `response to ${pathOnly(spec.path)} was cut short (${text.length} bytes of JSON); retrying`
          : `response to ${pathOnly(spec.path)} is not JSON (${(err as Error).message}); starts with ${JSON.stringify(text.slice(0, 60))}`,
        ...(truncated ? {} : { body: text }),
        cause: err,
      });
    }
  }

  /** Sends one request and returns the body text of a 2xx response. */
  async text(eventId: string, spec: RequestSpec, describe?: ErrorDescriber): Promise<string> {
    const { marketplace } = this.options;
    await sleep(drawDelayMs(this.options.delay, this.random), spec.signal);
    await this.options.pace?.(spec.signal);
    const dispatcher = this.dispatchers[this.nextDispatcher++ % this.dispatchers.length]!;
    const where = pathOnly(spec.path);
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin: new URL(this.options.baseUrl).origin,
        path: joinPath(this.options.baseUrl, spec.path),
        method: spec.method ?? 'GET',
        headers: {
          'user-agent': this.options.userAgent,
          accept: 'application/json, application/hal+json;q=0.9, */*;q=0.1',
          'accept-encoding': 'gzip, deflate, br',
          ...spec.headers,
        },
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        ...(spec.signal ? { signal: spec.signal } : {}),
      });
    } catch (err) {
      throw this.networkError(eventId, where, err, spec.signal);
    }
    let body: string;
    try {
      body = await decodeBody(Buffer.from(await response.body.arrayBuffer()), response.headers['content-encoding']);
    } catch (err) {
      throw this.networkError(eventId, where, err, spec.signal);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return body;

    const status = response.statusCode;
    const described = describe?.(status, response.headers, body) ?? {};
    const header = response.headers['retry-after'];
    const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, this.now()) ?? described.retryAfterMs;
    const kind = kindForStatus(status, retryAfterMs !== undefined);
    const parts = [`HTTP ${status} from ${where}`];
    if (described.policy) parts.push(`policy ${described.policy}`);
    if (described.detail) parts.push(described.detail);
    if (kind === 'rate-limited')
      parts.push(retryAfterMs !== undefined ? `retry in ${Math.ceil(retryAfterMs / 1000)} s` : 'retry with backoff');
    else if (kind === 'unavailable') parts.push('marketplace unavailable; will retry');
    else parts.push(hintForStatus(status, this.options.credentialSetting));
    if (!described.detail && body && kind === 'rejected') parts.push(`body: ${body.slice(0, MAX_ERROR_BODY).replace(/\s+/g, ' ')}`);
    throw new MarketplaceError({
      marketplace,
      eventId,
      kind,
      status,
      message: parts.join('; '),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(described.policy ? { policy: described.policy } : {}),
    });
  }

  private networkError(eventId: string, where: string, err: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason ?? err;
    const code = (err as { code?: string }).code ?? '';
    const what = TIMEOUT_CODES[code]
      ? `${TIMEOUT_CODES[code]} timed out after ${this.options.timeoutMs} ms`
      : `${code || 'network error'}: ${(err as Error).message}`;
    return new MarketplaceError({
      marketplace: this.options.marketplace,
      eventId,
      kind: 'unavailable',
      message: `request to ${where} failed (${what}); will retry`,
      cause: err,
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.closers.map((d) => d.close().catch(() => undefined)));
  }
}

const TIMEOUT_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'response headers',
  UND_ERR_BODY_TIMEOUT: 'response body',
};

/** The path without its query: queries carry API keys, which must never reach a message. */
function pathOnly(path: string): string {
  const i = path.indexOf('?');
  return i === -1 ? path : path.slice(0, i);
}

function joinPath(baseUrl: string, path: string): string {
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return `${prefix}${path.startsWith('/') ? '' : '/'}${path}`;
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

/** The body as text, undoing Content-Encoding (a corrupt or cut stream fails like a network error). */
async function decodeBody(raw: Buffer, encodingHeader: string | string[] | undefined): Promise<string> {
  const encoding = (Array.isArray(encodingHeader) ? encodingHeader.join(',') : (encodingHeader ?? '')).trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw.toString('utf8');
  if (encoding === 'gzip' || encoding === 'x-gzip') return (await gunzip(raw)).toString('utf8');
  if (encoding === 'deflate') return (await inflate(raw)).toString('utf8');
  if (encoding === 'br') return (await brotli(raw)).toString('utf8');
  throw Object.assign(new Error(`unsupported content-encoding "${encoding}"`), { code: 'UNSUPPORTED_ENCODING' });
}
