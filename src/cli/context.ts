import { loadEnv, type Env } from '../config';
import { TrackerClient } from '../client/tracker-client';
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
  private temporal?: TrackerClient;

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

  /** The Temporal client of TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, connected on first use. */
  async getTemporal(): Promise<TrackerClient> {
    const env = this.getEnv();
    this.temporal ??= await TrackerClient.connect(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE);
    return this.temporal;
  }

  async close(): Promise<void> {
    await this.db?.end().catch(() => undefined);
    await this.temporal?.close().catch(() => undefined);
  }
}
