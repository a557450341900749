// Nodes of the signaling server in server/ (real processes through the runner's `snode-*` commands) and real
// redis-servers for its cluster mode (`redis-start`). A test that needs Redis skips with one line outside CI when
// redis-server is not installed; in CI that is a failure (.ci/run installs it).
import { executeServerCommand } from '@web/test-runner-commands';
import { ConnectionService } from '../src/core/connection-service.js';
import type { ConnectionConfig } from '../src/core/config.js';

export interface SignalingNode {
  handle: number;
  nodeId: string;
  port: number;
  /** `http://127.0.0.1:<port>/peerjs`: what `signaling-url` / `signalingUrls` take. */
  url: string;
  /** `http://127.0.0.1:<port>`: /health, /metrics, /turn-credentials. */
  origin: string;
  key: string;
  /** `ws://…/peerjs/peerjs?key=…&id=…&token=…`: a raw PeerJS socket's URL. */
  socketUrl(id: string, token: string): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
  logs(): Promise<string[]>;
}

async function ciMode(): Promise<boolean> {
  return (await executeServerCommand<boolean, undefined>('ci-mode')) === true;
}

/** Skips the calling test (outside CI) or fails (in CI) for `reason`. */
async function missing(ctx: Mocha.Context, reason: string): Promise<never> {
  if (await ciMode()) throw new Error(`CI: ${reason}`);
  console.warn(`skipped: ${reason}`);
  ctx.skip();
  throw new Error('unreachable');
}

/** A real redis-server on 127.0.0.1 (ephemeral port, nothing saved); skips the test when it is not installed. */
export async function startRedis(ctx: Mocha.Context): Promise<string> {
  const r = await executeServerCommand<{ url: string } | { missing: string }, undefined>('redis-start');
  if (!r || 'missing' in r) return missing(ctx, r && 'missing' in r ? r.missing : 'the runner has no redis command');
  return r.url;
}

/** A signaling node with `env` (e.g. `REDIS_URL`, `PEERJS_KEY`, limits). */
export async function startNode(ctx: Mocha.Context, env: Record<string, string> = {}): Promise<SignalingNode> {
  const r = await executeServerCommand<Omit<SignalingNode, 'socketUrl' | 'stop' | 'kill' | 'logs'> | { missing: string }, { env: Record<string, string> }>(
    'snode-start',
    { env },
  );
  if (!r || 'missing' in r) return missing(ctx, r && 'missing' in r ? r.missing : 'the runner has no signaling-node command');
  return {
    ...r,
    socketUrl: (id, token) =>
      `${r.url.replace(/^http/, 'ws')}/peerjs?key=${encodeURIComponent(r.key)}&id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}`,
    stop: async () => void (await executeServerCommand('snode-stop', { handle: r.handle })),
    kill: async () => void (await executeServerCommand('snode-kill', { handle: r.handle })),
    logs: async () => (await executeServerCommand<string[], { handle: number }>('snode-logs', { handle: r.handle })) ?? [],
  };
}

/** Redis and `count` nodes sharing it (one key). */
export async function startCluster(ctx: Mocha.Context, count = 2, env: Record<string, string> = {}): Promise<SignalingNode[]> {
  const redis = await startRedis(ctx);
  const key = `k${crypto.randomUUID().slice(0, 8)}`;
  const nodes: SignalingNode[] = [];
  for (let i = 0; i < count; i++) nodes.push(await startNode(ctx, { REDIS_URL: redis, PEERJS_KEY: key, NODE_ID: `n${i + 1}-${key}`, ...env }));
  return nodes;
}

/** Every node and redis-server the tests started. */
export async function stopCluster(): Promise<void> {
  await executeServerCommand('cluster-stop');
}

const services: ConnectionService[] = [];

/** A kit service registered through `urls` (tried in order, failed over between). */
export async function serviceOn(urls: string[], key: string, extra: Partial<ConnectionConfig> = {}): Promise<ConnectionService> {
  const service = new ConnectionService({ signalingUrls: urls, key, iceServers: [], persistUsage: false, stablePeerId: false, ...extra });
  services.push(service);
  await service.open();
  return service;
}

export function destroyClusterServices(): void {
  for (const s of services.splice(0)) s.destroy();
}

export interface RawSocket {
  ws: WebSocket;
  /** Every message received (parsed), in order. */
  messages: Array<{ type: string; src?: string; dst?: string; payload?: unknown }>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: object | string): void;
  /** The first message of `type` (waits up to `ms`). */
  next(type: string, ms?: number): Promise<{ type: string; src?: string; dst?: string; payload?: unknown }>;
}

/** A bare PeerJS-protocol socket (what PeerJS's own Socket does, without PeerJS). */
export function rawSocket(url: string): RawSocket {
  const ws = new WebSocket(url);
  const messages: RawSocket['messages'] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })));
  ws.addEventListener('message', (e) => messages.push(JSON.parse(String(e.data)) as RawSocket['messages'][number]));
  return {
    ws,
    messages,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async next(type, ms = 5_000) {
      const end = performance.now() + ms;
      for (;;) {
        const found = messages.find((m) => m.type === type);
        if (found) return found;
        if (performance.now() > end) throw new Error(`No ${type} within ${ms} ms (got ${JSON.stringify(messages)})`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}
