import { Client, Connection } from '@temporalio/client';
import { loadEnv, type Env } from '../config';
import { createPool, type Db } from '../db/pool';
import { isListening } from '../embedded/ports';
import { createLogger, type Logger } from '../logging/logger';
import { processIo, type CliIo } from './io';

/**
 * What a command needs, created on first use so that `--help` and pure commands work without
 * a valid environment, a database or a Temporal server.
 */
export class CliContext {
  private env?: Env;
  private db?: Db;
  private temporal?: { connection: Connection; client: Client };

  /** `io`: the run's environment, working folder and stderr (for log lines); the process's own by default. */
  constructor(readonly io: CliIo = processIo()) {}

  getEnv(): Env {
    this.env ??= loadEnv(this.io.env, this.io.cwd);
    return this.env;
  }

  logger(): Logger {
    return createLogger(this.getEnv().LOG_LEVEL, {}, (line) => this.io.err(line + '\n'));
  }

  /** DATABASE_URL, or the embedded cluster that `npm start` runs when it is up. */
  async databaseUrl(): Promise<string> {
    const env = this.getEnv();
    if (env.DATABASE_URL) return env.DATABASE_URL;
    if (await isListening(env.EMBEDDED_PG_PORT)) return `postgres://postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}/ticket_tracker`;
    throw new Error(
      `no database: DATABASE_URL is not set and no embedded PostgreSQL listens on 127.0.0.1:${env.EMBEDDED_PG_PORT} (start it with \`npm start\`)`,
    );
  }

  async getDb(): Promise<Db> {
    this.db ??= createPool(await this.databaseUrl(), 4);
    return this.db;
  }

  async getTemporal(): Promise<Client> {
    if (!this.temporal) {
      const env = this.getEnv();
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: '5s' }).catch((err: unknown) => {
        throw new Error(
          `cannot reach Temporal at ${env.TEMPORAL_ADDRESS} (${(err as Error).message}); is \`npm start\` or the server running?`,
        );
      });
      this.temporal = { connection, client: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }) };
    }
    return this.temporal.client;
  }

  async close(): Promise<void> {
    await this.db?.end().catch(() => undefined);
    await this.temporal?.connection.close().catch(() => undefined);
  }
}
