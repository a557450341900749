import { Peer, type DataConnection, type PeerError } from 'peerjs';
import { Channel, type ChannelEndpoint, type ChannelHost, type ChannelOptions } from './channel.js';
import { isValidPeerId, resolveConfig, type ConnectionConfig, type ResolvedConfig } from './config.js';
import type { ConnectionApi, RejectCounts } from './connection-api.js';
import { DarkswapConnectionError, type ConnectionErrorCode } from './errors.js';
import {
  MessageRejectedEvent,
  PeerEvent,
  ServiceErrorEvent,
  ServiceStatusEvent,
  type LinkStatus,
  type ServiceStatus,
} from './events.js';
import { splitFrame, type RejectReason } from './frame.js';

interface Link {
  conn: DataConnection;
  status: LinkStatus;
  /** Who opened it; when both sides dial at once, the link dialed by the lower id wins. */
  dialer: string;
}

interface Pending {
  resolve(): void;
  reject(error: DarkswapConnectionError): void;
}

const SIGNALING_ERRORS = new Set(['network', 'server-error', 'socket-error', 'socket-closed', 'disconnected']);
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 30_000;

// Typed listeners for the class itself (merged with the class declaration below).
export interface ConnectionService {
  addEventListener: ConnectionApi['addEventListener'];
  removeEventListener: ConnectionApi['removeEventListener'];
}

/**
 * One PeerJS peer, its links to other peers, and the named channels multiplexed on them.
 * Framework-free: an EventTarget with synchronous state. The only module that imports peerjs.
 */
export class ConnectionService extends EventTarget implements ConnectionApi, ChannelHost {
  readonly apiVersion = 1 as const;
  readonly config: Readonly<ResolvedConfig>;
  private peer: Peer | undefined;
  private _status: ServiceStatus = 'idle';
  private opening: Promise<string> | undefined;
  private readonly links = new Map<string, Link>();
  private readonly pending = new Map<string, Pending[]>();
  private readonly channels = new Map<string, Set<ChannelEndpoint>>();
  private readonly rejectCounts = new Map<string, RejectCounts>();
  private retries = 0;
  private registeredId: string | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(config: ConnectionConfig) {
    super();
    this.config = Object.freeze(resolveConfig(config));
  }

  get status(): ServiceStatus {
    return this._status;
  }

  /** Kept while signaling reconnects (PeerJS itself forgets the id on disconnect). */
  get id(): string | undefined {
    return this._status === 'open' || this._status === 'reconnecting' ? this.registeredId : undefined;
  }

  get peers(): readonly string[] {
    return [...this.links].filter(([, l]) => l.status === 'open').map(([p]) => p);
  }

  linkStatus(peer: string): LinkStatus | undefined {
    return this.links.get(peer)?.status;
  }

  rejects(peer: string): RejectCounts {
    const counts = this.rejectCounts.get(peer);
    return counts ? { total: counts.total, byReason: { ...counts.byReason } } : { total: 0, byReason: {} };
  }

  /** Register with the signaling server; resolves with my peer id. */
  open(): Promise<string> {
    if (this._status === 'closed') return Promise.reject(this.error('destroyed', 'This connection service was destroyed.'));
    if (this.opening) return this.opening;
    this.setStatus('connecting');
    const c = this.config;
    this.opening = new Promise<string>((resolve, reject) => {
      const options = {
        host: c.host,
        port: c.port,
        path: c.path,
        secure: c.secure,
        key: c.key,
        token: c.token,
        config: { iceServers: c.iceServers },
        debug: 0,
      };
      const peer = c.peerId ? new Peer(c.peerId, options) : new Peer(options);
      this.peer = peer;
      const timer = setTimeout(() => {
        fail(this.error('signaling-unreachable', `No answer from the signaling server at ${this.signalingUrl()} within ${c.openTimeoutMs} ms.`));
      }, c.openTimeoutMs);
      const fail = (error: DarkswapConnectionError) => {
        clearTimeout(timer);
        if (this.peer !== peer) return;
        this.peer = undefined;
        this.opening = undefined;
        peer.destroy();
        this.setStatus('error');
        this.emitError(error);
        reject(error);
      };
      peer.on('open', (id) => {
        clearTimeout(timer);
        this.registeredId = id;
        this.retries = 0;
        this.watchNetwork(false);
        this.setStatus('open');
        resolve(id);
      });
      peer.on('connection', (conn) => this.attach(conn, conn.peer));
      peer.on('disconnected', () => {
        if (this.peer === peer && (this._status === 'open' || this._status === 'reconnecting')) this.scheduleReconnect();
      });
      peer.on('error', (err: PeerError<string>) => {
        const error = this.translate(err);
        if (!peer.open && !(peer as { _lastServerId?: string })._lastServerId && this._status === 'connecting') {
          fail(error);
          return;
        }
        if (error.code === 'unknown-peer') {
          const target = /peer (.+)$/.exec(err.message)?.[1];
          if (target) this.dropLink(target, error);
        }
        if (this._status === 'reconnecting') {
          // Keep trying while the page is open; only news other than "still unreachable" is reported.
          if (!SIGNALING_ERRORS.has(err.type)) this.emitError(error);
          this.scheduleReconnect();
          return;
        }
        this.emitError(error);
      });
    });
    return this.opening;
  }

  /** Open a link to a peer; resolves when its data channel is open. */
  connect(peerId: string): Promise<void> {
    if (this._status === 'closed') return Promise.reject(this.error('destroyed', 'This connection service was destroyed.'));
    if (!this.peer || !this.id) return Promise.reject(this.error('not-open', 'Not registered with signaling yet: call open() first.'));
    if (typeof peerId !== 'string' || !isValidPeerId(peerId) || peerId === this.id) {
      return Promise.reject(this.error('invalid-peer-id', `Cannot connect to "${String(peerId)}": not a valid remote peer id.`));
    }
    const link = this.links.get(peerId);
    if (link?.status === 'open') return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.dropLink(peerId, this.error('connect-timeout', `Peer ${peerId} did not answer within ${this.config.connectTimeoutMs} ms.`));
      }, this.config.connectTimeoutMs);
      const list = this.pending.get(peerId) ?? [];
      list.push({
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.pending.set(peerId, list);
    });
    if (!link) this.attach(this.peer.connect(peerId, { serialization: 'raw', reliable: true }), this.id);
    return done;
  }

  disconnect(peerId: string): void {
    this.dropLink(peerId, this.error('link-closed', `Disconnected from ${peerId}.`), 'local');
  }

  channel<T>(name: string, options: ChannelOptions<T>): Channel<T> {
    if (this._status === 'closed') throw this.error('destroyed', 'This connection service was destroyed.');
    const channel = new Channel<T>(this, name, options);
    let set = this.channels.get(name);
    if (!set) this.channels.set(name, (set = new Set()));
    set.add(channel);
    return channel;
  }

  destroy(): void {
    if (this._status === 'closed') return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.watchNetwork(false);
    for (const peer of [...this.links.keys()]) this.dropLink(peer, this.error('destroyed', 'The connection service was destroyed.'), 'local');
    for (const set of this.channels.values()) for (const ch of [...set]) ch.close();
    this.peer?.destroy();
    this.peer = undefined;
    this.opening = undefined;
    this.setStatus('closed');
  }

  /** @internal ChannelHost */
  sendFrame(peerId: string, frame: string): void {
    const link = this.links.get(peerId);
    if (!link) throw this.error('unknown-peer', `Not connected to peer ${peerId}.`);
    if (link.status !== 'open' || link.conn.dataChannel?.readyState !== 'open') {
      throw this.error('link-closed', `The link to ${peerId} is not open.`);
    }
    void link.conn.send(frame);
  }

  /** @internal ChannelHost */
  openPeers(): readonly string[] {
    return this.peers;
  }

  /** @internal ChannelHost */
  removeChannel(channel: ChannelEndpoint): void {
    this.channels.get(channel.name)?.delete(channel);
  }

  private attach(conn: DataConnection, dialer: string): void {
    const peerId = conn.peer;
    if (conn.serialization !== 'raw' && conn.serialization !== 'none') {
      // Only our own framing is accepted on a link; anything else is a foreign client.
      conn.close();
      this.countReject(peerId, undefined, 'not-text');
      return;
    }
    const existing = this.links.get(peerId);
    if (existing) {
      const preferred = [this.id ?? '', peerId].sort()[0];
      if (dialer !== preferred || existing.dialer === preferred) {
        conn.close();
        return;
      }
      existing.conn.close();
    }
    const link: Link = { conn, status: 'connecting', dialer };
    this.links.set(peerId, link);
    if (!existing) this.dispatchEvent(new PeerEvent('peer-connecting', peerId));
    conn.on('open', () => {
      if (this.links.get(peerId) !== link) return;
      link.status = 'open';
      this.settle(peerId);
      this.dispatchEvent(new PeerEvent('peer-connected', peerId));
    });
    conn.on('data', (data) => {
      if (this.links.get(peerId) === link) this.receive(peerId, data);
    });
    conn.on('close', () => {
      if (this.links.get(peerId) === link) this.dropLink(peerId, this.error('link-closed', `The link to ${peerId} closed.`), 'remote');
    });
    conn.on('error', (err) => {
      if (this.links.get(peerId) !== link) return;
      this.emitError(this.error('webrtc', `Link to ${peerId}: ${err.message}`, err), peerId);
    });
  }

  private receive(peerId: string, data: unknown): void {
    const split = splitFrame(data);
    if (typeof split === 'string') return this.countReject(peerId, undefined, split);
    const handles = this.channels.get(split.channel);
    if (!handles?.size) return this.countReject(peerId, split.channel, 'unknown-channel');
    const parsed: { value?: unknown; failed?: boolean } = {};
    let reason: RejectReason | undefined;
    for (const channel of [...handles]) reason = channel.receive(split.payload, parsed, peerId) ?? reason;
    if (reason) this.countReject(peerId, split.channel, reason);
  }

  private countReject(peerId: string, channel: string | undefined, reason: RejectReason): void {
    let counts = this.rejectCounts.get(peerId);
    if (!counts) this.rejectCounts.set(peerId, (counts = { total: 0, byReason: {} }));
    counts.total++;
    counts.byReason[reason] = (counts.byReason[reason] ?? 0) + 1;
    this.dispatchEvent(new MessageRejectedEvent(peerId, channel, reason, counts.total));
  }

  private settle(peerId: string, error?: DarkswapConnectionError): void {
    const list = this.pending.get(peerId);
    if (!list) return;
    this.pending.delete(peerId);
    for (const p of list) (error ? p.reject(error) : p.resolve());
  }

  private dropLink(peerId: string, error: DarkswapConnectionError, by?: 'local' | 'remote'): void {
    const link = this.links.get(peerId);
    this.settle(peerId, error);
    if (!link) return;
    this.links.delete(peerId);
    link.conn.close();
    if (link.status === 'open' || by === undefined) {
      this.dispatchEvent(new PeerEvent('peer-disconnected', peerId, by ?? error.code));
    }
  }

  /**
   * Re-register with signaling (same id, same token) after jittered exponential backoff:
   * 0.5–1 s, 1–2 s, … capped at 15–30 s, never giving up while the service lives. Idempotent while
   * an attempt is pending; `online` and the page becoming visible try at once.
   */
  private scheduleReconnect(): void {
    if (!this.peer || this._status === 'closed') return;
    this.setStatus('reconnecting');
    this.watchNetwork(true);
    if (this.retryTimer !== undefined) return;
    const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(this.retries++, 5));
    const delay = ceiling / 2 + (crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32) * (ceiling / 2);
    this.retryTimer = setTimeout(this.reconnectNow, delay);
  }

  private readonly reconnectNow = (): void => {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this._status !== 'reconnecting' || !this.peer || this.peer.destroyed) return;
    if (this.peer.disconnected) this.peer.reconnect();
  };

  private readonly onWake = (): void => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    if (this._status === 'reconnecting') this.reconnectNow();
  };

  private watchNetwork(on: boolean): void {
    if (typeof window === 'undefined') return;
    const method = on ? 'addEventListener' : 'removeEventListener';
    window[method]('online', this.onWake);
    document[method]('visibilitychange', this.onWake);
  }

  private translate(err: PeerError<string>): DarkswapConnectionError {
    const where = this.signalingUrl();
    const map: Record<string, [ConnectionErrorCode, string]> = {
      'unavailable-id': ['peer-id-taken', `The peer id "${this.config.peerId ?? ''}" is already taken on ${where}.`],
      'invalid-id': ['invalid-peer-id', err.message],
      'invalid-key': ['invalid-config', `The signaling server at ${where} rejected the key.`],
      'peer-unavailable': ['unknown-peer', `${err.message}: no such peer on ${where}.`],
      'browser-incompatible': ['webrtc', 'This browser does not support WebRTC data channels.'],
      webrtc: ['webrtc', err.message],
    };
    // PeerServer answers a bad key or a full server with a plain server error.
    if (err.type === 'server-error' && /invalid key|invalid token|concurrent user limit/i.test(err.message)) {
      return this.error('invalid-config', `The signaling server at ${where} refused this client: ${err.message}.`, err);
    }
    const [code, message] = map[err.type] ?? ['signaling-unreachable', `Cannot reach the signaling server at ${where} (${err.message || err.type}).`];
    return this.error(code, message, err);
  }

  private signalingUrl(): string {
    const c = this.config;
    return `${c.secure ? 'https' : 'http'}://${c.host}:${c.port}${c.path}`;
  }

  private error(code: ConnectionErrorCode, message: string, cause?: unknown): DarkswapConnectionError {
    return new DarkswapConnectionError(code, message, cause === undefined ? undefined : { cause });
  }

  private emitError(error: DarkswapConnectionError, peer?: string): void {
    this.dispatchEvent(new ServiceErrorEvent(error, peer));
  }

  private setStatus(status: ServiceStatus): void {
    if (status === this._status) return;
    const previous = this._status;
    this._status = status;
    this.dispatchEvent(new ServiceStatusEvent(status, previous));
  }
}
