import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedDashboardData } from './seed';
import { storeTogetherCaptures, TOGETHER_FIGURES } from '../fixtures/db/together-captures';

type Json = Record<string, unknown>;

/** Every `basis` value anywhere in an answer (top level, rows, figures), with where it sits. */
function basesIn(value: unknown, at = '$', out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(value)) value.forEach((v, i) => basesIn(v, `${at}[${i}]`, out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === 'basis') out.push([`${at}.basis`, v]);
      basesIn(v, `${at}.${k}`, out);
    }
  return out;
}

/** The answer's bases that are not `basis` (empty when the answer is on one basis, the asked one). */
function otherBases(body: unknown, basis: string): [string, unknown][] {
  return basesIn(body).filter(([, b]) => b !== basis);
}

/** `?basis=` on the price routes of the API (issue #24), and the together route's figures. */
describe('dashboard API price basis', () => {
  let t: TestDatabase;
  let dash: RunningDashboard;
  let eventId: number;
  let togetherId: number;
  let emptyId: number;
  const UI = { baseUrl: 'http://127.0.0.1:8233', namespace: 'default' };
  before(async () => {
    t = await createTestDatabase();
    const seeded = await seedDashboardData(t.db);
    eventId = seeded.eventIds[0]!;
    // seedDashboardData scrapes the first 4 events; the 5th gets the real captures alone.
    togetherId = seeded.eventIds[4]!;
    emptyId = seeded.eventIds[5]!;
    await storeTogetherCaptures(t.db, togetherId, new Date(Date.now() - 1_800_000));
    dash = await startDashboard({ db: t.db, port: 0, temporalUi: UI });
  });
  after(async () => {
    await dash?.close();
    await t?.drop();
  });

  const get = async (route: string): Promise<{ status: number; body: Json }> => {
    const r = await fetch(dash.url + route);
    return { status: r.status, body: (await r.json()) as Json };
  };
  const priceRoutes = (): string[] => [
    '/api/events',
    `/api/events/${eventId}`,
    `/api/events/${eventId}/history?days=7&bucket=1%20hour`,
    `/api/events/${eventId}/sections`,
    `/api/events/${eventId}/listings`,
    `/api/events/${eventId}/prices`,
    `/api/events/${togetherId}/together`,
  ];
  const withBasis = (route: string, basis: string): string => `${route}${route.includes('?') ? '&' : '?'}basis=${basis}`;

  it('every price route answers all-in by default, names it at the top, and carries no other basis', async () => {
    for (const route of priceRoutes()) {
      const { status, body } = await get(route);
      assert.equal(status, 200, route);
      assert.equal(body.basis, 'all-in', route);
      assert.deepEqual(otherBases(body, 'all-in'), [], route);
      // Listings carry both buyer prices, named, so their rows name no basis; every other answer's rows do.
      if (!route.includes('/listings')) assert.ok(basesIn(body).length > 1, `${route}: its rows or figures name their basis too`);
    }
  });

  it('?basis=base answers before fees on every price route, and the figures are those of the base columns', async () => {
    for (const route of priceRoutes()) {
      const { status, body } = await get(withBasis(route, 'base'));
      assert.equal(status, 200, route);
      assert.equal(body.basis, 'base', route);
      assert.deepEqual(otherBases(body, 'base'), [], route);
    }
    // The seed's all-in prices are 1.2 × base (test/fixtures/db/data.ts): the lowest differ by basis.
    type Prices = { rows: { zone: string; source: string; lowest: number | null }[] };
    const allIn = (await get(`/api/events/${eventId}/prices`)).body as unknown as Prices;
    const base = (await get(`/api/events/${eventId}/prices?basis=base`)).body as unknown as Prices;
    const lowest = (p: Prices): (number | null)[] => p.rows.filter((r) => r.zone === 'ALL').map((r) => r.lowest);
    assert.notDeepEqual(lowest(allIn), lowest(base));
    for (const [i, b] of lowest(base).entries())
      assert.ok(b !== null && lowest(allIn)[i]! > b, `all-in above base: ${lowest(allIn)[i]} > ${b}`);
  });

  it('listings keep both buyer prices by name, and the seller net proceeds under that name only', async () => {
    const { body } = await get(`/api/events/${togetherId}/listings?limit=1000`);
    const rows = body.rows as Json[];
    assert.equal(rows.length, 22); // 18 Vivid Seats, 4 StubHub (test/fixtures/db/together-captures.ts)
    for (const r of rows) {
      assert.ok('allInPrice' in r && 'basePrice' in r && 'sellerNetProceeds' in r, JSON.stringify(r));
      assert.ok(!('pricePerTicket' in r) && !('price' in r), JSON.stringify(r));
    }
    // StubHub 7421193302: 289.17 all-in, no price before fees, 212.40 to the seller.
    const sh = rows.find((r) => r.listingId === '7421193302')!;
    assert.deepEqual([sh.allInPrice, sh.basePrice, sh.sellerNetProceeds], [289.17, null, 212.4]);
  });

  it('a bad basis answers 400 naming the parameter and the values allowed', async () => {
    for (const route of priceRoutes()) {
      const { status, body } = await get(withBasis(route, 'net'));
      assert.equal(status, 400, route);
      assert.equal(body.parameter, 'basis', route);
      assert.match(String(body.error), /parameter "basis": must be one of all-in, base/, route);
    }
  });

  it('the together route gives the hand-worked cheapest 1, 2 and 4 seats per currency, the distinct supply and who gave no listings', async () => {
    const { status, body } = await get(`/api/events/${togetherId}/together`);
    assert.equal(status, 200);
    assert.deepEqual(body.seats, [1, 2, 4]);
    type Figure = {
      n: number;
      total: number;
      perTicket: number;
      marketplace: string;
      listingId: string;
      section: string;
      row: string | null;
    };
    const together = body.together as { currency: string; sizes: { n: number; figure: Figure | null }[] }[];
    // One currency: the store keeps a scrape in one (StubHub's BRL listing is not stored).
    assert.deepEqual(
      together.map((c) => c.currency),
      ['USD'],
    );
    const pick = (f: Figure | null): Partial<Figure> | null =>
      f && {
        n: f.n,
        total: f.total,
        perTicket: f.perTicket,
        marketplace: f.marketplace,
        listingId: f.listingId,
        section: f.section,
        row: f.row,
      };
    assert.deepEqual(
      together[0]!.sizes.map((s) => pick(s.figure)),
      TOGETHER_FIGURES.allInUsd,
    );
    const supply = body.supply as {
      perMarketplace: Json;
      listings: number;
      tickets: number;
      distinctListings: number;
      distinctTickets: number;
      links: Json[];
    };
    assert.deepEqual(supply.perMarketplace, { stubhub: { listings: 4, tickets: 12 }, vividseats: { listings: 18, tickets: 49 } });
    assert.deepEqual(
      [supply.listings, supply.tickets, supply.distinctListings, supply.distinctTickets, supply.links.length],
      [22, 61, 21, 57, 1],
    );
    assert.deepEqual(supply.links[0]!.listingIds, { stubhub: '7421190001', vividseats: 'VT000012' });
    assert.deepEqual(
      (body.withoutListings as Json[]).map((w) => [w.marketplace, w.kind]),
      [['seatgeek', 'summary']],
    );
  });

  it('the together route on base: Vivid Seats wins, StubHub left out for want of a price before fees; seats are chosen and checked', async () => {
    const { body } = await get(`/api/events/${togetherId}/together?basis=base&seats=4,1,2,2`);
    assert.deepEqual(body.seats, [4, 1, 2]);
    type Figure = { n: number; total: number; perTicket: number; marketplace: string; listingId: string; leftOut: Json };
    const usd = (body.together as { currency: string; sizes: { figure: Figure }[] }[])[0]!;
    const byN = new Map(usd.sizes.map((s) => [s.figure.n, s.figure]));
    for (const want of TOGETHER_FIGURES.baseUsd) {
      const f = byN.get(want.n)!;
      assert.deepEqual({ n: f.n, total: f.total, perTicket: f.perTicket, marketplace: f.marketplace, listingId: f.listingId }, want);
      assert.deepEqual(f.leftOut, { otherCurrency: 0, noPriceOnBasis: 4 });
    }
    for (const seats of ['0', '21', '2,x', '1.5', '']) {
      const r = await get(`/api/events/${togetherId}/together?seats=${seats}`);
      assert.equal(r.status, 400, seats);
      assert.equal(r.body.parameter, 'seats', seats);
      assert.match(String(r.body.error), /from 1 to 20/, seats);
    }
    const twenty = await get(`/api/events/${togetherId}/together?seats=20`);
    assert.equal(twenty.status, 200);
  });

  it('an event no marketplace scraped has no figures and an empty supply; an unknown event answers 404', async () => {
    const { status, body } = await get(`/api/events/${emptyId}/together`);
    assert.equal(status, 200);
    assert.deepEqual([body.together, body.withoutListings, (body.supply as Json).listings], [[], [], 0]);
    assert.equal((await get(`/api/events/${eventId + 100_000}/together`)).status, 404);
  });
});
