import pino from 'pino';
import { redact } from '../config/redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/**
 * Field paths whose values pino replaces with `***` wherever a caller logs them (a config object,
 * request headers, a client's options). Configured secret values that end up elsewhere, inside a
 * message or an error's text, are masked as well by `redact` on every written line.
 */
export const SECRET_PATHS = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  'connectionString',
  '*.connectionString',
  'DATABASE_URL',
  '*.DATABASE_URL',
];

function wrap(p: pino.Logger): Logger {
  return {
    debug: (m, f) => p.debug(f ?? {}, m),
    info: (m, f) => p.info(f ?? {}, m),
    warn: (m, f) => p.warn(f ?? {}, m),
    error: (m, f) => p.error(f ?? {}, m),
    child: (fields) => wrap(p.child(fields)),
  };
}

/**
 * JSON lines from pino (`{"level":"info","time":"<ISO 8601>",...,"msg":"..."}`) on stderr, so
 * stdout stays free for command output; process.stderr writes files and pipes synchronously on
 * Linux, so a line logged just before process.exit is not lost, and the CLI's broken-pipe
 * handler sees its EPIPE. Errors under `err` or `error` keep their type, message and stack.
 * `write` receives each line without its newline (tests capture lines with it).
 */
export function createLogger(level: LogLevel = 'info', base: Record<string, unknown> = {}, write?: (line: string) => void): Logger {
  const destination = write ? { write: (s: string) => write(s.replace(/\n$/, '')) } : process.stderr;
  return wrap(
    pino(
      {
        level,
        base,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
        redact: { paths: SECRET_PATHS, censor: '***' },
        hooks: { streamWrite: redact },
      },
      destination,
    ),
  );
}
