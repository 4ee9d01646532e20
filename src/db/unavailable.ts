/**
 * Whether a `pg` error means "the database cannot be reached right now" (stopped, restarting,
 * connection cut) rather than "this statement is wrong": the first is worth waiting out, the
 * second never is. Codes: SQLSTATE class 08 (connection exception), 57P01-57P03 (admin or crash
 * shutdown, cannot connect now) from the PostgreSQL manual's appendix A; Node's socket errors;
 * and the messages `pg` itself throws when a connection ends under a query.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  }
  return /Connection terminated|connection timeout|Client has encountered a connection error|terminating connection/i.test(err.message);
}
