import { timingSafeEqual } from 'node:crypto';

/**
 * Who may read the dashboard. Pure; no I/O. On a loopback address (127.0.0.0/8, ::1, localhost)
 * only this machine's users can connect and no token is needed; any other bind address makes the
 * dashboard reachable from the network, so it needs DASHBOARD_TOKEN and every request must carry it.
 */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** Thrown when the dashboard is asked to listen where it would be unprotected. */
export class DashboardBindError extends Error {
  override name = 'DashboardBindError';
}

/**
 * The token requests must carry at `host`, or null when none is needed (loopback without a
 * token). Throws DashboardBindError for a non-loopback host without a token, or a token too
 * short to resist guessing (under 16 characters).
 */
export function requiredToken(host: string, token: string | undefined): string | null {
  if (token !== undefined && token.length > 0) {
    if (token.length < 16) throw new DashboardBindError('DASHBOARD_TOKEN must be at least 16 characters long');
    return token;
  }
  if (isLoopback(host)) return null;
  throw new DashboardBindError(
    `refusing to serve the dashboard on ${host} without a token: set DASHBOARD_TOKEN (16+ characters) or bind to 127.0.0.1`,
  );
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : undefined;
}
