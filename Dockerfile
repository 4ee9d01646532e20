# Production worker image: compiled JavaScript and a prebuilt workflow bundle, run as non-root.
# Build: docker build -t ticket-tracker .
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install, not npm ci: see scripts/ensure-installed.js
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
# A capped heap and two malloc arenas keep a months-long worker's memory flat: without them V8
# grows its heap toward its default limit, and glibc's per-thread arenas fragment across the
# SDK's native threads (see `npm run bench -- cycle`).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=256 \
    MALLOC_ARENA_MAX=2 \
    WORKER_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY migrations ./migrations
COPY samples ./samples
USER node
# The worker's Prometheus metrics and health endpoint.
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/ticket-tracker.js"]
CMD ["worker"]
