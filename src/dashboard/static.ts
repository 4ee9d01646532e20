import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * The front end's files: our own (src/dashboard/static) and uPlot, served from node_modules
 * (the machines have no internet: no CDN). Read once at start.
 */
function staticDir(): string {
  // From src/dashboard (tsx) or dist/src/dashboard (compiled): the sources' folder is the one with the files.
  const candidates = [path.join(__dirname, 'static'), path.resolve(__dirname, '../../../src/dashboard/static')];
  for (const c of candidates) {
    try {
      readFileSync(path.join(c, 'app.js'));
      return c;
    } catch {
      // try the next one
    }
  }
  throw new Error(`dashboard front end not found in ${candidates.join(' or ')}`);
}

export function registerStatic(app: FastifyInstance): void {
  const dir = staticDir();
  const files: Record<string, { body: Buffer; type: string }> = {
    '/static/app.js': { body: readFileSync(path.join(dir, 'app.js')), type: 'text/javascript; charset=utf-8' },
    '/static/style.css': { body: readFileSync(path.join(dir, 'style.css')), type: 'text/css; charset=utf-8' },
    '/static/uplot.js': { body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')), type: 'text/javascript; charset=utf-8' },
    '/static/uplot.css': { body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')), type: 'text/css; charset=utf-8' },
  };
  for (const [route, f] of Object.entries(files)) {
    app.get(route, (_req, reply) => reply.type(f.type).header('cache-control', 'max-age=300').send(f.body));
  }
}
