import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DashboardBindError, isLoopback, requiredToken } from '../../src/dashboard/access';
import { startDashboard, TOKEN_COOKIE, type RunningDashboard } from '../../src/dashboard/server';
import { fromRoot } from '../../src/config/paths';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const UI = { baseUrl: 'http://127.0.0.1:8233', namespace: 'default' };
const TOKEN = 'correct-horse-battery-staple';

describe('dashboard access', () => {
  let t: TestDatabase;
  let dash: RunningDashboard;
  before(async () => {
    t = await createTestDatabase();
    dash = await startDashboard({ db: t.db, port: 0, token: TOKEN, temporalUi: UI });
  });
  after(async () => {
    await dash?.close();
    await t?.drop();
  });

  it('needs no token on loopback, and refuses any other address without one', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) assert.equal(requiredToken(h, undefined), null, h);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'dashboard.example.com']) {
      assert.ok(!isLoopback(h), h);
      assert.throws(() => requiredToken(h, undefined), DashboardBindError, h);
    }
    assert.throws(() => requiredToken('0.0.0.0', 'short'), /at least 16 characters/);
    assert.equal(requiredToken('0.0.0.0', TOKEN), TOKEN);
  });

  it('startDashboard on a non-loopback address without a token fails before listening', async () => {
    await assert.rejects(startDashboard({ db: t.db, host: '0.0.0.0', port: 0, temporalUi: UI }), DashboardBindError);
  });

  it('`ticket-tracker dashboard --host 0.0.0.0` without DASHBOARD_TOKEN is bad usage (exit 2) naming the setting', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'warn' };
    delete env.DASHBOARD_TOKEN;
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [fromRoot('bin', 'ticket-tracker.js'), 'dashboard', '--host', '0.0.0.0', '--port', '0'],
        { cwd: fromRoot(), env, timeout: 60_000 },
        (err, _out, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
      ),
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /DASHBOARD_TOKEN/);
  });

  it('with a token, every request must carry it: Bearer, ?token= (then a cookie), else 401', async () => {
    const bare = await fetch(`${dash.url}/api/events`);
    assert.equal(bare.status, 401);
    assert.equal((await fetch(`${dash.url}/events`)).status, 401);
    assert.equal((await fetch(`${dash.url}/static/uplot.js`)).status, 401);
    assert.equal((await fetch(`${dash.url}/api/events`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status, 401);
    const bearer = await fetch(`${dash.url}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(bearer.status, 200);
    assert.deepEqual(await bearer.json(), { basis: 'all-in', events: [] });

    const first = await fetch(`${dash.url}/events?token=${TOKEN}`, { redirect: 'manual' });
    assert.equal(first.status, 303);
    assert.equal(first.headers.get('location'), '/events');
    const cookie = first.headers.get('set-cookie') ?? '';
    assert.match(cookie, new RegExp(`^${TOKEN_COOKIE}=`));
    assert.match(cookie, /HttpOnly/);
    const withCookie = await fetch(`${dash.url}/events`, { headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(withCookie.status, 200);
    assert.match(await withCookie.text(), /<title>Events/);
  });
});
