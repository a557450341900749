/**
 * The PeerJS side of signaling: the peer, its registration (trying the next signaling server when one cannot be
 * reached), re-registration with backoff, dialing, relaying, and PeerJS errors in the kit's words. It loads with
 * PeerJS and the signaling guard (their own chunk in bundles), when a service first opens; `signaling.ts` is the
 * part a page holds before that.
 */
import type { DataConnection, Peer, PeerError } from 'peerjs';
import type { SignalingEndpoint } from './config.js';
import { DarkswapConnectionError, type ConnectionErrorCode } from './errors.js';
import type { IceFrame } from './link-ice-frame.js';
import type { RoomFrame } from './rendezvous.js';
import type { SignalingHost } from './signaling.js';
import type { SignalDrop } from './signaling-drops.js';
import { acceptReclaim, SignalingGuard, type ReclaimablePeer } from './signaling-guard.js';

const SIGNALING_ERRORS = new Set(['network', 'server-error', 'socket-error', 'socket-closed', 'disconnected']);
const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 30_000;

function connectionError(code: ConnectionErrorCode, message: string, cause?: unknown): DarkswapConnectionError {
  return new DarkswapConnectionError(code, message, cause === undefined ? undefined : { cause });
}

/** PeerJS's handler of server messages, which the guard wraps (not in PeerJS's public types). */
interface PeerInternals {
  _handleMessage(message: unknown): void;
}

/** Where a PeerJS peer connects (its options, and its socket's base URL, built once by PeerJS 1.5). */
interface PeerAddress {
  _options: { host: string; port: number; path: string; secure: boolean; key: string };
  socket?: { _baseUrl?: string };
}

/** PeerJS's own socket URL base for an endpoint (`Socket` in PeerJS 1.5: path with a trailing `/`, then `peerjs`). */
function socketBase(e: SignalingEndpoint, key: string): string {
  const path = e.path.endsWith('/') ? e.path : `${e.path}/`;
  return `${e.secure ? 'wss://' : 'ws://'}${e.host}:${e.port}${path}peerjs?key=${key}`;
}

/** The signaling server at `e`, as a URL. */
function endpointUrl(e: SignalingEndpoint): string {
  return `${e.secure ? 'https' : 'http'}://${e.host}:${e.port}${e.path}`;
}

/**
 * The PeerJS peer of one connection service (made by `Signaling` once PeerJS has loaded): registration with the
 * signaling server, re-registration with backoff while the service lives, and dialing.
 */
export class SignalingSession {
  private peer: Peer | undefined;
  private retries = 0;
  private registeredAs: string | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly checker: SignalingGuard;
  /** Index of the signaling server in use (config.signaling). */
  private at = 0;

  constructor(
    private readonly host: SignalingHost,
    private readonly Peer: typeof import('peerjs').Peer,
  ) {
    // Checks every message relayed by the signaling server before PeerJS handles it.
    this.checker = new SignalingGuard(
      {
        hasConnection: (peer, id) => !!this.peer?.getConnection(peer, id)?.peerConnection,
        admitOffer: (peer) => host.admitOffer(peer),
        isPinned: (peer) => host.isPinned(peer),
        ice: (peer, id, frame) => host.iceSignal(peer, id, frame),
        room: (peer, frame) => host.roomSignal?.(peer, frame),
        dropped: (peer, reason, detail) => host.signalDropped(peer, reason, detail),
      },
      host.config.offerRates,
    );
  }

  /** The signaling server in use (the next one after a failure, when the config names several). */
  get endpoint(): SignalingEndpoint {
    return this.host.config.signaling[this.at] ?? this.host.config.signaling[0]!;
  }

  /** Messages relayed by the signaling server that the guard dropped, by reason. */
  get drops(): Readonly<Record<SignalDrop, number>> {
    return this.checker.drops;
  }

  /** The id the server gave me; kept while signaling reconnects (PeerJS itself forgets it on disconnect). */
  get registeredId(): string | undefined {
    return this.registeredAs;
  }

  /** Whether a PeerJS peer exists (registering, registered or re-registering). */
  get active(): boolean {
    return this.peer !== undefined;
  }

  /** Register with the signaling server; resolves with my peer id. */
  register(): Promise<string> {
    return this.registerWith(this.host.config.signaling.length - 1);
  }

  /** `others`: how many more signaling servers to try when this one cannot be reached. */
  private registerWith(others: number): Promise<string> {
    const Peer = this.Peer;
    const host = this.host;
    const c = host.config;
    return new Promise<string>((resolve, reject) => {
      if (host.status === 'closed') {
        reject(connectionError('destroyed', 'This connection service was destroyed.'));
        return;
      }
      const e = this.endpoint;
      const options = {
        host: e.host,
        port: e.port,
        path: e.path,
        secure: e.secure,
        key: c.key,
        token: host.stableId?.token ?? c.token,
        // The same object every new connection reads (PeerJS: `provider.options.config`); setIce() changes it.
        config: host.ice,
        debug: 0,
      };
      const id = c.peerId ?? host.stableId?.peerId;
      const peer = id ? new Peer(id, options) : new Peer(options);
      this.peer = peer;
      this.guardMessages(peer);
      if (id && !c.peerId) acceptReclaim(peer as unknown as ReclaimablePeer, () => this.peer === (peer as unknown), c.openTimeoutMs);
      const timer = setTimeout(() => {
        fail(connectionError('signaling-unreachable', `No answer from the signaling server at ${this.signalingUrl()} within ${c.openTimeoutMs} ms.`));
      }, c.openTimeoutMs);
      const fail = (error: DarkswapConnectionError) => {
        clearTimeout(timer);
        if (this.peer !== peer) return;
        if (others > 0 && error.code === 'signaling-unreachable' && host.status === 'connecting') {
          // Another server of the cluster may answer: try it before giving up.
          this.peer = undefined;
          peer.destroy();
          this.at = (this.at + 1) % c.signaling.length;
          this.registerWith(others - 1).then(resolve, reject);
          return;
        }
        this.peer = undefined;
        host.abandoned();
        peer.destroy();
        host.setStatus('error');
        host.emitError(error);
        reject(error);
      };
      peer.on('open', (id) => {
        clearTimeout(timer);
        host.registered();
        this.registeredAs = id;
        this.retries = 0;
        this.watchNetwork(false);
        host.setStatus('open');
        resolve(id);
      });
      peer.on('connection', (conn) => host.incoming(conn));
      peer.on('disconnected', () => {
        if (this.peer === peer && (host.status === 'open' || host.status === 'reconnecting')) this.scheduleReconnect();
      });
      peer.on('error', (err: PeerError<string>) => {
        const error = this.translate(err);
        if (!peer.open && !(peer as { _lastServerId?: string })._lastServerId && host.status === 'connecting') {
          fail(error);
          return;
        }
        if (error.code === 'unknown-peer' && host.unavailable(/peer (.+)$/.exec(err.message)?.[1], error)) return;
        if (host.status === 'reconnecting') {
          // Keep trying while the page is open; only news other than "still unreachable" is reported.
          if (!SIGNALING_ERRORS.has(err.type)) host.emitError(error);
          this.scheduleReconnect();
          return;
        }
        if (err.type === 'disconnected') return; // a re-dial raced a signaling drop; the link retries
        host.emitError(error);
      });
    });
  }

  /** Route the server's messages through the guard (PeerJS calls `this._handleMessage` for each). */
  private guardMessages(peer: Peer): void {
    const guard = this.checker;
    const internals = peer as unknown as PeerInternals;
    if (typeof internals._handleMessage !== 'function') throw new Error('This PeerJS version has no _handleMessage: the signaling guard cannot be installed.');
    const handle = internals._handleMessage.bind(peer);
    internals._handleMessage = (message: unknown) => {
      if (guard.admit(message)) handle(message);
    };
  }

  /** Open a raw PeerJS connection to a peer; undefined while not registered. */
  dial(peerId: string): DataConnection | undefined {
    const peer = this.peer;
    if (!peer || peer.destroyed || peer.disconnected || !this.registeredAs) return undefined;
    return peer.connect(peerId, { serialization: 'raw', reliable: true }) ?? undefined;
  }

  /**
   * Relays an ICE-restart frame to `peer` for one connection through the signaling server (as a `CANDIDATE`
   * whose payload carries `ice`, which stock PeerServers relay unchanged). False when not registered.
   */
  signalIce(peer: string, connectionId: string, frame: IceFrame): boolean {
    const p = this.peer;
    if (!p || p.destroyed || p.disconnected || !p.open) return false;
    const socket = (p as unknown as { socket?: { send(data: object): void } }).socket;
    if (!socket) return false;
    socket.send({ type: 'CANDIDATE', payload: { connectionId, ice: frame }, dst: peer });
    return true;
  }

  /** Sends a rendezvous frame (rendezvous.ts) to `peer` through the server; false when not registered. */
  signalRoom(peer: string, frame: RoomFrame): boolean {
    const p = this.peer;
    if (!p || p.destroyed || p.disconnected || !p.open) return false;
    const socket = (p as unknown as { socket?: { send(data: object): void } }).socket;
    if (!socket) return false;
    socket.send({ type: 'CANDIDATE', payload: { room: frame }, dst: peer });
    return true;
  }

  /** Stop re-registering and watching the network (the service is being destroyed). */
  stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.watchNetwork(false);
  }

  /** Destroy the PeerJS peer: after a moment when goodbyes are still leaving, else at once. */
  destroy(afterGoodbyes: boolean): void {
    const peer = this.peer;
    // Give the goodbyes a moment to leave before the peer connections are torn down.
    if (afterGoodbyes) setTimeout(() => peer?.destroy(), 100);
    else peer?.destroy();
    this.peer = undefined;
  }

  /**
   * Re-register with signaling (same id, same token) after jittered exponential backoff:
   * 0.5–1 s, 1–2 s, … capped at 15–30 s, never giving up while the service lives. Idempotent while
   * an attempt is pending; `online` and the page becoming visible try at once.
   */
  private scheduleReconnect(): void {
    if (!this.peer || this.host.status === 'closed') return;
    this.host.setStatus('reconnecting');
    this.watchNetwork(true);
    if (this.retryTimer !== undefined) return;
    const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(this.retries++, 5));
    const delay = ceiling / 2 + (crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32) * (ceiling / 2);
    this.retryTimer = setTimeout(this.reconnectNow, delay);
  }

  private readonly reconnectNow = (): void => {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.host.status !== 'reconnecting' || !this.peer || this.peer.destroyed) return;
    if (!this.peer.disconnected) return;
    this.nextEndpoint(this.peer);
    this.peer.reconnect();
  };

  /**
   * With several signaling servers, each re-registration goes to the next one (same id and token: a cluster
   * gives the id back on any of its nodes). PeerJS builds its socket URL once, so the peer is pointed there.
   */
  private nextEndpoint(peer: Peer): void {
    const all = this.host.config.signaling;
    const address = peer as unknown as PeerAddress;
    if (all.length < 2 || !address.socket || typeof address.socket._baseUrl !== 'string' || !address._options) return;
    this.at = (this.at + 1) % all.length;
    const e = this.endpoint;
    Object.assign(address._options, { host: e.host, port: e.port, path: e.path.endsWith('/') ? e.path : `${e.path}/`, secure: e.secure });
    address.socket._baseUrl = socketBase(e, address._options.key);
  }

  private readonly onWake = (): void => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    if (this.host.status === 'reconnecting') this.reconnectNow();
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
      'unavailable-id': ['peer-id-taken', `The peer id "${this.host.config.peerId ?? ''}" is already taken on ${where}.`],
      'invalid-id': ['invalid-peer-id', err.message],
      'invalid-key': ['invalid-config', `The signaling server at ${where} rejected the key.`],
      'peer-unavailable': ['unknown-peer', `${err.message}: no such peer on ${where}.`],
      'browser-incompatible': ['webrtc', 'This browser does not support WebRTC data channels.'],
      webrtc: ['webrtc', err.message],
    };
    // PeerServer answers a bad key or a full server with a plain server error.
    if (err.type === 'server-error' && /invalid key|invalid token|concurrent user limit/i.test(err.message)) {
      return connectionError('invalid-config', `The signaling server at ${where} refused this client: ${err.message}.`, err);
    }
    const [code, message] = map[err.type] ?? ['signaling-unreachable', `Cannot reach the signaling server at ${where} (${err.message || err.type}).`];
    return connectionError(code, message, err);
  }

  /** The signaling server in use, as a URL. */
  signalingUrl(): string {
    return endpointUrl(this.endpoint);
  }
}
