import type http from 'node:http';
import type { MarketplaceName } from '../domain/listing';
import type { MarketListing, MockEvent } from './generator';

/**
 * One marketplace endpoint of the mock marketplace, defined in that marketplace's own folder
 * (src/marketplaces/<name>/mock.ts) with the same format its parser reads; the server
 * (index.ts) iterates the list in src/marketplaces/mocks.ts.
 */
export interface MockRoute {
  marketplace: MarketplaceName;
  /** For messages: "stubhub-catalog". */
  name: string;
  /** The event id when this route answers the request (a route without an event answers ''). */
  match(method: string, path: string, query: URLSearchParams): string | undefined;
  /** The marketplace's own refusal (401) of a request without its credential; undefined when allowed. */
  unauthorized?(req: http.IncomingMessage, query: URLSearchParams): unknown;
  /** A route that is not an event's payload (an OAuth token): its whole answer. */
  respond?(req: http.IncomingMessage, body: string): { status: number; body: unknown };
  /** The event's payload for the market at `now`, in the marketplace's real format. */
  render?(ctx: {
    event: MockEvent;
    market: readonly MarketListing[];
    now: number;
    baseUrl: string;
    setHeader(name: string, value: string): void;
  }): unknown;
  contentType?: string;
  /**
   * The "format-drift" fault: the payload as if the marketplace had renamed a field (by default
   * the one every listing needs). See renameField.
   */
  drift(payload: unknown, field?: string, renamedTo?: string): unknown;
  /** The marketplace's own 429 body (and headers), when it has one. */
  rateLimited?(policy: 'quota' | 'spike' | undefined, setHeader: (name: string, value: string) => void): unknown;
  /** The marketplace's own error body for a status, when it has one. */
  statusBody?(status: number): unknown;
}

/** `from` renamed to `to` at the top of an object, or in each item of an array. */
export function renameField(payload: unknown, from: string, to: string): unknown {
  const rename = (o: unknown): unknown => {
    if (!o || typeof o !== 'object' || Array.isArray(o) || !(from in o)) return o;
    const { [from]: value, ...rest } = o as Record<string, unknown>;
    return { ...rest, [to]: value };
  };
  return Array.isArray(payload) ? payload.map(rename) : rename(payload);
}
