# Build: compile the TypeScript sources to dist/ (scripts/build.mjs), with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY bot ./bot
COPY graphs ./graphs
COPY runbooks ./runbooks
COPY notifiers ./notifiers
COPY webhooks ./webhooks
COPY migrations ./migrations
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
# Fonts for the report chart's labels (resvg draws text with the system's fonts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The compiled program only. The `steward` command (migrate, audit, runbooks) finds no sources beside
# it and runs the build too.
COPY --from=build /app/dist ./dist
COPY bot/cli/steward.mjs ./bot/cli/steward.mjs
RUN mkdir -p /data && chown node:node /data
USER node
ENV DATA_DIR=/data
# Two malloc arenas instead of up to eight per core: about 10 MB less resident memory (BENCHMARKS.md).
ENV MALLOC_ARENA_MAX=2
EXPOSE 8080
# A 2 MB young generation: about 40 MB less resident memory for a few more minor collections (BENCHMARKS.md).
CMD ["node", "--max-semi-space-size=2", "dist/bot/main.js"]
