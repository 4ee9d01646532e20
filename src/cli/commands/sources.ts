import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { MARKETPLACE_NAMES } from '../../domain/listing';
import { startMockMarketplace } from '../../mock-marketplace';
import { PAYLOAD_PARSERS, PayloadShapeError } from '../../sources';
import type { CliContext } from '../context';
import { UsageError } from '../output';
import { parseOptions } from '../parse';

/** sources parse, mock-marketplace: debugging marketplace formats and running the mock alone. */
export function registerSourcesCommands(program: Command, ctx: CliContext): void {
  const sources = program.command('sources').description('marketplace payloads');
  sources
    .command('parse')
    .description(`normalize a saved marketplace payload and print it as JSON (SOURCE: ${MARKETPLACE_NAMES.join(', ')})`)
    .argument('<source>', 'marketplace the payload came from')
    .argument('<file>', 'saved JSON response (StubHub: Pro comparable listings array, or a Catalog event)')
    .action(async (source: string, file: string) => {
      const name = parseOptions(z.object({ source: z.enum(MARKETPLACE_NAMES, { error: `must be one of ${MARKETPLACE_NAMES.join(', ')}` }) }), { source }).source;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch (err) {
        throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
      }
      try {
        const result = PAYLOAD_PARSERS[name](payload);
        process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      } catch (err) {
        if (err instanceof PayloadShapeError) throw new UsageError(`${file} is not a ${name} payload: field ${err.path || '(root)'}: ${err.reason}`);
        throw err;
      }
    });

  program
    .command('mock-marketplace')
    .description('run the mock marketplace alone (all four formats, faults via POST /__mock/faults)')
    .option('--port <port>', 'port to listen on (default MOCK_MARKETPLACE_PORT)')
    .option('--seed <seed>', 'seed of the generated data (default MOCK_MARKETPLACE_SEED)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--pool-size <n>', 'listings each event ever has (load tests); by default 80 to 300')
    .action(async (raw: { port?: string; seed?: string; host: string; poolSize?: string }) => {
      const env = ctx.getEnv();
      const opts = parseOptions(
        z.object({
          port: z.coerce.number().int().min(0).max(65535).default(env.MOCK_MARKETPLACE_PORT),
          seed: z.coerce.number().int().min(0).default(env.MOCK_MARKETPLACE_SEED),
          host: z.string().min(1),
          poolSize: z.coerce.number().int().min(1).max(100_000).optional(),
        }),
        raw,
      );
      const mock = await startMockMarketplace(opts);
      process.stdout.write(`mock marketplace on ${mock.url} (seed ${opts.seed}); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await mock.close();
    });
}
