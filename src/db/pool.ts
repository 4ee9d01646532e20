import pg from 'pg';

export type Db = pg.Pool;

/**
 * One pool per process. A connection error on a client is reported to `onClientError` once,
 * never fatal, whether the client sits idle in the pool or is checked out between two statements.
 *
 * Why a listener on every client: pg-pool listens for errors only on idle clients (and re-emits
 * them as the pool's 'error', which is only kept from being fatal here), and `pg` emits an error
 * that arrives while no query runs as an 'error' event, which with no listener kills the process.
 * The chaos suite saw both workers die that way when PostgreSQL stopped ("terminating connection
 * due to administrator command", 57P01) with a transaction's client checked out. The client is
 * then not queryable: its next query rejects (isDatabaseUnavailable), and release() drops it.
 */
export function createPool(connectionString: string, max = 10, onClientError?: (err: Error) => void): Db {
  const pool = new pg.Pool({ connectionString, max, application_name: 'ticket-tracker' });
  pool.on('error', () => undefined); // already reported by the client's own listener below
  pool.on('connect', (client) => client.on('error', (err) => onClientError?.(err)));
  return pool;
}

/** Runs `fn` in a transaction on one client; rolls back on any error. */
export async function withTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
