import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Db } from '../db/pool';
import type { Logger } from '../logging/logger';
import { bearerToken, requiredToken, tokenMatches } from './access';
import { NotFound, registerApi, UnknownZone } from './api';
import { renderPage, PAGES } from './pages';
import { BadParameter } from './params';
import { registerStatic } from './static';
import type { TemporalUi } from './temporal-links';

export interface DashboardOptions {
  db: Db;
  /** Where to listen; 127.0.0.1 by default. Any non-loopback address needs `token`. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** DASHBOARD_TOKEN: required when `host` is not loopback; when set, required on every request. */
  token?: string;
  temporalUi: TemporalUi;
  logger?: Logger;
}

export interface RunningDashboard {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export const TOKEN_COOKIE = 'tt_dashboard_token';

/**
 * Builds the read-only dashboard (pages, static files, JSON API) without listening. With a
 * token, every request must carry it: `Authorization: Bearer <token>`, the cookie set after a
 * first `?token=<token>`, or that query parameter; anything else gets 401.
 * Errors: BadParameter -> 400 `{ error, parameter }`, unknown event -> 404 `{ error }`.
 */
export async function buildDashboard(opts: Omit<DashboardOptions, 'port'>): Promise<FastifyInstance> {
  const token = requiredToken(opts.host ?? '127.0.0.1', opts.token);
  const app = Fastify({ logger: false });
  await app.register(fastifyCookie);

  if (token !== null) {
    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const fromQuery = (req.query as Record<string, unknown> | undefined)?.token;
      const presented =
        bearerToken(req.headers.authorization) ?? req.cookies[TOKEN_COOKIE] ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
      if (!tokenMatches(presented, token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'a valid dashboard token is required (DASHBOARD_TOKEN)' });
      }
      if (typeof fromQuery === 'string') {
        void reply.setCookie(TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/' });
        if (req.method === 'GET' && !req.url.startsWith('/api/')) {
          const url = new URL(req.url, 'http://x');
          url.searchParams.delete('token');
          return reply.redirect(url.pathname + url.search, 303);
        }
      }
      return undefined;
    });
  }

  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof BadParameter) return reply.code(400).send({ error: err.message, parameter: err.parameter });
    if (err instanceof UnknownZone) return reply.code(404).send({ error: err.message, parameter: 'zone', zones: err.zones });
    if (err instanceof NotFound) return reply.code(404).send({ error: err.message });
    opts.logger?.error('dashboard request failed', { err });
    return reply.code(500).send({ error: err instanceof Error ? err.message : String(err) });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no such page: ${req.method} ${req.url.split('?')[0]}` }));

  registerStatic(app);
  registerApi(app, opts.db, opts.temporalUi);
  app.get('/', (_req, reply) => reply.redirect('/events', 302));
  // The Cycles page was called Runs: old links land on it.
  app.get('/runs', (req, reply) => reply.redirect(`/cycles${req.url.slice('/runs'.length)}`, 301));
  for (const page of PAGES) {
    app.get(page.route, (_req, reply) => reply.type('text/html; charset=utf-8').send(renderPage(page.name, opts.temporalUi)));
  }
  return app;
}

/** Builds the dashboard and listens; `url` is where to open it. */
export async function startDashboard(opts: DashboardOptions): Promise<RunningDashboard> {
  const host = opts.host ?? '127.0.0.1';
  const app = await buildDashboard({ ...opts, host });
  await app.listen({ host, port: opts.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { url: `http://${shown}:${port}`, app, close: () => app.close() };
}
