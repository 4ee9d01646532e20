/**
 * A value built on its first use, then kept: `const schema = lazy(() => z.object(...))`, used as
 * `schema().parse(x)`.
 *
 * For zod schemas in modules that workflows import. The workflow sandbox evaluates every module of
 * the workflow bundle again for each workflow execution (the SDK keeps a module cache per
 * workflow), so a schema built at module load is built once per scrape child whether that child
 * uses it or not; zod's schema construction was the largest CPU cost of a scrape child in the
 * worker (`npm run bench -- cycle`, docs/benchmarks.md).
 */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | null = null;
  return () => (built ??= { value: build() }).value;
}
