import { z } from 'zod';
import { UsageError } from './output';

/** Validates a command's options with zod; a failure names every bad option (exit 2). */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const key = i.path.map(String).join('.');
    const flag = key ? '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()) : 'arguments';
    return `${flag}: ${i.message}`;
  });
  throw new UsageError(problems.join('; '));
}
