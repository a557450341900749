// Prometheus metrics (prom-client), one registry per server so several can run in one process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(nodeId: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    clients: new Gauge({ name: 'signaling_clients', help: 'Registered clients on this node', registers: [registry] }),
    sockets: new Gauge({ name: 'signaling_sockets', help: 'Open WebSockets on this node (registered or not)', registers: [registry] }),
    registrations: new Counter({
      name: 'signaling_registrations_total',
      help: 'Registration attempts by result (new, reclaimed, taken, error)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'signaling_refusals_total',
      help: 'Sockets and messages refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    messages: new Counter({
      name: 'signaling_messages_total',
      help: 'Relayed messages by type and route (local, remote, queued, dropped)',
      labelNames: ['type', 'route'] as const,
      registers: [registry],
    }),
    fromCluster: new Counter({ name: 'signaling_cluster_received_total', help: 'Messages received from other nodes', registers: [registry] }),
    queued: new Gauge({ name: 'signaling_queued_messages', help: 'Messages waiting for a peer that is not registered', registers: [registry] }),
    expired: new Counter({ name: 'signaling_expired_total', help: 'EXPIRE notices sent (messages to a peer that never came)', registers: [registry] }),
    kicked: new Counter({
      name: 'signaling_replaced_total',
      help: 'Sockets replaced by a newer one with the same id and token',
      registers: [registry],
    }),
    timeouts: new Counter({ name: 'signaling_alive_timeouts_total', help: 'Clients dropped for silence', registers: [registry] }),
    clusterSeconds: new Histogram({
      name: 'signaling_cluster_op_seconds',
      help: 'Redis round trips by operation',
      labelNames: ['op'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
    clusterErrors: new Counter({
      name: 'signaling_cluster_errors_total',
      help: 'Failed Redis operations by operation',
      labelNames: ['op'] as const,
      registers: [registry],
    }),
    redisUp: new Gauge({ name: 'signaling_redis_up', help: '1 when Redis answers (always 1 without Redis)', registers: [registry] }),
    turnCredentials: new Counter({
      name: 'signaling_turn_credentials_total',
      help: 'TURN credential requests by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    draining: new Gauge({ name: 'signaling_draining', help: '1 while the node shuts down', registers: [registry] }),
  };
}
