import type { BulkFrame } from './bulk.js';
import type { ResolvedConfig } from './config.js';
import type { RejectCounts } from './connection-api.js';
import { DarkswapConnectionError, type ConnectionErrorCode } from './errors.js';
import { MessageRejectedEvent, PeerBlockedEvent, PeerEvent, PeerRefusedEvent, REFUSAL_REASONS, type RefusalReason, type ServiceStatus } from './events.js';
import type { RejectReason } from './frame.js';
import type { Identity } from './identity.js';
import type { Link, LinkOwner } from './link.js';
import type { IceFrame } from './link-ice-frame.js';
import type { LinkLimits } from './rate-limit.js';
import type { DataConnection, LinkLayer } from './signaling.js';
import type { SignalDrop } from './signaling-drops.js';

interface Pending {
  resolve(): void;
  reject(error: DarkswapConnectionError): void;
}

/** Extra dials of a first connection that closed while being set up. */
const FIRST_DIAL_RETRIES = 2;
/** Per-peer reject counters kept at most; the oldest of peers with no link and no block are forgotten first. */
export const MAX_REJECT_COUNTERS = 1_000;
/** Re-dial backoff for a dropped link: at once, then 250 ms doubling to 5 s, jittered. */
const REDIAL_FIRST_MS = 0;
const REDIAL_BASE_MS = 250;
const REDIAL_CAP_MS = 5_000;
/** A re-dial attempt that has not completed its hello by then is abandoned for the next one. */
const REDIAL_ATTEMPT_MS = 8_000;

function jitter(ms: number): number {
  return ms / 2 + (crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32) * (ms / 2);
}

function linkError(code: ConnectionErrorCode, message: string): DarkswapConnectionError {
  return new DarkswapConnectionError(code, message, undefined);
}

/** What the link registry needs from its connection service. */
export interface LinkRegistryHost {
  readonly config: Readonly<ResolvedConfig>;
  readonly session: string;
  readonly status: ServiceStatus;
  /** My identity key, loaded by `open()` before any link can open. */
  readonly identity: Identity | undefined;
  /** My peer id as registered with signaling. */
  readonly localId: string | undefined;
  pinnedKey(peer: string): string | undefined;
  hasChannel(name: string): boolean;
  deliver(peer: string, channel: string, payload: string): RejectReason | undefined;
  deliverBulk(peer: string, frame: BulkFrame): RejectReason | undefined;
  /** The link layer (link-layer.ts), loaded with PeerJS before the first registration: links are made only after it. */
  readonly linkLayer: LinkLayer;
  /** Dial a peer through signaling; undefined while not registered. */
  dial(peer: string): DataConnection | undefined;
  /** Relay an ICE-restart frame through signaling; false when not registered. */
  signalIce(peer: string, connectionId: string, frame: IceFrame): boolean;
  iceSettled(peer: string): Promise<void>;
  pathLost(peer: string): void;
  dispatchEvent(event: Event): boolean;
  emitError(error: DarkswapConnectionError, peer?: string): void;
}

/**
 * The service's links by peer id, and everything about their lives: dialing and adopting
 * connections (crossed dials resolved by id), the callbacks links make to their owner, recovery
 * (the lower id re-dials with backoff until the recovery deadline), `connect()` promises, reject
 * counts and blocks.
 */
export class LinkRegistry {
  readonly links = new Map<string, Link>();
  /** Blocked peers and the time (epoch ms) their block ends. */
  readonly blocked = new Map<string, number>();
  /** Identity keys of blocked peers (key → the blocked id and until when). */
  private readonly blockedKeys = new Map<string, { peer: string; until: number }>();
  readonly rejectCounts = new Map<string, RejectCounts>();
  private readonly pending = new Map<string, Pending[]>();
  private readonly owner: LinkOwner;

  constructor(private readonly host: LinkRegistryHost) {
    this.owner = {
      get localId() {
        return host.localId ?? '';
      },
      session: host.session,
      get identity() {
        return host.identity!;
      },
      get limits(): LinkLimits {
        return host.config.limits;
      },
      get handshakeTimeoutMs() {
        return host.config.handshakeTimeoutMs;
      },
      pinnedKey: (peer) => host.pinnedKey(peer),
      keyBlocked: (key) => this.isKeyBlocked(key),
      hasChannel: (name) => host.hasChannel(name),
      deliver: (peer, channel, payload) => host.deliver(peer, channel, payload),
      deliverBulk: (peer, frame) => host.deliverBulk(peer, frame),
      counted: (peer, channel, reason) => this.countReject(peer, channel, reason),
      opened: (link, info) => this.linkOpened(link, info),
      lost: (link, why) => this.linkLost(link, why),
      fail: (link, error) => {
        host.emitError(error, link.peer);
        this.dropLink(link.peer, error);
      },
      warn: (link, error) => host.emitError(error, link.peer),
      left: (link, reason) => this.dropLink(link.peer, linkError('link-closed', `${link.peer} left (${reason}).`), 'remote'),
      block: (link, reason) => this.blockPeer(link.peer, reason),
      roomAcrossLinks: (chars) => this.roomAcrossLinks(chars),
      signalIce: (peer, connectionId, frame) => host.signalIce(peer, connectionId, frame),
      iceSettled: (peer) => host.iceSettled(peer),
      pathLost: (peer) => host.pathLost(peer),
    };
  }

  /** Open (or wait for) the link to a peer the service checked it may dial; resolves when it is open and authenticated. */
  connect(peerId: string): Promise<void> {
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

  /** Carry a link on a new PeerJS connection, dialed by me (`dialer` = my id) or by the peer. */
  attach(conn: DataConnection, dialer: string): void {
    const peerId = conn.peer;
    if (conn.serialization !== 'raw') {
      // Only our own framing is accepted on a link; anything else is a foreign client.
      conn.close();
      this.countReject(peerId, undefined, 'not-text');
      return;
    }
    if (this.isBlocked(peerId) || this.host.status === 'closed') {
      conn.close();
      return;
    }
    if (!this.links.has(peerId) && dialer === peerId) {
      const refusal = this.admission(peerId);
      if (refusal) {
        conn.close();
        this.host.dispatchEvent(new PeerRefusedEvent(peerId, refusal));
        return;
      }
    }
    const link = this.links.get(peerId) ?? this.createLink(peerId, dialer === peerId);
    const current = link.wire;
    if (current && !current.closed) {
      // Two dials crossed: the connection dialed by the lower id wins; the newest one from it wins.
      const preferred = [this.host.localId ?? '', peerId].sort()[0];
      if (dialer !== preferred && current.dialer === preferred) {
        conn.close();
        return;
      }
    }
    const wire = new this.host.linkLayer.Wire(conn, dialer);
    link.adopt(wire);
    if (link.state === 'reconnecting') {
      setTimeout(() => {
        if (link.wire === wire && !wire.ready) link.onLost(wire, 'attempt-timeout');
      }, REDIAL_ATTEMPT_MS);
    }
  }

  /**
   * The cap on messages held across all links (`maxQueued`): every link may hold up to its own limit,
   * but together they stay under this, so many slow peers cannot exhaust the page's memory.
   */
  private roomAcrossLinks(chars: number): string | undefined {
    const { messages, chars: maxChars } = this.host.config.maxQueued;
    let count = 0;
    let held = 0;
    for (const link of this.links.values()) {
      const h = link.held();
      count += h.count;
      held += h.chars;
    }
    if (count < messages && held + chars <= maxChars) return undefined;
    return `${count} messages (${held} characters) are waiting across all ${this.links.size} links, the most this page holds (maxQueued); try again when they drain.`;
  }

  /**
   * Checked by the signaling guard for each connection offer, before a peer connection exists for it:
   * a reason to drop it, or undefined to let it through. Peers with a link are re-dialing and pass.
   */
  admitOffer(peerId: string): string | undefined {
    if (this.host.status === 'closed') return 'closed';
    if (this.isBlocked(peerId)) return 'blocked';
    if (this.links.has(peerId)) return undefined;
    return this.admission(peerId);
  }

  /** The signaling guard dropped a relayed message: an offer refused by admission or its rate is reported. */
  signalDropped(peerId: string | undefined, reason: SignalDrop, detail?: string): void {
    if (!peerId) return;
    const refusal = reason === 'refused' ? detail : reason === 'rate-limited' && detail === 'OFFER' ? 'rate-limited' : undefined;
    if (refusal && (REFUSAL_REASONS as readonly string[]).includes(refusal)) this.host.dispatchEvent(new PeerRefusedEvent(peerId, refusal as RefusalReason));
  }

  /**
   * Signaling says a peer I dialed is not there. A link being recovered keeps re-dialing until its
   * deadline (true: nothing to report); otherwise the link is dropped and false returned.
   */
  peerUnavailable(target: string | undefined, error: DarkswapConnectionError): boolean {
    const link = target ? this.links.get(target) : undefined;
    if (link && link.state !== 'connecting') {
      // A re-dial found the peer gone from signaling (for now): try again until the recovery deadline.
      if (link.wire && !link.wire.ready) link.onLost(link.wire, 'peer-unavailable');
      return true;
    }
    if (target) this.dropLink(target, error);
    return false;
  }

  isBlocked(peerId: string): boolean {
    const until = this.blocked.get(peerId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.blocked.delete(peerId);
    return false;
  }

  countReject(peerId: string, channel: string | undefined, reason: RejectReason): void {
    let counts = this.rejectCounts.get(peerId);
    if (!counts) {
      this.rejectCounts.set(peerId, (counts = { total: 0, byReason: {} }));
      if (this.rejectCounts.size > MAX_REJECT_COUNTERS) this.pruneRejectCounts();
    }
    counts.total++;
    counts.byReason[reason] = (counts.byReason[reason] ?? 0) + 1;
    this.host.dispatchEvent(new MessageRejectedEvent(peerId, channel, reason, counts.total));
  }

  /** Forget the oldest counters of peers with no link and no block, down to the cap. */
  private pruneRejectCounts(): void {
    for (const peer of this.rejectCounts.keys()) {
      if (this.rejectCounts.size <= MAX_REJECT_COUNTERS) return;
      if (!this.links.has(peer) && !this.isBlocked(peer)) this.rejectCounts.delete(peer);
    }
  }

  /** Forget a link: its `connect()` promises reject with `error`; `by` says who ended it (the event's reason). */
  dropLink(peerId: string, error: DarkswapConnectionError, by?: string): void {
    const link = this.links.get(peerId);
    this.settle(peerId, error);
    if (!link) return;
    this.links.delete(peerId);
    // Messages still waiting for the peer are lost with the link: say how many.
    const undelivered = link.held().count;
    if (undelivered) {
      this.host.emitError(linkError('link-closed', `${undelivered} messages to ${peerId} were not delivered: ${error.message}`), peerId);
    }
    link.dispose();
    if (link.everOpened || by === undefined) {
      this.host.dispatchEvent(new PeerEvent('peer-disconnected', peerId, by ?? error.code));
    }
  }

  /**
   * Signaling is back (registered again after an outage). A first connection I dialed while it was
   * away, or whose offer/answer it lost, would otherwise wait out its whole connect deadline: dial it
   * again now (within the same deadline), if its data channel has not opened yet.
   */
  signalingBack(): void {
    const me = this.host.localId;
    for (const link of this.links.values()) {
      if (link.state !== 'connecting' || link.everOpened || !this.pending.has(link.peer)) continue;
      const wire = link.wire;
      if (!wire) {
        this.dial(link);
        continue;
      }
      if (wire.dialer !== me || wire.ready || wire.dc?.readyState === 'open') continue;
      link.dropWire(wire);
      this.dial(link);
    }
  }

  readonly onPageHide = (event: PageTransitionEvent): void => {
    if (event.persisted) return;
    for (const link of this.links.values()) link.sayBye('page-closed');
  };

  private createLink(peerId: string, incoming = false): Link {
    const link = new this.host.linkLayer.Link(peerId, this.owner);
    link.incoming = incoming;
    this.links.set(peerId, link);
    this.host.dispatchEvent(new PeerEvent('peer-connecting', peerId));
    // The first connection must open within connectTimeoutMs.
    link.deadlineTimer = setTimeout(() => {
      if (this.links.get(peerId) === link && link.state === 'connecting') {
        this.dropLink(peerId, linkError('connect-timeout', `Peer ${peerId} did not answer within ${this.host.config.connectTimeoutMs} ms.`));
      }
    }, this.host.config.connectTimeoutMs);
    return link;
  }

  private dial(link: Link): boolean {
    const conn = this.host.dial(link.peer);
    if (!conn) return false;
    this.attach(conn, this.host.localId!);
    return true;
  }

  private linkOpened(link: Link, info: { previous: string; restarted: boolean; dropped: number; keyChanged?: { from: string; to: string } }): void {
    clearTimeout(link.deadlineTimer);
    clearTimeout(link.redialTimer);
    link.deadlineTimer = link.redialTimer = undefined;
    if (info.restarted && info.previous !== 'connecting') {
      this.host.dispatchEvent(new PeerEvent('peer-disconnected', link.peer, info.keyChanged ? 'key-changed' : 'restarted'));
    }
    if (info.keyChanged) {
      const { from, to } = info.keyChanged;
      this.host.emitError(
        linkError(
          'identity-changed',
          `Peer ${link.peer} came back with a different identity key (${from.slice(0, 16)}… → ${to.slice(0, 16)}…): it may be someone else. Its six-digit code changed; compare it again, or pin the peer.`,
        ),
        link.peer,
      );
    }
    if (info.dropped) {
      this.host.emitError(linkError('link-closed', `${info.dropped} messages to ${link.peer} were not delivered: it restarted.`), link.peer);
    }
    this.settle(link.peer);
    if (info.previous !== 'open' || info.restarted) this.host.dispatchEvent(new PeerEvent('peer-connected', link.peer));
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
        this.dropLink(link.peer, linkError('connect-timeout', `Peer ${link.peer} did not complete the handshake (${why}).`));
      } else {
        this.dropLink(link.peer, linkError('link-closed', `The link to ${link.peer} closed before it opened (${why}).`));
      }
      return;
    }
    if (link.state === 'open') {
      link.state = 'reconnecting';
      this.host.dispatchEvent(new PeerEvent('peer-reconnecting', link.peer, why));
      clearTimeout(link.deadlineTimer);
      link.deadlineTimer = setTimeout(() => this.giveUp(link), this.host.config.linkRecoveryMs);
    }
    const localId = this.host.localId;
    if (localId && localId < link.peer) this.scheduleRedial(link);
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
    const seconds = Math.round(this.host.config.linkRecoveryMs / 1000);
    const error = linkError('link-closed', `The link to ${link.peer} dropped and did not come back within ${seconds} s.`);
    this.dropLink(link.peer, error, 'unreachable');
  }

  /**
   * Admission control for a connection from a peer I have no link with: pinned peers always get in;
   * others only while there are fewer than `maxLinks` links and `maxPendingHandshakes` links still in
   * their handshake.
   */
  private admission(peerId: string): RefusalReason | undefined {
    if (this.host.pinnedKey(peerId)) return undefined;
    const { maxLinks, maxPendingHandshakes } = this.host.config;
    if (this.links.size >= maxLinks && !this.evictIdle()) return 'too-many-links';
    let pending = 0;
    for (const link of this.links.values()) if (link.state === 'connecting' && !link.everOpened) pending++;
    if (pending >= maxPendingHandshakes) return 'too-many-handshakes';
    return undefined;
  }

  /**
   * Make room for a new peer: close the incoming link from an unpinned peer that has been idle longest,
   * if it has been idle at least `idleLinkMs`. Links I dialed and pinned peers are never evicted.
   */
  private evictIdle(): boolean {
    const now = performance.now();
    let victim: Link | undefined;
    for (const link of this.links.values()) {
      if (!link.incoming || link.state !== 'open' || this.host.pinnedKey(link.peer)) continue;
      if (now - link.lastActive < this.host.config.idleLinkMs) continue;
      if (!victim || link.lastActive < victim.lastActive) victim = link;
    }
    if (!victim) return false;
    victim.sayBye('evicted');
    this.dropLink(victim.peer, linkError('link-closed', `The idle link to ${victim.peer} was closed to make room for a new peer.`), 'evicted');
    this.host.dispatchEvent(new PeerRefusedEvent(victim.peer, 'evicted'));
    return true;
  }

  /** Whether an identity key is blocked: a blocked peer that comes back under a new id is still refused. */
  isKeyBlocked(key: string): boolean {
    const entry = this.blockedKeys.get(key);
    if (!entry) return false;
    if (entry.until > Date.now() && this.blocked.has(entry.peer)) return true;
    this.blockedKeys.delete(key);
    return false;
  }

  private blockPeer(peerId: string, reason: RejectReason): void {
    const until = Date.now() + this.host.config.limits.blockMs;
    this.blocked.set(peerId, until);
    const key = this.links.get(peerId)?.remote?.key;
    if (key) this.blockedKeys.set(key, { peer: peerId, until });
    this.dropLink(peerId, linkError('peer-blocked', `Peer ${peerId} was blocked: too many rejected messages (${reason}).`), 'blocked');
    this.host.dispatchEvent(new PeerBlockedEvent(peerId, reason, until));
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
}
