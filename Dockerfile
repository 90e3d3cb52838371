# Steward's image: the compiled program on the current Node.js LTS (26, Active LTS since 2026-10-28),
# run as the unprivileged `node` user. Development and CI also run on Node 20 (package.json engines).
# Release builds pass VERSION, SOURCE and REVISION (docs/releasing.md); VERSION's default is
# package.json's version (test/unit/container-image.test.ts keeps them together).
ARG NODE_IMAGE=node:26-bookworm-slim

# Build: compile the TypeScript sources to dist/ (scripts/build.mjs), with the dev dependencies. The
# output is JavaScript, so this stage runs on the builder's own platform for every target platform.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
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

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
ARG SOURCE=
ARG REVISION=
LABEL org.opencontainers.image.title="Steward" \
      org.opencontainers.image.description="Chat-ops approval bot for homelabs: alerts in, numbered options to chat, fixes run only after approval, runbooks that earn autonomy." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}"
WORKDIR /app
# Fonts for the report chart's labels (resvg draws text with the system's fonts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The compiled program only. The `steward` command (migrate, audit, runbooks, --version) finds no
# sources beside it and runs the build too; its version comes from /app/package.json.
COPY --from=build /app/dist ./dist
COPY bot/cli/steward.mjs ./bot/cli/steward.mjs
RUN mkdir -p /data && chown node:node /data
# The `node` user of the official image (uid and gid 1000, as the Kubernetes manifests run it).
USER node
ENV DATA_DIR=/data
# Two malloc arenas instead of up to eight per core: about 10 MB less resident memory (BENCHMARKS.md).
ENV MALLOC_ARENA_MAX=2
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# A 2 MB young generation: about 40 MB less resident memory for a few more minor collections (BENCHMARKS.md).
CMD ["node", "--max-semi-space-size=2", "dist/bot/main.js"]
