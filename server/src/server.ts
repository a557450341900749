// One signaling node: the HTTP server, the WebSocket side, the relay and the cluster, wired; and its shutdown.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Cluster } from './cluster.js';
import { MemoryCluster } from './cluster-memory.js';
import { RedisCluster } from './cluster-redis.js';
import type { ServerConfig } from './config.js';
import { createHttpHandler } from './http.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { AddressLimits } from './rate-limit.js';
import { Relay } from './relay.js';
import { Sockets } from './sockets.js';

export interface SignalingServer {
  readonly config: ServerConfig;
  readonly port: number;
  /** `http://host:port<path>` (what the kit's `signaling-url` takes). */
  readonly url: string;
  /** Graceful stop: clients are told to reconnect, ids released, Redis closed. */
  stop(): Promise<void>;
}

export async function startServer(config: ServerConfig, log: Logger = createLogger(config.logLevel, config.nodeId)): Promise<SignalingServer> {
  const metrics = createMetrics(config.nodeId);
  const cluster: Cluster = config.redisUrl
    ? new RedisCluster(config.redisUrl, config.nodeId, config.redisPrefix, config.registrationTtlMs, config.expireTimeoutMs * 2, log, metrics)
    : new MemoryCluster(config.nodeId);
  if (!config.redisUrl) metrics.redisUp.set(1);
  const relay = new Relay(cluster, metrics, config);
  const limits = new AddressLimits({
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    connectionsPerIpPerMinute: config.connectionsPerIpPerMinute,
    credentialsPerIpPerMinute: config.turn.perIpPerMinute,
    messagesPerIpPerSecond: config.messagesPerIpPerSecond,
    messageBurstPerIp: config.messageBurstPerIp,
  });
  const sockets = new Sockets(config, cluster, relay, limits, metrics, log);
  const started = Date.now();

  await cluster.start({
    deliver: (dst, json) => relay.deliver(dst, json),
    kick: (id) => sockets.drop(id),
    flush: (id) => relay.flush(id),
  });

  const server = http.createServer(
    createHttpHandler({
      config,
      metrics,
      limits,
      async health() {
        const store = await cluster.healthy();
        const ok = store && !sockets.draining;
        return {
          ok,
          body: {
            status: sockets.draining ? 'draining' : store ? 'ok' : 'degraded',
            node: config.nodeId,
            registry: cluster.kind,
            ...(cluster.kind === 'redis' ? { redis: store ? 'up' : 'down' } : {}),
            clients: relay.clients.size,
            sockets: sockets.count,
            uptimeS: Math.round((Date.now() - started) / 1000),
          },
        };
      },
    }),
  );
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  server.on('upgrade', (req, socket, head) => sockets.upgrade(req, socket, head));
  server.on('clientError', (_error, socket) => socket.destroy());

  const timers = [
    setInterval(() => relay.expire(), Math.max(100, Math.min(1_000, config.expireTimeoutMs / 5))),
    setInterval(() => sockets.sweep(), Math.max(250, Math.min(5_000, config.aliveTimeoutMs / 4))),
    setInterval(() => limits.sweep(), 60_000),
  ];
  if (cluster.kind === 'redis') {
    let refreshing = false;
    timers.push(
      setInterval(() => {
        if (refreshing) return;
        refreshing = true;
        cluster
          .refresh(sockets.claims())
          .then((lost) => lost.forEach((id) => sockets.drop(id)))
          .catch((error: Error) => log.warn({ err: error.message }, 'refresh failed'))
          .finally(() => (refreshing = false));
      }, config.registrationTtlMs / 3),
    );
  }
  for (const t of timers) t.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${config.path === '/' ? '/' : config.path}`;
  log.info({ port, host: config.host, path: config.path, registry: cluster.kind }, 'listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info({ clients: relay.clients.size }, 'shutting down');
      metrics.draining.set(1);
      for (const t of timers) clearInterval(t);
      const closedHttp = new Promise<void>((resolve) => server.close(() => resolve()));
      const ids = [...relay.clients.keys()];
      // Let the ids go first, so clients reconnecting to another node get them at once.
      await cluster.release(ids).catch((error: Error) => log.warn({ err: error.message }, 'release failed'));
      await sockets.drain(config.shutdownGraceMs);
      server.closeAllConnections();
      await closedHttp;
      await cluster.close();
      log.info('stopped');
    })());

  return { config, port, url, stop };
}
