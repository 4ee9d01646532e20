import type { BundleOptions } from '@temporalio/worker';
import MinimizerPlugin from 'minimizer-webpack-plugin';

/**
 * How the production workflow bundle is built (`npm run build` -> dist/workflow-bundle.js, which
 * production workers and the cycle bench load; the chaos suite's workers): the SDK's webpack
 * configuration (development mode, inline source map) plus tree shaking, module concatenation
 * and terser.
 *
 * Why: with `reuseV8Context` the worker evaluates the bundle's modules once per workflow run, so
 * every module a scrape child pulls in costs CPU on every event (issue 17: zod's ~80 schema
 * classes alone were half of it). zod marks its classes pure, so terser drops the unused ones.
 * Function and class names are kept (the SDK names workflow types and child workflows by
 * `fn.name`; failures by class name), nothing is mangled, and the source map still maps stack
 * traces (the Web UI's stack trace query) to src/.
 *
 * Bundling from source at run time (dev, tests) skips this: it takes about 7 s instead of 2 s. The
 * replay test replays the recorded histories with these options too.
 */
export function productionBundleOptions(): Pick<BundleOptions, 'webpackConfigHook'> {
  return {
    webpackConfigHook: (config) => ({
      ...config,
      optimization: {
        ...config.optimization,
        usedExports: true,
        sideEffects: true,
        concatenateModules: true,
        minimize: true,
        minimizer: [
          new MinimizerPlugin({
            minify: MinimizerPlugin.terserMinify,
            minimizerOptions: { keep_fnames: true, keep_classnames: true, mangle: false, compress: { passes: 2 } },
          }),
        ],
      },
    }),
  };
}
