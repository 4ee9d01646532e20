import { z } from 'zod';
import { MARKETPLACE_NAMES, type MarketplaceName } from '../domain/listing';
import { round2, type MarketListing } from './generator';

/**
 * Price moves on demand, so a demo (`npm start`) and tests can make a drop alert happen:
 *
 *   POST   /__mock/events/<marketplace event id>/prices  {"percent": -20}            every price 20 % lower
 *   POST   /__mock/events/<marketplace event id>/prices  {"lowest": 45.5, "marketplace": "vividseats"}
 *                                                        base prices scaled so the cheapest base is 45.50
 *   DELETE /__mock/events/<marketplace event id>/prices  back to the generated prices
 *   GET    /__mock/prices                                the moves in force
 *
 * A move holds for every later request (until replaced or deleted), on one marketplace or on all.
 * It moves the base prices (the sellers' asking prices); each marketplace's all-in prices follow
 * through its fees. Nothing else changes (listings, quantities, splits).
 */
export const priceMoveSchema = z
  .object({
    marketplace: z.enum(MARKETPLACE_NAMES, { error: `must be one of ${MARKETPLACE_NAMES.join(', ')}` }).optional(),
    percent: z.number().gt(-100, 'must be above -100').max(1000, 'must be at most 1000').optional(),
    lowest: z.number().positive('must be positive').optional(),
  })
  .strict()
  .refine((m) => (m.percent === undefined) !== (m.lowest === undefined), 'give exactly one of "percent" and "lowest"');
export type PriceMove = z.infer<typeof priceMoveSchema>;

const PATH = /^\/__mock\/events\/([^/]+)\/prices$/;

export class PriceMoves {
  private moves = new Map<string, PriceMove & { eventId: string }>();

  private key(eventId: string, marketplace: MarketplaceName | undefined): string {
    return `${marketplace ?? '*'}/${eventId}`;
  }

  set(eventId: string, move: PriceMove): void {
    this.moves.set(this.key(eventId, move.marketplace), { ...move, eventId });
  }

  clear(eventId?: string): void {
    if (eventId === undefined) this.moves.clear();
    else for (const [k, m] of this.moves) if (m.eventId === eventId) this.moves.delete(k);
  }

  list(): (PriceMove & { eventId: string })[] {
    return [...this.moves.values()];
  }

  /** The market with the move for (marketplace, event) applied: the marketplace's own, else the one for all. */
  apply(marketplace: MarketplaceName, eventId: string, market: MarketListing[]): MarketListing[] {
    const move = this.moves.get(this.key(eventId, marketplace)) ?? this.moves.get(this.key(eventId, undefined));
    if (!move || market.length === 0) return market;
    const factor = move.percent !== undefined ? 1 + move.percent / 100 : (move.lowest ?? 0) / Math.min(...market.map((m) => m.price));
    return market.map((m) => ({ ...m, price: round2(Math.max(0.01, m.price * factor)) }));
  }

  /**
   * Answers the price-move routes: the status and body, or undefined when the request is not one
   * of them. A bad body is a 400 naming the field.
   */
  route(method: string, path: string, body: () => Promise<string>): Promise<{ status: number; body: unknown }> | undefined {
    if (path === '/__mock/prices' && method === 'GET') return Promise.resolve({ status: 200, body: this.list() });
    const m = PATH.exec(path);
    if (!m) return undefined;
    const eventId = decodeURIComponent(m[1]!);
    if (method === 'DELETE') {
      this.clear(eventId);
      return Promise.resolve({ status: 204, body: undefined });
    }
    if (method !== 'POST') return Promise.resolve({ status: 405, body: { message: 'use POST or DELETE' } });
    return body().then((text) => {
      let json: unknown;
      try {
        json = JSON.parse(text || '{}');
      } catch {
        return { status: 400, body: { message: 'body: not JSON' } };
      }
      const parsed = priceMoveSchema.safeParse(json);
      if (!parsed.success)
        return { status: 400, body: { message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') } };
      this.set(eventId, parsed.data);
      return { status: 201, body: { eventId, ...parsed.data } };
    });
  }
}
