import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerSecret } from '../../src/config/redact';
import { createLogger, type LogLevel } from '../../src/logging/logger';

function capture(level: LogLevel = 'info', base: Record<string, unknown> = {}) {
  const lines: string[] = [];
  return { lines, logger: createLogger(level, base, (line) => lines.push(line)) };
}

describe('the JSON logger (pino)', () => {
  it('writes one JSON line per record: level name, ISO time, base and call fields, msg', () => {
    const { lines, logger } = capture('info', { component: 'worker' });
    logger.info('worker polling', { taskQueues: ['ticket-tracker'] });
    assert.equal(lines.length, 1);
    const r = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(r.level, 'info');
    assert.match(String(r.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(r.component, 'worker');
    assert.deepEqual(r.taskQueues, ['ticket-tracker']);
    assert.equal(r.msg, 'worker polling');
  });

  it("drops records below its level and keeps a child's fields", () => {
    const { lines, logger } = capture('warn');
    logger.info('not shown');
    logger.debug('not shown either');
    logger.child({ marketplace: 'seatgeek' }).warn('shown');
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0]!) as Record<string, unknown>).marketplace, 'seatgeek');
  });

  it("keeps an error's type, message and stack under err and error", () => {
    const { lines, logger } = capture();
    logger.error('worker failed', { err: new TypeError('bad thing'), error: new RangeError('other') });
    const r = JSON.parse(lines[0]!) as { err: { type: string; message: string; stack: string }; error: { type: string } };
    assert.equal(r.err.type, 'TypeError');
    assert.equal(r.err.message, 'bad thing');
    assert.match(r.err.stack, /TypeError: bad thing/);
    assert.equal(r.error.type, 'RangeError');
  });

  it('never writes a configured secret, wherever it is: message, field, error text, URL password', () => {
    const secret = 'tm-secret-logger-5551234';
    registerSecret(secret);
    const { lines, logger } = capture('debug');
    logger.info(`calling with apikey=${secret}`, { url: `https://api.example.test/?apikey=${secret}` });
    logger.error('fetch failed', { err: new Error(`401 for key ${secret}`) });
    logger.warn('pool error', { detail: 'connect postgres://tracker:hunter2pw@db:5432/tt failed' });
    const all = lines.join('\n');
    assert.equal(lines.length, 3);
    assert.ok(!all.includes(secret), all);
    assert.ok(!all.includes('hunter2pw'), all);
    assert.match(all, /postgres:\/\/tracker:\*\*\*@db/);
  });

  it('censors secret paths (password, apiKey, token, authorization, DATABASE_URL) even when the value is not a known secret', () => {
    const { lines, logger } = capture();
    logger.info('settings', {
      config: { password: 'pw-unknown-1', apiKey: 'k-unknown-2', DATABASE_URL: 'postgres://x@h/d' },
      request: { headers: { authorization: 'Bearer t-unknown-3', accept: 'application/json' } },
      token: 't-unknown-4',
    });
    const r = JSON.parse(lines[0]!) as { config: Record<string, string>; request: { headers: Record<string, string> }; token: string };
    assert.deepEqual(r.config, { password: '***', apiKey: '***', DATABASE_URL: '***' });
    assert.deepEqual(r.request.headers, { authorization: '***', accept: 'application/json' });
    assert.equal(r.token, '***');
  });
});
