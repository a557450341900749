// Configuration from environment variables: every knob has a default for a single node on one machine; a value
// that does not parse is an error naming the variable (the process refuses to start), never silently ignored.
import { randomBytes } from 'node:crypto';

export interface TurnConfig {
  /** coturn's `static-auth-secret`; without it `/turn-credentials` answers 404. */
  secret: string | undefined;
  /** TURN URLs handed out with each credential (several coturns: the client picks among them). */
  urls: string[];
  /** How long a credential is valid (seconds). */
  ttlS: number;
  /** Credentials per client address per minute. */
  perIpPerMinute: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** Where the PeerJS API and socket live (`/peerjs` → `/peerjs/peerjs` for the WebSocket, `/peerjs/<key>/id`). */
  path: string;
  /** PeerServer key clients must present. */
  key: string;
  /** This node's name in the cluster (channel and registry owner). Random when unset. */
  nodeId: string;
  /** Redis/Valkey URL; unset = one in-memory node. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel (several deployments may share one Redis). */
  redisPrefix: string;
  /** Origins allowed to open sockets and fetch credentials; `*` = any. */
  allowedOrigins: '*' | string[];
  /** Reverse proxies in front whose `X-Forwarded-For` entry is trusted (0 = use the socket's address). */
  trustProxy: number;
  /** A client silent (no heartbeat, no message) this long is dropped. */
  aliveTimeoutMs: number;
  /** Lifetime of a registration in Redis; refreshed while its client is alive (a dead node's ids expire). */
  registrationTtlMs: number;
  /** Messages for a peer that is not (yet) registered wait this long, then the sender gets EXPIRE. */
  expireTimeoutMs: number;
  /** Registered clients on this node, at most. */
  maxConnections: number;
  /** Open sockets from one address (an IPv6 /64 counts as one), at most. */
  maxConnectionsPerIp: number;
  /** New sockets from one address per minute (burst: a quarter of it, at least 10). */
  connectionsPerIpPerMinute: number;
  /** Messages one socket may send per second, steady rate. */
  messagesPerSecond: number;
  /** … and in a burst. */
  messageBurst: number;
  /** Messages all sockets of one address may send per second, and in a burst. */
  messagesPerIpPerSecond: number;
  messageBurstPerIp: number;
  /** Largest message a client may send (bytes). */
  maxPayloadBytes: number;
  /** Messages waiting for one absent peer, at most; and for all absent peers together. */
  maxQueuedPerPeer: number;
  maxQueuedTotal: number;
  /** On SIGTERM: how long clients get to go before their sockets are cut. */
  shutdownGraceMs: number;
  /** `Authorization: Bearer <token>` required on /metrics when set. */
  metricsToken: string | undefined;
  logLevel: string;
  turn: TurnConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads the configuration from `env` (process.env by default); throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env): ServerConfig {
  const problems: string[] = [];
  const str = (name: string, fallback: string): string => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? fallback : v;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}": expected a whole number ${min}..${max}`);
      return fallback;
    }
    return n;
  };
  const list = (name: string): string[] =>
    (env[name] ?? '')
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);

  let path = str('PEERJS_PATH', '/peerjs');
  if (!path.startsWith('/')) path = `/${path}`;
  path = path.replace(/\/+$/, '') || '/';
  if (!/^\/[\w./-]*$/.test(path)) problems.push(`PEERJS_PATH="${path}": letters, digits, - _ . / only`);

  const key = str('PEERJS_KEY', 'peerjs');
  if (!/^[\w-]{1,128}$/.test(key)) problems.push('PEERJS_KEY: 1-128 letters, digits, - or _');

  const nodeId = str('NODE_ID', `node-${randomBytes(4).toString('hex')}`);
  if (!/^[\w-]{1,64}$/.test(nodeId)) problems.push(`NODE_ID="${nodeId}": 1-64 letters, digits, - or _`);

  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL: expected redis://… or rediss://…');
  const redisPrefix = str('REDIS_PREFIX', 'darkswap:');
  if (!/^[\w:.-]{1,64}$/.test(redisPrefix)) problems.push('REDIS_PREFIX: 1-64 letters, digits, : . - _');

  const origins = list('ALLOWED_ORIGINS');
  let allowedOrigins: '*' | string[] = '*';
  if (origins.length && !origins.includes('*')) {
    allowedOrigins = [];
    for (const o of origins) {
      try {
        const u = new URL(o);
        if (u.origin === 'null' || u.origin !== o.replace(/\/$/, '')) throw new Error();
        allowedOrigins.push(u.origin);
      } catch {
        problems.push(`ALLOWED_ORIGINS: "${o}" is not an origin (scheme://host[:port])`);
      }
    }
  }

  const turnUrls = list('TURN_URLS');
  for (const u of turnUrls) if (!/^turns?:[^\s]+$/.test(u)) problems.push(`TURN_URLS: "${u}" is not a turn: or turns: URL`);
  const turnSecret = env.TURN_SECRET?.trim() || undefined;
  if (turnSecret && turnUrls.length === 0) problems.push('TURN_SECRET is set but TURN_URLS is empty');
  if (turnSecret && turnSecret.length < 16) problems.push('TURN_SECRET: at least 16 characters');

  const logLevel = str('LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL="${logLevel}": one of ${LOG_LEVELS.join(', ')}`);

  const registrationTtlMs = int('REGISTRATION_TTL_MS', 30_000, 1_000, 3_600_000);
  const config: ServerConfig = {
    host: str('HOST', '0.0.0.0'),
    port: int('PORT', 9000, 0, 65535),
    path,
    key,
    nodeId,
    redisUrl,
    redisPrefix,
    allowedOrigins,
    trustProxy: int('TRUST_PROXY', 0, 0, 10),
    aliveTimeoutMs: int('ALIVE_TIMEOUT_MS', 60_000, 1_000, 3_600_000),
    registrationTtlMs,
    expireTimeoutMs: int('EXPIRE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConnections: int('MAX_CONNECTIONS', 20_000, 1, 10_000_000),
    maxConnectionsPerIp: int('MAX_CONNECTIONS_PER_IP', 50, 1, 10_000_000),
    connectionsPerIpPerMinute: int('CONNECTIONS_PER_IP_PER_MINUTE', 120, 1, 10_000_000),
    messagesPerSecond: int('MESSAGES_PER_SECOND', 50, 1, 1_000_000),
    messageBurst: int('MESSAGE_BURST', 200, 1, 10_000_000),
    messagesPerIpPerSecond: int('MESSAGES_PER_IP_PER_SECOND', 500, 1, 10_000_000),
    messageBurstPerIp: int('MESSAGE_BURST_PER_IP', 2_000, 1, 100_000_000),
    maxPayloadBytes: int('MAX_PAYLOAD_BYTES', 65_536, 256, 16 * 1024 * 1024),
    maxQueuedPerPeer: int('MAX_QUEUED_PER_PEER', 64, 0, 100_000),
    maxQueuedTotal: int('MAX_QUEUED_TOTAL', 20_000, 0, 10_000_000),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 5_000, 0, 600_000),
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
    logLevel,
    turn: {
      secret: turnSecret,
      urls: turnUrls,
      ttlS: int('TURN_TTL_S', 600, 1, 7 * 86_400),
      perIpPerMinute: int('TURN_CREDENTIALS_PER_IP_PER_MINUTE', 30, 1, 1_000_000),
    },
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** The configuration with secrets masked, for the startup log line. */
export function describeConfig(c: ServerConfig): Record<string, unknown> {
  return {
    ...c,
    key: c.key === 'peerjs' ? 'peerjs (the default: set PEERJS_KEY)' : '(set)',
    redisUrl: c.redisUrl ? c.redisUrl.replace(/\/\/[^@/]*@/, '//***@') : undefined,
    metricsToken: c.metricsToken ? '(set)' : undefined,
    turn: { ...c.turn, secret: c.turn.secret ? '(set)' : undefined },
  };
}
