// Part of `npm run build`: prebuilds the workflow bundle so production workers start without
// webpack (WORKER_BUNDLE_PATH, or dist/workflow-bundle.js which the worker finds by itself).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { fromRoot } from '../src/config/paths';
import { productionBundleOptions } from '../src/worker/bundle';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: fromRoot('src', 'workflows', 'index.ts'),
    logger: new DefaultLogger('WARN'),
    ...productionBundleOptions(),
  });
  const out = fromRoot('dist', 'workflow-bundle.js');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
