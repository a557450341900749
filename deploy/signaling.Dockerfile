# The signaling server (server/) as a small image: compiled in a build stage, run with only its four runtime
# dependencies (server/package.json). Build from the repository root:
#   docker build -f deploy/signaling.Dockerfile -t darkswap-signaling .
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY server ./server
RUN npx tsc -p server/tsconfig.json

FROM node:22-bookworm-slim
ENV NODE_ENV=production PORT=9000
WORKDIR /app
COPY server/package.json ./
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/server/dist ./dist
USER node
EXPOSE 9000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM: graceful shutdown (clients are told to reconnect; they move to another node).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
