// N nodes on Redis or Valkey (ioredis). Each peer id is one key, `<prefix>peer:<id>` = `<node> <sha256(token)>`,
// set with NX semantics and a TTL that the holding node refreshes while the client's heartbeats keep it alive:
// the id is unique cluster-wide, and a dead node's ids expire (a client with the same token may reclaim one at
// once, anywhere). Each node subscribes to its own channel `<prefix>node:<node>`; a message for a peer on another
// node is published there by one Lua script that looks the holder up and publishes in the same round trip.
// Channel messages: `m\n<dst>\n<json>` (deliver), `k\n<id>` (kick: the id moved away), `f\n<id>` (flush: the id
// registered elsewhere, forward what waits for it).
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ClaimResult, Cluster, ClusterHandlers } from './cluster.js';
import type { Metrics } from './metrics.js';

const CLAIM = `
local v = redis.call('GET', KEYS[1])
local mine = ARGV[1] .. ' ' .. ARGV[2]
if not v then
  redis.call('SET', KEYS[1], mine, 'PX', ARGV[3])
  return {'new', ''}
end
local sp = string.find(v, ' ', 1, true)
if not sp or string.sub(v, sp + 1) ~= ARGV[2] then return {'taken', ''} end
redis.call('SET', KEYS[1], mine, 'PX', ARGV[3])
return {'reclaimed', string.sub(v, 1, sp - 1)}`;

const RELEASE = `
local prefix = ARGV[1] .. ' '
local n = 0
for _, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v and string.sub(v, 1, #prefix) == prefix then
    redis.call('DEL', k)
    n = n + 1
  end
end
return n`;

// A key that vanished (Redis restarted or was flushed) is claimed again; one another node holds is reported lost.
const REFRESH = `
local prefix = ARGV[1] .. ' '
local lost = {}
for i, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if not v then
    redis.call('SET', k, prefix .. ARGV[2 + i], 'PX', ARGV[2])
  elseif string.sub(v, 1, #prefix) == prefix then
    redis.call('PEXPIRE', k, ARGV[2])
  else
    lost[#lost + 1] = i
  end
end
return lost`;

const FORWARD = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local sp = string.find(v, ' ', 1, true)
if not sp then return 0 end
return redis.call('PUBLISH', ARGV[1] .. string.sub(v, 1, sp - 1), ARGV[2])`;

const ANNOUNCE = `
local nodes = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
for _, node in ipairs(nodes) do
  if node ~= ARGV[1] then redis.call('PUBLISH', ARGV[2] .. node, ARGV[3]) end
end
return #nodes`;

/** Keys per refresh/release script call. */
const BATCH = 256;

type Scripted = Redis & {
  dsClaim(key: string, node: string, tokenHash: string, ttl: number): Promise<[string, string]>;
  dsRelease(n: number, ...args: (string | number)[]): Promise<number>;
  dsRefresh(n: number, ...args: (string | number)[]): Promise<number[]>;
  dsForward(key: string, channelPrefix: string, payload: string): Promise<number>;
  dsAnnounce(key: string, node: string, channelPrefix: string, payload: string): Promise<number>;
};

export class RedisCluster implements Cluster {
  readonly kind = 'redis';
  private readonly redis: Scripted;
  private readonly sub: Redis;
  private handlers: ClusterHandlers | undefined;

  constructor(
    url: string,
    private readonly nodeId: string,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly pendingMs: number,
    private readonly log: Logger,
    private readonly metrics: Metrics,
  ) {
    const options = {
      lazyConnect: true,
      // A command waits at most this long for Redis: a registration fails with a clear error instead of hanging.
      commandTimeout: 3_000,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
      connectionName: `darkswap-signaling-${nodeId}`,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 2_000),
    };
    this.redis = new Redis(url, options) as Scripted;
    this.sub = new Redis(url, { ...options, enableAutoPipelining: false, commandTimeout: undefined });
    this.redis.defineCommand('dsClaim', { numberOfKeys: 1, lua: CLAIM });
    this.redis.defineCommand('dsRelease', { lua: RELEASE });
    this.redis.defineCommand('dsRefresh', { lua: REFRESH });
    this.redis.defineCommand('dsForward', { numberOfKeys: 1, lua: FORWARD });
    this.redis.defineCommand('dsAnnounce', { numberOfKeys: 1, lua: ANNOUNCE });
    for (const [name, client] of [
      ['redis', this.redis],
      ['subscriber', this.sub],
    ] as const) {
      client.on('error', (error: Error) => this.log.warn({ err: error.message, client: name }, 'redis error'));
      client.on('ready', () => this.updateUp());
      client.on('end', () => this.updateUp());
      client.on('close', () => this.updateUp());
    }
  }

  private updateUp(): void {
    this.metrics.redisUp.set(this.redis.status === 'ready' && this.sub.status === 'ready' ? 1 : 0);
  }

  private key(id: string): string {
    return `${this.prefix}peer:${id}`;
  }

  private get channelPrefix(): string {
    return `${this.prefix}node:`;
  }

  /** Times a Redis operation and counts its failures. */
  private async op<T>(name: string, run: () => Promise<T>): Promise<T> {
    const end = this.metrics.clusterSeconds.startTimer({ op: name });
    try {
      return await run();
    } catch (error) {
      this.metrics.clusterErrors.inc({ op: name });
      throw error;
    } finally {
      end();
    }
  }

  async start(handlers: ClusterHandlers): Promise<void> {
    this.handlers = handlers;
    await Promise.all([this.redis.connect(), this.sub.connect()]);
    this.sub.on('message', (_channel: string, message: string) => this.onMessage(message));
    await this.sub.subscribe(this.channelPrefix + this.nodeId);
    this.updateUp();
  }

  private onMessage(message: string): void {
    const h = this.handlers;
    if (!h) return;
    const kind = message.charCodeAt(0);
    const nl = message.indexOf('\n', 2);
    if (kind === 0x6d /* m */ && nl > 2) h.deliver(message.slice(2, nl), message.slice(nl + 1));
    else if (kind === 0x6b /* k */) h.kick(message.slice(2));
    else if (kind === 0x66 /* f */) h.flush(message.slice(2));
  }

  async claim(id: string, tokenHash: string): Promise<ClaimResult> {
    const [result, previous] = await this.op('claim', () => this.redis.dsClaim(this.key(id), this.nodeId, tokenHash, this.ttlMs));
    if (result === 'new') return { result };
    if (result === 'reclaimed') return { result, previousNode: previous };
    return { result: 'taken' };
  }

  async release(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH) {
      const keys = ids.slice(i, i + BATCH).map((id) => this.key(id));
      await this.op('release', () => this.redis.dsRelease(keys.length, ...keys, this.nodeId));
    }
  }

  async refresh(claims: ReadonlyArray<{ id: string; tokenHash: string }>): Promise<string[]> {
    const lost: string[] = [];
    for (let i = 0; i < claims.length; i += BATCH) {
      const batch = claims.slice(i, i + BATCH);
      const keys = batch.map((c) => this.key(c.id));
      const gone = await this.op('refresh', () => this.redis.dsRefresh(keys.length, ...keys, this.nodeId, this.ttlMs, ...batch.map((c) => c.tokenHash)));
      for (const index of gone) lost.push(batch[index - 1]!.id);
    }
    return lost;
  }

  async forward(dst: string, json: string): Promise<boolean> {
    const receivers = await this.op('forward', () => this.redis.dsForward(this.key(dst), this.channelPrefix, `m\n${dst}\n${json}`));
    return receivers > 0;
  }

  notePending(dst: string): void {
    const key = `${this.prefix}pending:${dst}`;
    this.op('pending', () => this.redis.multi().sadd(key, this.nodeId).pexpire(key, this.pendingMs).exec()).catch(() => undefined);
  }

  announce(id: string): void {
    this.op('announce', () => this.redis.dsAnnounce(`${this.prefix}pending:${id}`, this.nodeId, this.channelPrefix, `f\n${id}`)).catch(() => undefined);
  }

  kick(node: string, id: string): void {
    this.op('kick', () => this.redis.publish(this.channelPrefix + node, `k\n${id}`)).catch(() => undefined);
  }

  async healthy(): Promise<boolean> {
    if (this.redis.status !== 'ready' || this.sub.status !== 'ready') return false;
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.handlers = undefined;
    await Promise.allSettled([this.sub.quit(), this.redis.quit()]);
    this.sub.disconnect();
    this.redis.disconnect();
  }
}
