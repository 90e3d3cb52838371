FROM node:20-bookworm-slim
WORKDIR /app
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
CMD ["node", "--import", "tsx", "bot/main.ts"]
