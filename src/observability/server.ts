import http from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `/metrics` (Prometheus text) and `/healthz` (200 while `healthy()` says so, else 503, with a
 * JSON body saying why) for the worker; Docker's HEALTHCHECK and Prometheus read them.
 */
export function startHealthServer(opts: {
  port: number;
  host?: string;
  registry: Registry;
  healthy: () => { ok: boolean; detail: Record<string, unknown> };
}): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/metrics') {
      opts.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': opts.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
      );
    } else if (req.method === 'GET' && url.pathname === '/healthz') {
      const h = opts.healthy();
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: h.ok, ...h.detail }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : opts.port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
