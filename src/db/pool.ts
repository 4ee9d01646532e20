import pg from 'pg';

export type Db = pg.Pool;

/** One pool per process. Errors on idle clients are logged by the caller, not fatal. */
export function createPool(connectionString: string, max = 10, onIdleError?: (err: Error) => void): Db {
  const pool = new pg.Pool({ connectionString, max, application_name: 'ticket-tracker' });
  pool.on('error', (err) => onIdleError?.(err));
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
