import { Peer, type DataConnection, type PeerError } from 'peerjs';
import { BulkChannel, type BulkChannelOptions, type BulkEndpoint, type BulkFrame, type BulkHost } from './bulk.js';
import { Channel, type ChannelEndpoint, type ChannelHost, type ChannelOptions, type SendOptions } from './channel.js';
import { createSessionToken, isValidPeerId, resolveConfig, type ConnectionConfig, type ResolvedConfig } from './config.js';
import type { ConnectionApi, RejectCounts } from './connection-api.js';
import { DarkswapConnectionError, type ConnectionErrorCode } from './errors.js';
import { MessageRejectedEvent, PeerBlockedEvent, PeerEvent, ServiceErrorEvent, ServiceStatusEvent, type LinkStatus, type ServiceStatus } from './events.js';
import { type RejectReason } from './frame.js';
import { isPublicKey, loadIdentity, loadPins, savePins, type Identity } from './identity.js';
import { Link, PRIORITY, Wire, type LinkOwner, type PeerIdentity } from './link.js';
import type { LinkLimits } from './rate-limit.js';

interface Pending {
  resolve(): void;
  reject(error: DarkswapConnectionError): void;
}

const SIGNALING_ERRORS = new Set(['network', 'server-error', 'socket-error', 'socket-closed', 'disconnected']);
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 30_000;
/** Extra dials of a first connection that closed while being set up. */
const FIRST_DIAL_RETRIES = 2;
/** Re-dial backoff for a dropped link: at once, then 250 ms doubling to 5 s, jittered. */
const REDIAL_FIRST_MS = 0;
const REDIAL_BASE_MS = 250;
const REDIAL_CAP_MS = 5_000;
/** A re-dial attempt that has not completed its hello by then is abandoned for the next one. */
const REDIAL_ATTEMPT_MS = 8_000;

function jitter(ms: number): number {
  return ms / 2 + (crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32) * (ms / 2);
}

// Typed listeners for the class itself (merged with the class declaration below).
export interface ConnectionService {
  addEventListener: ConnectionApi['addEventListener'];
  removeEventListener: ConnectionApi['removeEventListener'];
}

/**
 * One PeerJS peer, its links to other peers, and the named channels multiplexed on them.
 * Framework-free: an EventTarget with synchronous state. The only module that imports peerjs.
 *
 * Links heal themselves: when a connection drops, the peer with the lower id re-dials, reliable
 * channels resend what was not acknowledged, and widgets see `peer-reconnecting` then
 * `peer-connected`. Every link starts with an authenticated hello (identity keys signing the
 * DTLS fingerprints); inbound traffic is rate-limited per peer and abusers are blocked.
 */
export class ConnectionService extends EventTarget implements ConnectionApi, ChannelHost, BulkHost {
  readonly apiVersion = 1 as const;
  readonly config: Readonly<ResolvedConfig>;
  /** This service instance's session id: peers use it to tell a re-dial from a restart. */
  readonly session = createSessionToken();
  private peer: Peer | undefined;
  private _status: ServiceStatus = 'idle';
  private opening: Promise<string> | undefined;
  private readonly links = new Map<string, Link>();
  private readonly pending = new Map<string, Pending[]>();
  private readonly channels = new Map<string, Set<ChannelEndpoint>>();
  private readonly bulkChannels = new Map<string, Set<BulkEndpoint>>();
  private readonly rejectCounts = new Map<string, RejectCounts>();
  private readonly blocked = new Map<string, number>();
  private pins: Record<string, string> = {};
  private myIdentity: Identity | undefined;
  private readonly givenIdentity: Identity | undefined;
  private retries = 0;
  private registeredId: string | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(config: ConnectionConfig) {
    super();
    this.config = Object.freeze(resolveConfig(config));
    this.givenIdentity = typeof config.identity === 'object' ? config.identity : undefined;
  }

  get status(): ServiceStatus {
    return this._status;
  }

  /** Kept while signaling reconnects (PeerJS itself forgets the id on disconnect). */
  get id(): string | undefined {
    return this._status === 'open' || this._status === 'reconnecting' ? this.registeredId : undefined;
  }

  /** My identity key (raw Ed25519 public key, 64 hex) once open() has loaded it. */
  get publicKey(): string | undefined {
    return this.myIdentity?.publicKey;
  }

  /** The identity signing my hellos (and, for widgets such as the orderbook, my orders). */
  get identity(): Identity | undefined {
    return this.myIdentity;
  }

  /** Peers with an open link. */
  get peers(): readonly string[] {
    return [...this.links].filter(([, l]) => l.state === 'open').map(([p]) => p);
  }

  linkStatus(peer: string): LinkStatus | undefined {
    return this.links.get(peer)?.state;
  }

  /** Who is on the other end of an open link: key, short authentication string, pin state. */
  peerIdentity(peer: string): PeerIdentity | undefined {
    return this.links.get(peer)?.identity;
  }

  rejects(peer: string): RejectCounts {
    const counts = this.rejectCounts.get(peer);
    return counts ? { total: counts.total, byReason: { ...counts.byReason } } : { total: 0, byReason: {} };
  }

  /** Peers currently refused, with the time (epoch ms) their block ends. */
  get blockedPeers(): ReadonlyMap<string, number> {
    const now = Date.now();
    for (const [peer, until] of this.blocked) if (until <= now) this.blocked.delete(peer);
    return new Map(this.blocked);
  }

  unblock(peer: string): void {
    this.blocked.delete(peer);
  }

  /**
   * Pin a peer id to an identity key (by default the key of its open link): later links from
   * that id with any other key are refused with `identity-mismatch`. Saved with a persistent
   * identity, so pins survive a reload.
   */
  async pin(peer: string, publicKey = this.peerIdentity(peer)?.publicKey): Promise<void> {
    if (!isPublicKey(publicKey)) throw this.error('invalid-config', `No identity key to pin for ${peer}.`);
    this.pins = { ...this.pins, [peer]: publicKey };
    if (this.config.identityName) await savePins(this.config.identityName, this.pins);
  }

  async unpin(peer: string): Promise<void> {
    const { [peer]: _gone, ...rest } = this.pins;
    this.pins = rest;
    if (this.config.identityName) await savePins(this.config.identityName, this.pins);
  }

  get pinned(): Readonly<Record<string, string>> {
    return { ...this.pins };
  }

  /** Register with the signaling server; resolves with my peer id. */
  open(): Promise<string> {
    if (this._status === 'closed') return Promise.reject(this.error('destroyed', 'This connection service was destroyed.'));
    if (this.opening) return this.opening;
    this.setStatus('connecting');
    this.opening = this.loadIdentity().then(
      () => this.register(),
      (cause: unknown) => {
        const error = this.error('invalid-config', `Cannot load the identity key from IndexedDB: ${String(cause)}`, cause);
        this.opening = undefined;
        this.setStatus('error');
        this.emitError(error);
        throw error;
      },
    );
    return this.opening;
  }

  private async loadIdentity(): Promise<void> {
    if (this.myIdentity) return;
    const name = this.config.identityName;
    if (!name) {
      this.myIdentity = this.givenIdentity;
      return;
    }
    const [identity, pins] = await Promise.all([loadIdentity(name), loadPins(name)]);
    this.myIdentity = identity;
    this.pins = { ...pins, ...this.pins };
  }

  private register(): Promise<string> {
    const c = this.config;
    return new Promise<string>((resolve, reject) => {
      if (this._status === 'closed') {
        reject(this.error('destroyed', 'This connection service was destroyed.'));
        return;
      }
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
        if (typeof window !== 'undefined') window.addEventListener('pagehide', this.onPageHide);
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
          const link = target ? this.links.get(target) : undefined;
          if (link && link.state !== 'connecting') {
            // A re-dial found the peer gone from signaling (for now): try again until the recovery deadline.
            if (link.wire && !link.wire.ready) link.onLost(link.wire, 'peer-unavailable');
            return;
          }
          if (target) this.dropLink(target, error);
        }
        if (this._status === 'reconnecting') {
          // Keep trying while the page is open; only news other than "still unreachable" is reported.
          if (!SIGNALING_ERRORS.has(err.type)) this.emitError(error);
          this.scheduleReconnect();
          return;
        }
        if (err.type === 'disconnected') return; // a re-dial raced a signaling drop; the link retries
        this.emitError(error);
      });
    });
  }

  /** Open a link to a peer; resolves when it is open and authenticated. */
  connect(peerId: string): Promise<void> {
    if (this._status === 'closed') return Promise.reject(this.error('destroyed', 'This connection service was destroyed.'));
    if (!this.peer || !this.id) return Promise.reject(this.error('not-open', 'Not registered with signaling yet: call open() first.'));
    if (typeof peerId !== 'string' || !isValidPeerId(peerId) || peerId === this.id) {
      return Promise.reject(this.error('invalid-peer-id', `Cannot connect to "${String(peerId)}": not a valid remote peer id.`));
    }
    if (this.isBlocked(peerId)) {
      return Promise.reject(this.error('peer-blocked', `Peer ${peerId} is blocked until ${new Date(this.blocked.get(peerId)!).toISOString()}.`));
    }
    const link = this.links.get(peerId);
    if (link?.state === 'open') return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => {
      const list = this.pending.get(peerId) ?? [];
      list.push({ resolve, reject });
      this.pending.set(peerId, list);
    });
    if (!link) {
      const created = this.createLink(peerId);
      this.dial(created);
    }
    return done;
  }

  /** Leave a peer deliberately: it is told (`_bye`) and does not try to recover the link. */
  disconnect(peerId: string): void {
    this.links.get(peerId)?.sayBye('left');
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

  /** A binary bulk endpoint on each link's separate, backpressured data channel (file chunks). */
  bulkChannel<H>(name: string, options: BulkChannelOptions<H>): BulkChannel<H> {
    if (this._status === 'closed') throw this.error('destroyed', 'This connection service was destroyed.');
    const channel = new BulkChannel<H>(this, name, options);
    let set = this.bulkChannels.get(name);
    if (!set) this.bulkChannels.set(name, (set = new Set()));
    set.add(channel);
    return channel;
  }

  destroy(): void {
    if (this._status === 'closed') return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.watchNetwork(false);
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.onPageHide);
    let said = false;
    for (const [peer, link] of [...this.links]) {
      if (link.wire?.ready) {
        link.sayBye('destroyed');
        said = true;
      }
      this.dropLink(peer, this.error('destroyed', 'The connection service was destroyed.'), 'local');
    }
    for (const set of this.channels.values()) for (const ch of [...set]) ch.close();
    for (const set of this.bulkChannels.values()) for (const ch of [...set]) ch.close();
    const peer = this.peer;
    // Give the goodbyes a moment to leave before the peer connections are torn down.
    if (said) setTimeout(() => peer?.destroy(), 100);
    else peer?.destroy();
    this.peer = undefined;
    this.opening = undefined;
    this.setStatus('closed');
  }

  /** @internal The current RTCPeerConnection of a link (tests and benchmarks only). */
  peerConnection(peer: string): RTCPeerConnection | undefined {
    return this.links.get(peer)?.wire?.pc;
  }

  /** @internal ChannelHost */
  sendMessage(peerId: string, channel: string, json: string, options: SendOptions): void {
    const link = this.links.get(peerId);
    if (!link) throw this.error('unknown-peer', `Not connected to peer ${peerId}.`);
    link.send(channel, json, options.reliable, PRIORITY[options.priority]);
  }

  /** @internal ChannelHost */
  broadcastPeers(reliable: boolean): readonly string[] {
    return [...this.links].filter(([, l]) => l.state === 'open' || (reliable && l.state === 'reconnecting')).map(([p]) => p);
  }

  /** @internal ChannelHost */
  removeChannel(channel: ChannelEndpoint): void {
    this.channels.get(channel.name)?.delete(channel);
  }

  /** @internal BulkHost */
  sendBulk(peerId: string, frame: Uint8Array): Promise<void> {
    const link = this.links.get(peerId);
    if (!link) return Promise.reject(this.error('unknown-peer', `Not connected to peer ${peerId}.`));
    return link.sendBulk(frame);
  }

  /** @internal BulkHost */
  maxBulkFrame(peerId: string): number {
    return this.links.get(peerId)?.wire?.maxMessageSize ?? 262_144;
  }

  /** @internal BulkHost */
  removeBulk(channel: BulkEndpoint): void {
    this.bulkChannels.get(channel.name)?.delete(channel);
  }

  // ---- links -------------------------------------------------------------------------------

  private readonly owner: LinkOwner = (() => {
    const service = this;
    return {
      get localId() {
        return service.registeredId ?? '';
      },
      session: this.session,
      get identity() {
        return service.myIdentity!;
      },
      get limits(): LinkLimits {
        return service.config.limits;
      },
      get handshakeTimeoutMs() {
        return service.config.handshakeTimeoutMs;
      },
      pinnedKey: (peer) => this.pins[peer],
      hasChannel: (name) => !!this.channels.get(name)?.size,
      deliver: (peer, channel, payload) => this.deliver(peer, channel, payload),
      deliverBulk: (peer, frame) => this.deliverBulk(peer, frame),
      counted: (peer, channel, reason) => this.countReject(peer, channel, reason),
      opened: (link, info) => this.linkOpened(link, info),
      lost: (link, why) => this.linkLost(link, why),
      fail: (link, error) => {
        this.emitError(error, link.peer);
        this.dropLink(link.peer, error);
      },
      left: (link, reason) => this.dropLink(link.peer, this.error('link-closed', `${link.peer} left (${reason}).`), 'remote'),
      block: (link, reason) => this.blockPeer(link.peer, reason),
    };
  })();

  private createLink(peerId: string): Link {
    const link = new Link(peerId, this.owner);
    this.links.set(peerId, link);
    this.dispatchEvent(new PeerEvent('peer-connecting', peerId));
    // The first connection must open within connectTimeoutMs.
    link.deadlineTimer = setTimeout(() => {
      if (this.links.get(peerId) === link && link.state === 'connecting') {
        this.dropLink(peerId, this.error('connect-timeout', `Peer ${peerId} did not answer within ${this.config.connectTimeoutMs} ms.`));
      }
    }, this.config.connectTimeoutMs);
    return link;
  }

  private dial(link: Link): boolean {
    const peer = this.peer;
    if (!peer || peer.destroyed || peer.disconnected || !this.registeredId) return false;
    const conn = peer.connect(link.peer, { serialization: 'raw', reliable: true });
    if (!conn) return false;
    this.attach(conn, this.registeredId);
    return true;
  }

  private attach(conn: DataConnection, dialer: string): void {
    const peerId = conn.peer;
    if (conn.serialization !== 'raw') {
      // Only our own framing is accepted on a link; anything else is a foreign client.
      conn.close();
      this.countReject(peerId, undefined, 'not-text');
      return;
    }
    if (this.isBlocked(peerId) || this._status === 'closed') {
      conn.close();
      return;
    }
    const link = this.links.get(peerId) ?? this.createLink(peerId);
    const current = link.wire;
    if (current && !current.closed) {
      // Two dials crossed: the connection dialed by the lower id wins; the newest one from it wins.
      const preferred = [this.registeredId ?? '', peerId].sort()[0];
      if (dialer !== preferred && current.dialer === preferred) {
        conn.close();
        return;
      }
    }
    const wire = new Wire(conn, dialer);
    link.adopt(wire);
    if (link.state === 'reconnecting') {
      setTimeout(() => {
        if (link.wire === wire && !wire.ready) link.onLost(wire, 'attempt-timeout');
      }, REDIAL_ATTEMPT_MS);
    }
  }

  private linkOpened(link: Link, info: { previous: string; restarted: boolean; dropped: number }): void {
    clearTimeout(link.deadlineTimer);
    clearTimeout(link.redialTimer);
    link.deadlineTimer = link.redialTimer = undefined;
    if (info.restarted && info.previous !== 'connecting') {
      this.dispatchEvent(new PeerEvent('peer-disconnected', link.peer, 'restarted'));
    }
    if (info.dropped) {
      this.emitError(this.error('link-closed', `${info.dropped} messages to ${link.peer} were not delivered: it restarted.`), link.peer);
    }
    this.settle(link.peer);
    if (info.previous !== 'open' || info.restarted) this.dispatchEvent(new PeerEvent('peer-connected', link.peer));
  }

  private linkLost(link: Link, why: string): void {
    if (this.links.get(link.peer) !== link) return;
    if (link.state === 'connecting' && !link.everOpened) {
      // A first connection that dies while it is being set up (rare, under load: its channel or peer connection
      // closes before the hello) is dialed once more by the side whose connect() waits, within the same deadline.
      if (why !== 'handshake-timeout' && this.pending.has(link.peer) && link.attempts < FIRST_DIAL_RETRIES && !link.wire) {
        link.attempts++;
        if (this.dial(link)) return;
      }
      if (why === 'handshake-timeout' || why.startsWith('no-fingerprint')) {
        this.dropLink(link.peer, this.error('connect-timeout', `Peer ${link.peer} did not complete the handshake (${why}).`));
      } else {
        this.dropLink(link.peer, this.error('link-closed', `The link to ${link.peer} closed before it opened (${why}).`));
      }
      return;
    }
    if (link.state === 'open') {
      link.state = 'reconnecting';
      this.dispatchEvent(new PeerEvent('peer-reconnecting', link.peer, why));
      clearTimeout(link.deadlineTimer);
      link.deadlineTimer = setTimeout(() => this.giveUp(link), this.config.linkRecoveryMs);
    }
    if (this.registeredId && this.registeredId < link.peer) this.scheduleRedial(link);
  }

  private scheduleRedial(link: Link): void {
    if (link.redialTimer !== undefined) return;
    const delay = link.attempts === 0 ? REDIAL_FIRST_MS : jitter(Math.min(REDIAL_CAP_MS, REDIAL_BASE_MS * 2 ** (link.attempts - 1)));
    link.redialTimer = setTimeout(() => {
      link.redialTimer = undefined;
      if (this.links.get(link.peer) !== link || link.state !== 'reconnecting' || link.wire) return;
      link.attempts++;
      if (!this.dial(link)) this.scheduleRedial(link);
    }, delay);
  }

  private giveUp(link: Link): void {
    if (this.links.get(link.peer) !== link || link.state === 'open') return;
    const undelivered = link.reliable.unackedCount();
    const seconds = Math.round(this.config.linkRecoveryMs / 1000);
    const error = this.error('link-closed', `The link to ${link.peer} dropped and did not come back within ${seconds} s.`);
    if (undelivered) {
      this.emitError(this.error('link-closed', `${undelivered} messages to ${link.peer} were not delivered: the link did not recover.`), link.peer);
    }
    this.dropLink(link.peer, error, 'unreachable');
  }

  private blockPeer(peerId: string, reason: RejectReason): void {
    const until = Date.now() + this.config.limits.blockMs;
    this.blocked.set(peerId, until);
    this.dropLink(peerId, this.error('peer-blocked', `Peer ${peerId} was blocked: too many rejected messages (${reason}).`), 'blocked');
    this.dispatchEvent(new PeerBlockedEvent(peerId, reason, until));
  }

  private isBlocked(peerId: string): boolean {
    const until = this.blocked.get(peerId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.blocked.delete(peerId);
    return false;
  }

  private deliver(peerId: string, channel: string, payload: string): RejectReason | undefined {
    const handles = this.channels.get(channel);
    if (!handles?.size) return 'unknown-channel';
    const parsed: { value?: unknown; failed?: boolean } = {};
    let reason: RejectReason | undefined;
    for (const handle of [...handles]) reason = handle.receive(payload, parsed, peerId) ?? reason;
    return reason;
  }

  private deliverBulk(peerId: string, frame: BulkFrame): RejectReason | undefined {
    const handles = this.bulkChannels.get(frame.channel);
    if (!handles?.size) return 'unknown-channel';
    let reason: RejectReason | undefined;
    for (const handle of [...handles]) reason = handle.receive(frame.header, frame.data, peerId) ?? reason;
    return reason;
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
    for (const p of list) {
      if (error) p.reject(error);
      else p.resolve();
    }
  }

  private dropLink(peerId: string, error: DarkswapConnectionError, by?: string): void {
    const link = this.links.get(peerId);
    this.settle(peerId, error);
    if (!link) return;
    this.links.delete(peerId);
    link.dispose();
    if (link.everOpened || by === undefined) {
      this.dispatchEvent(new PeerEvent('peer-disconnected', peerId, by ?? error.code));
    }
  }

  private readonly onPageHide = (event: PageTransitionEvent): void => {
    if (event.persisted) return;
    for (const link of this.links.values()) link.sayBye('page-closed');
  };

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
