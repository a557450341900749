// The WebSocket side: admission (path, origin, address limits, key, id, capacity), registration through the
// cluster, then per-message checks (size, rate, shape) before the relay. Every refusal is a PeerJS `ERROR`
// (or `ID-TAKEN`) with a plain sentence, then a close with a meaningful code.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import type { Cluster } from './cluster.js';
import type { ServerConfig } from './config.js';
import type { Metrics } from './metrics.js';
import { Close, Errors, MAX_TOKEN_CHARS, OPEN_MESSAGE, RELAYED, errorMessage, idTakenMessage, isValidId } from './protocol.js';
import { addressKey, TokenBucket, type AddressLimits } from './rate-limit.js';
import type { Relay, RelayClient } from './relay.js';

/** What ws 8 hands a `message` listener (its types in the tree are ws 7's). */
type RawData = Buffer | ArrayBuffer | Buffer[];

/** One socket: registering, then a registered client of the relay. */
export class Client implements RelayClient {
  lastSeen = performance.now();
  registered = false;
  /** Messages that arrived while the id was being claimed. */
  early: RawData[] | undefined = [];
  readonly bucket: TokenBucket;

  constructor(
    readonly id: string,
    readonly tokenHash: string,
    readonly ws: WebSocket,
    readonly address: string,
    config: ServerConfig,
  ) {
    this.bucket = new TokenBucket(config.messagesPerSecond, config.messageBurst, this.lastSeen);
  }

  send(json: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(json);
  }

  /** Sends a last word (ERROR) and closes. */
  refuse(msg: string, code: number): void {
    refuse(this.ws, msg, code);
  }
}

function refuse(ws: WebSocket, msg: string, code: number, message = errorMessage(msg)): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  ws.send(message);
  ws.close(code, msg.slice(0, 120));
}

/** Hex SHA-256 of a token: what the registry stores (never the token itself). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The client's address: the socket's, or the trusted proxy's `X-Forwarded-For` entry. */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  const socketAddress = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy <= 0) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // The rightmost `trustProxy` entries were added by our proxies; the one before them is the client.
  return hops[hops.length - trustProxy] ?? hops[0] ?? socketAddress;
}

export function originAllowed(config: ServerConfig, origin: string | undefined): boolean {
  // Non-browser clients send no Origin; an allow-list only binds browsers (which always send one cross-origin).
  if (config.allowedOrigins === '*' || origin === undefined) return true;
  return config.allowedOrigins.includes(origin);
}

export class Sockets {
  readonly wss: WebSocketServer;
  private readonly all = new Set<Client | WebSocket>();
  draining = false;

  constructor(
    private readonly config: ServerConfig,
    private readonly cluster: Cluster,
    private readonly relay: Relay,
    private readonly limits: AddressLimits,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    // A hard ceiling well above the cap: bigger frames are cut by ws itself (1009) before they are buffered;
    // between the cap and the ceiling the client hears why.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayloadBytes * 2 + 1024, perMessageDeflate: false });
  }

  /** Where the socket lives: `<path>/peerjs`. */
  get socketPath(): string {
    return `${this.config.path === '/' ? '' : this.config.path}/peerjs`;
  }

  get count(): number {
    return this.all.size;
  }

  /** `upgrade` on the HTTP server. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://signaling');
    if (url.pathname.replace(/\/+$/, '') !== this.socketPath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.draining) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.on('error', () => undefined);
    this.wss.handleUpgrade(req, socket as Socket, head, (ws) => this.accept(ws, req, url));
  }

  private accept(ws: WebSocket, req: IncomingMessage, url: URL): void {
    ws.on('error', (error) => this.log.debug({ err: error.message }, 'socket error'));
    const address = addressKey(clientAddress(req, this.config.trustProxy));
    const origin = req.headers.origin;
    if (!originAllowed(this.config, origin)) return this.refuse(ws, 'origin', Errors.originNotAllowed(String(origin)), Close.POLICY);
    const limited = this.limits.connect(address);
    if (limited === 'ip-connections') return this.refuse(ws, limited, Errors.ipConnections(this.config.maxConnectionsPerIp), Close.TRY_LATER);
    if (limited === 'ip-rate') return this.refuse(ws, limited, Errors.ipRate(this.config.connectionsPerIpPerMinute), Close.TRY_LATER);
    // From here on the address has one more socket open.
    this.all.add(ws);
    this.metrics.sockets.set(this.all.size);
    const state: { client?: Client } = {};
    ws.once('close', () => {
      this.limits.closed(address);
      if (state.client) this.all.delete(state.client);
      this.all.delete(ws);
      this.metrics.sockets.set(this.all.size);
      if (state.client) this.closed(state.client);
    });

    const id = url.searchParams.get('id');
    const token = url.searchParams.get('token');
    const key = url.searchParams.get('key');
    if (!id || !token || !key) return this.refuse(ws, 'params', Errors.INVALID_WS_PARAMETERS, Close.POLICY);
    if (!this.keyMatches(key)) return this.refuse(ws, 'key', Errors.INVALID_KEY, Close.POLICY);
    if (!isValidId(id)) return this.refuse(ws, 'id', Errors.INVALID_ID, Close.POLICY);
    if (token.length > MAX_TOKEN_CHARS) return this.refuse(ws, 'token', Errors.INVALID_TOKEN, Close.POLICY);
    if (this.relay.clients.size >= this.config.maxConnections) return this.refuse(ws, 'server-full', Errors.SERVER_FULL, Close.TRY_LATER);

    const c = new Client(id, hashToken(token), ws, address, this.config);
    state.client = c;
    this.all.delete(ws);
    this.all.add(c);
    ws.on('message', ((data: RawData, isBinary: boolean) => this.message(c, data, isBinary)) as (data: WebSocket.Data) => void);
    void this.register(c);
  }

  private keyMatches(key: string): boolean {
    const a = Buffer.from(key);
    const b = Buffer.from(this.config.key);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private refuse(ws: WebSocket, reason: string, msg: string, code: number): void {
    this.metrics.refusals.inc({ reason });
    this.log.debug({ reason }, 'refused');
    refuse(ws, msg, code);
  }

  private async register(c: Client): Promise<void> {
    let claim;
    try {
      claim = await this.cluster.claim(c.id, c.tokenHash);
    } catch (error) {
      this.metrics.registrations.inc({ result: 'error' });
      this.log.warn({ err: (error as Error).message }, 'claim failed');
      c.refuse(Errors.REGISTRY_DOWN, Close.TRY_LATER);
      return;
    }
    if (claim.result === 'taken') {
      this.metrics.registrations.inc({ result: 'taken' });
      refuse(c.ws, Errors.ID_TAKEN, Close.NORMAL, idTakenMessage());
      return;
    }
    if (c.ws.readyState !== WebSocket.OPEN) {
      // Closed while claiming: let go of the id unless another socket of this node holds it.
      if (!this.relay.clients.has(c.id)) void this.cluster.release([c.id]).catch(() => undefined);
      return;
    }
    const previous = this.relay.clients.get(c.id) as Client | undefined;
    if (previous) {
      // The same id and token again on this node (a reload before the old socket was seen to close).
      this.relay.remove(previous);
      this.metrics.kicked.inc();
      previous.refuse(Errors.REPLACED, Close.REPLACED);
    } else if (claim.result === 'reclaimed' && claim.previousNode !== this.config.nodeId) {
      this.cluster.kick(claim.previousNode, c.id);
    }
    this.metrics.registrations.inc({ result: claim.result });
    c.registered = true;
    // OPEN on a reclaim too (PeerServer sends none; PeerJS waits for one).
    c.send(OPEN_MESSAGE);
    this.relay.registered(c);
    this.cluster.announce(c.id);
    const early = c.early ?? [];
    c.early = undefined;
    for (const data of early) this.handle(c, data);
  }

  private message(c: Client, data: RawData, isBinary: boolean): void {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
    if (size > this.config.maxPayloadBytes) {
      this.metrics.refusals.inc({ reason: 'too-large' });
      c.refuse(Errors.tooLarge(size, this.config.maxPayloadBytes), Close.TOO_BIG);
      return;
    }
    const now = performance.now();
    if (!c.bucket.take(now)) {
      this.metrics.refusals.inc({ reason: 'rate' });
      c.refuse(Errors.rateLimited(this.config.messagesPerSecond, this.config.messageBurst), Close.POLICY);
      return;
    }
    if (!this.limits.message(c.address)) {
      this.metrics.refusals.inc({ reason: 'ip-message-rate' });
      c.refuse(Errors.ipRateLimited(this.config.messagesPerIpPerSecond, this.config.messageBurstPerIp), Close.POLICY);
      return;
    }
    c.lastSeen = now;
    if (isBinary) {
      this.metrics.messages.inc({ type: 'binary', route: 'dropped' });
      return;
    }
    if (c.early) c.early.push(data);
    else this.handle(c, data);
  }

  private handle(c: Client, data: RawData): void {
    if (this.relay.clients.get(c.id) !== c) return;
    let message: { type?: unknown; dst?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      this.metrics.messages.inc({ type: 'invalid', route: 'dropped' });
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const type = message.type;
    if (type === 'HEARTBEAT') return;
    if (typeof type !== 'string' || !RELAYED.has(type)) {
      this.metrics.messages.inc({ type: 'unknown', route: 'dropped' });
      return;
    }
    if (!isValidId(message.dst)) {
      // PeerServer: a LEAVE without dst means the client leaves; its socket's close says the same here.
      if (type !== 'LEAVE') this.metrics.messages.inc({ type, route: 'dropped' });
      return;
    }
    this.relay.send(type, c.id, message.dst, message.payload);
  }

  private closed(c: Client): void {
    if (!c.registered) return;
    if (this.relay.remove(c)) void this.cluster.release([c.id]).catch(() => undefined);
  }

  /** Another node (or a refresh) says `id` is no longer mine: drop the socket, keep the claim alone. */
  drop(id: string): void {
    const c = this.relay.clients.get(id) as Client | undefined;
    if (!c) return;
    this.relay.remove(c);
    this.metrics.kicked.inc();
    c.refuse(Errors.REPLACED, Close.REPLACED);
  }

  /** Closes clients silent for longer than the alive timeout (their close releases their ids). */
  sweep(): void {
    const deadline = performance.now() - this.config.aliveTimeoutMs;
    for (const entry of this.all) {
      if (!(entry instanceof Client)) continue;
      if (entry.lastSeen < deadline) {
        this.metrics.timeouts.inc();
        entry.refuse(Errors.NO_HEARTBEAT, Close.IDLE);
        // A socket that cannot even take a close frame is cut.
        setTimeout(() => entry.ws.terminate(), 1_000).unref();
      }
    }
  }

  /** Registered clients and their token hashes (for the cluster's refresh). */
  claims(): Array<{ id: string; tokenHash: string }> {
    return [...this.relay.clients.values()].map((c) => ({ id: c.id, tokenHash: (c as Client).tokenHash }));
  }

  /** Shutdown: every socket hears that the server goes away and should reconnect; resolves when all closed. */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    const sockets = [...this.all].map((e) => (e instanceof Client ? e.ws : e));
    for (const ws of sockets) refuse(ws, Errors.SHUTTING_DOWN, Close.RESTART);
    const closed = Promise.all(sockets.map((ws) => (ws.readyState === WebSocket.CLOSED ? undefined : new Promise((r) => ws.once('close', r)))));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const ws of sockets) ws.terminate();
  }
}
