import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * The front end's files: our own (every file of src/dashboard/static, under /static/ at the same
 * path: app.js and the ES modules it imports, style.css) and uPlot, served from node_modules (the
 * machines have no internet: no CDN). Read once at start.
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

/** Content types of the files we serve, by extension (a module script must be served as JavaScript). */
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Every file under `dir` with a known content type, by its path from `dir` ('/'-separated). */
function filesUnder(dir: string, prefix = ''): { route: string; file: string; type: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(file, `${prefix}${entry.name}/`);
    const type = CONTENT_TYPES[path.extname(entry.name)];
    return type ? [{ route: `/static/${prefix}${entry.name}`, file, type }] : [];
  });
}

export function registerStatic(app: FastifyInstance): void {
  const files: Record<string, { body: Buffer; type: string }> = {};
  for (const f of filesUnder(staticDir())) files[f.route] = { body: readFileSync(f.file), type: f.type };
  files['/static/uplot.js'] = { body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')), type: CONTENT_TYPES['.js']! };
  files['/static/uplot.css'] = { body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')), type: CONTENT_TYPES['.css']! };
  for (const [route, f] of Object.entries(files)) {
    app.get(route, (_req, reply) => reply.type(f.type).header('cache-control', 'max-age=300').send(f.body));
  }
}
