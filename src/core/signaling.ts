import type { DataConnection } from 'peerjs';
import type { ResolvedConfig, SignalingEndpoint } from './config.js';
import { DarkswapConnectionError } from './errors.js';
import type { ServiceStatus } from './events.js';
import type { RoomFrame } from './rendezvous.js';
import type { IceFrame } from './link-ice-frame.js';
import { SIGNAL_DROP_REASONS, type SignalDrop } from './signaling-drops.js';
import type { SignalingSession } from './signaling-session.js';

/** PeerJS's connection type, for the modules that carry links over it (they never import peerjs). */
export type { DataConnection };

/** The link layer's classes (link-layer.ts), loaded with PeerJS. */
export type LinkLayer = typeof import('./link-layer.js');

interface PeerCode {
  Peer: typeof import('peerjs').Peer;
  session: typeof import('./signaling-session.js');
  links: LinkLayer;
}
let loading: Promise<PeerCode> | undefined;

/**
 * PeerJS, the guard in front of it, the session that drives it (signaling-session.ts) and the link layer carried
 * over it (link-layer.ts), loaded once per page on first use (their own chunk in bundles: a page renders its
 * widgets before they arrive). A failed load is forgotten, so the next open() tries again.
 */
function loadPeerCode(): Promise<PeerCode> {
  // Destructured in place, so bundlers keep only Peer (not PeerJS's MsgPack serializer).
  loading ??= Promise.all([import('peerjs').then(({ Peer }) => Peer), import('./signaling-session.js'), import('./link-layer.js')]).then(
    ([Peer, session, links]) => ({ Peer, session, links }),
  );
  loading.catch(() => (loading = undefined));
  return loading;
}

const NO_DROPS: Readonly<Record<SignalDrop, number>> = Object.freeze(Object.fromEntries(SIGNAL_DROP_REASONS.map((r) => [r, 0])) as Record<SignalDrop, number>);

/** What signaling needs from its connection service. */
export interface SignalingHost {
  readonly config: Readonly<ResolvedConfig>;
  /** The stable id and token to register with (stable-id.ts), when the config names no peer id. */
  readonly stableId?: { peerId: string; token: string } | undefined;
  readonly status: ServiceStatus;
  /** The current ICE configuration (an object kept up to date in place). */
  readonly ice: RTCConfiguration;
  setStatus(status: ServiceStatus): void;
  emitError(error: DarkswapConnectionError): void;
  /** Registration failed: forget the pending `open()` (called before the status becomes `error`). */
  abandoned(): void;
  /** Registered with the signaling server (called before the status becomes `open`). */
  registered(): void;
  /** A peer dialed me. */
  incoming(conn: DataConnection): void;
  /**
   * Signaling says a peer I dialed is not there. Returns true when its link handles that (a link
   * being recovered re-dials until its deadline), false when the error should be reported.
   */
  unavailable(target: string | undefined, error: DarkswapConnectionError): boolean;
  /** Whether this peer may open a connection to me now; a reason when not (checked before any peer connection exists). */
  admitOffer(peer: string): string | undefined;
  isPinned(peer: string): boolean;
  /** A peer's ICE-restart frame for one of its connections, relayed by the server. */
  iceSignal(peer: string, connectionId: string, frame: IceFrame): void;
  /** A rendezvous frame relayed by the server (rendezvous.ts). */
  roomSignal?(peer: string, frame: RoomFrame): void;
  /** The guard dropped a relayed message. */
  signalDropped(peer: string | undefined, reason: SignalDrop, detail?: string): void;
}

/**
 * Signaling for one connection service: what a page holds before the service opens (the server in use, the
 * guard's drop counts, whether registered). The PeerJS peer itself — registration, re-registration with backoff,
 * dialing — is a `SignalingSession`, made on the first `register()` once PeerJS has loaded.
 */
export class Signaling {
  private session: SignalingSession | undefined;
  private links: LinkLayer | undefined;

  constructor(private readonly host: SignalingHost) {}

  /** The signaling server in use (the next one after a failure, when the config names several). */
  get endpoint(): SignalingEndpoint {
    return this.session?.endpoint ?? this.host.config.signaling[0]!;
  }

  /** Messages relayed by the signaling server that the guard dropped, by reason (none before the first registration). */
  get drops(): Readonly<Record<SignalDrop, number>> {
    return this.session?.drops ?? NO_DROPS;
  }

  /** The id the server gave me; kept while signaling reconnects (PeerJS itself forgets it on disconnect). */
  get registeredId(): string | undefined {
    return this.session?.registeredId;
  }

  /** Whether a PeerJS peer exists (registering, registered or re-registering). */
  get active(): boolean {
    return this.session?.active ?? false;
  }

  /** The link layer, loaded with PeerJS by the first `register()`: links exist only after that. */
  get linkLayer(): LinkLayer {
    if (!this.links) throw new Error('The link layer is loaded by register(): no link can exist before it.');
    return this.links;
  }

  /** Starts loading PeerJS (open() calls it first, so the load overlaps loading the identity key). */
  preload(): void {
    loadPeerCode().catch(() => undefined);
  }

  /** Register with the signaling server; resolves with my peer id. */
  async register(): Promise<string> {
    let code: PeerCode;
    try {
      code = await loadPeerCode();
    } catch (cause) {
      const error = new DarkswapConnectionError('signaling-unreachable', `Cannot load the signaling code (PeerJS): ${String(cause)}`, { cause });
      if (this.host.status === 'closed') throw new DarkswapConnectionError('destroyed', 'This connection service was destroyed.');
      this.host.abandoned();
      this.host.setStatus('error');
      this.host.emitError(error);
      throw error;
    }
    this.links = code.links;
    this.session ??= new code.session.SignalingSession(this.host, code.Peer);
    return this.session.register();
  }

  /** Open a raw PeerJS connection to a peer; undefined while not registered. */
  dial(peerId: string): DataConnection | undefined {
    return this.session?.dial(peerId);
  }

  /**
   * Relays an ICE-restart frame to `peer` for one connection through the signaling server (as a `CANDIDATE`
   * whose payload carries `ice`, which stock PeerServers relay unchanged). False when not registered.
   */
  signalIce(peer: string, connectionId: string, frame: IceFrame): boolean {
    return this.session?.signalIce(peer, connectionId, frame) ?? false;
  }

  /** Sends a rendezvous frame (rendezvous.ts) to `peer` through the server; false when not registered. */
  signalRoom(peer: string, frame: RoomFrame): boolean {
    return this.session?.signalRoom(peer, frame) ?? false;
  }

  /** Stop re-registering and watching the network (the service is being destroyed). */
  stop(): void {
    this.session?.stop();
  }

  /** Destroy the PeerJS peer: after a moment when goodbyes are still leaving, else at once. */
  destroy(afterGoodbyes: boolean): void {
    this.session?.destroy(afterGoodbyes);
  }

  /** The signaling server in use, as a URL. */
  signalingUrl(): string {
    const e = this.endpoint;
    return `${e.secure ? 'https' : 'http'}://${e.host}:${e.port}${e.path}`;
  }
}
