FROM node:20-bookworm-slim
WORKDIR /app
# Fonts for the report chart's labels (resvg draws text with the system's fonts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY bot ./bot
COPY graphs ./graphs
COPY runbooks ./runbooks
COPY notifiers ./notifiers
COPY webhooks ./webhooks
COPY migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
ENV DATA_DIR=/data
EXPOSE 8080
# A 2 MB young generation: about 40 MB less resident memory for a few more minor collections (BENCHMARKS.md).
CMD ["node", "--max-semi-space-size=2", "--import", "tsx", "bot/main.ts"]
