/**
 * The gate between the signaling server and PeerJS. Everything a peer relays through the server
 * (offers, answers, ICE candidates) is checked here before PeerJS sees it, so junk never becomes a
 * held message list, an idle RTCPeerConnection or an uncaught error in the page:
 *
 * - server messages (`OPEN`, `ERROR`, `ID-TAKEN`, `INVALID-KEY`, `LEAVE`, `EXPIRE`) pass;
 * - an `OFFER` must be a data offer in the kit's own `raw` serialization, small, from a valid peer id,
 *   within that peer's and the page's offer rates, and admitted (not blocked, capacity left) — all
 *   before PeerJS builds a peer connection for it;
 * - an `ANSWER` or `CANDIDATE` must belong to a connection PeerJS holds (never stored for later);
 * - a `CANDIDATE` whose payload carries `ice` is the kit's own ICE-restart frame for that connection
 *   (link-ice.ts): checked against its schema and handed to the link, never to PeerJS;
 * - every peer's relayed messages are rate limited; anything else is dropped.
 *
 * Dropped messages are counted by reason (`SignalingGuard.drops`) and reported to the host.
 */
import { isValidPeerId } from './config.js';
import * as v from 'valibot';
import { IceFrameSchema, type IceFrame } from './link-ice-frame.js';
import { MAX_ROOM_FRAME_CHARS, RoomFrameSchema, type RoomFrame } from './rendezvous.js';
import { TokenBucket } from './rate-limit.js';

import { SIGNAL_DROP_REASONS, type SignalDrop } from './signaling-drops.js';

export { SIGNAL_DROP_REASONS, type SignalDrop };

/** Messages from the server itself, passed through unchanged. */
const SERVER_TYPES = new Set(['OPEN', 'ERROR', 'ID-TAKEN', 'INVALID-KEY', 'LEAVE', 'EXPIRE']);
/** A data-channel offer or answer SDP is about 1–2 KB; allow ample room for many candidates. */
export const MAX_SDP_CHARS = 32_768;
/** One relayed message (JSON), at most. */
export const MAX_SIGNAL_CHARS = 65_536;
const MAX_CANDIDATE_CHARS = 2_048;
const CONNECTION_ID = /^[\w-]{1,64}$/;
/** Relayed messages per peer: a burst for a connection's candidates, then a steady rate. */
const SIGNALS_PER_SECOND = 20;
const SIGNAL_BURST = 100;
/** Rate buckets kept at most (full buckets are forgotten first). */
const MAX_BUCKETS = 1_000;

export interface SignalingGuardHost {
  /** Whether PeerJS holds this connection of this peer. */
  hasConnection(peer: string, connectionId: string): boolean;
  /** Whether this peer may open a connection to me now; a reason when not. */
  admitOffer(peer: string): string | undefined;
  /** Whether this peer is pinned (its offers skip the unknown-peer rate). */
  isPinned(peer: string): boolean;
  /** An ICE-restart frame for a connection PeerJS holds (valid by its schema). */
  ice(peer: string, connectionId: string, frame: IceFrame): void;
  /** A rendezvous frame (rendezvous.ts) from a beacon or an asker, valid by its schema. */
  room?(peer: string, frame: RoomFrame): void;
  /** A message was dropped (peer undefined when it named none). */
  dropped(peer: string | undefined, reason: SignalDrop, detail?: string): void;
}

export interface OfferRates {
  /** Offers one peer may make per minute (burst: a third of it, at least 3). */
  perPeerPerMinute: number;
  /** Offers from unpinned peers per minute, all peers together (burst: a quarter of it, at least 5). */
  perMinute: number;
}

interface Relayed {
  type?: unknown;
  src?: unknown;
  payload?: unknown;
}

type Payload = Record<string, unknown>;

function isObject(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sizeOf(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Infinity;
  }
}

export class SignalingGuard {
  readonly drops: Record<SignalDrop, number> = Object.fromEntries(SIGNAL_DROP_REASONS.map((r) => [r, 0])) as Record<SignalDrop, number>;
  private readonly signals = new Map<string, TokenBucket>();
  private readonly offers = new Map<string, TokenBucket>();
  private readonly allOffers: TokenBucket;

  constructor(
    private readonly host: SignalingGuardHost,
    private readonly rates: OfferRates,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.allOffers = new TokenBucket(rates.perMinute / 60, Math.max(5, rates.perMinute / 4), now());
  }

  /** Whether PeerJS may handle this message from the signaling server. */
  admit(message: unknown): boolean {
    if (!isObject(message)) return this.drop(undefined, 'malformed');
    const { type, src, payload } = message as Relayed;
    if (typeof type !== 'string') return this.drop(undefined, 'malformed');
    if (SERVER_TYPES.has(type)) return true;
    if (typeof src !== 'string' || !isValidPeerId(src)) return this.drop(undefined, 'malformed', type);
    if (type !== 'OFFER' && type !== 'ANSWER' && type !== 'CANDIDATE') return this.drop(src, 'unknown-type', type.slice(0, 32));
    if (!this.bucket(this.signals, src, SIGNALS_PER_SECOND, SIGNAL_BURST).take(this.now())) return this.drop(src, 'rate-limited', type);
    if (type === 'CANDIDATE' && isObject(payload) && 'room' in payload) return this.room(src, payload);
    if (!isObject(payload) || typeof payload.connectionId !== 'string' || !CONNECTION_ID.test(payload.connectionId)) return this.drop(src, 'malformed', type);
    if (sizeOf(payload) > MAX_SIGNAL_CHARS) return this.drop(src, 'too-large', type);
    if (type === 'CANDIDATE') return this.candidate(src, payload);
    if (type === 'ANSWER') return this.answer(src, payload);
    return this.offer(src, payload);
  }

  /** A rendezvous frame: checked and handed over; never PeerJS's. */
  private room(src: string, payload: Payload): boolean {
    if (sizeOf(payload) > MAX_ROOM_FRAME_CHARS) return this.drop(src, 'too-large', 'room');
    const frame = v.safeParse(RoomFrameSchema, payload.room);
    if (!frame.success || !this.host.room) return this.drop(src, 'malformed', 'room');
    this.host.room(src, frame.output);
    return false;
  }

  private candidate(src: string, payload: Payload): boolean {
    if ('ice' in payload) {
      const frame = v.safeParse(IceFrameSchema, payload.ice);
      if (!frame.success) return this.drop(src, 'malformed', 'ice');
      if (!this.host.hasConnection(src, payload.connectionId as string)) return this.drop(src, 'no-connection', 'ice');
      this.host.ice(src, payload.connectionId as string, frame.output);
      return false; // handled here; PeerJS never sees it
    }
    const c = payload.candidate;
    if (!isObject(c) || typeof c.candidate !== 'string') return this.drop(src, 'malformed', 'CANDIDATE');
    if (sizeOf(c) > MAX_CANDIDATE_CHARS) return this.drop(src, 'too-large', 'CANDIDATE');
    if (!this.host.hasConnection(src, payload.connectionId as string)) return this.drop(src, 'no-connection', 'CANDIDATE');
    return true;
  }

  private answer(src: string, payload: Payload): boolean {
    const bad = this.badSdp(payload.sdp, 'answer');
    if (bad) return this.drop(src, bad, 'ANSWER');
    if (!this.host.hasConnection(src, payload.connectionId as string)) return this.drop(src, 'no-connection', 'ANSWER');
    return true;
  }

  private offer(src: string, payload: Payload): boolean {
    if (payload.type === 'media') return this.drop(src, 'media', 'OFFER');
    if (payload.type !== 'data') return this.drop(src, 'malformed', 'OFFER');
    if (payload.serialization !== 'raw') return this.drop(src, 'serialization', String(payload.serialization).slice(0, 32));
    const bad = this.badSdp(payload.sdp, 'offer');
    if (bad) return this.drop(src, bad, 'OFFER');
    const now = this.now();
    const perPeer = this.rates.perPeerPerMinute;
    if (!this.bucket(this.offers, src, perPeer / 60, Math.max(3, perPeer / 3)).take(now)) return this.drop(src, 'rate-limited', 'OFFER');
    if (!this.host.isPinned(src) && !this.allOffers.take(now)) return this.drop(src, 'rate-limited', 'OFFER');
    const refusal = this.host.admitOffer(src);
    if (refusal) return this.drop(src, 'refused', refusal);
    return true;
  }

  private badSdp(sdp: unknown, type: 'offer' | 'answer'): SignalDrop | undefined {
    if (!isObject(sdp) || sdp.type !== type || typeof sdp.sdp !== 'string') return 'malformed';
    return sdp.sdp.length > MAX_SDP_CHARS ? 'too-large' : undefined;
  }

  private bucket(map: Map<string, TokenBucket>, peer: string, perSecond: number, burst: number): TokenBucket {
    let bucket = map.get(peer);
    if (!bucket) {
      if (map.size >= MAX_BUCKETS) {
        const now = this.now();
        for (const [key, b] of map) if (b.available(now) >= b.capacity) map.delete(key);
        // All busy: forget the oldest (a peer forgotten this way starts over with a fresh, full bucket).
        if (map.size >= MAX_BUCKETS) map.delete(map.keys().next().value!);
      }
      map.set(peer, (bucket = new TokenBucket(perSecond, burst, this.now())));
    }
    return bucket;
  }

  private drop(peer: string | undefined, reason: SignalDrop, detail?: string): false {
    this.drops[reason]++;
    this.host.dropped(peer, reason, detail);
    return false;
  }
}

/** How long an open socket with a stable id waits for the server's `OPEN` before it counts as reclaimed. */
const RECLAIM_MS = 1_000;

/** The parts of a PeerJS peer the reclaim reads (not in PeerJS's public types). */
export interface ReclaimablePeer {
  readonly open: boolean;
  readonly destroyed: boolean;
  socket?: { _socket?: WebSocket };
  _handleMessage(message: unknown): void;
}

/**
 * A stock PeerServer that gives an id back to the token that holds it (a reload before the server noticed the old
 * socket close) sends no `OPEN` (it only does for a new registration), and PeerJS waits for one. Refusals
 * (`ID-TAKEN`, errors) come at once, so a socket that is open and heard nothing for `RECLAIM_MS` holds the id:
 * tell PeerJS it is open. `current()` is false once this peer is no longer the one in use.
 */
export function acceptReclaim(peer: ReclaimablePeer, current: () => boolean, timeoutMs: number): void {
  const started = performance.now();
  let openedAt: number | undefined;
  const check = setInterval(() => {
    if (!current() || peer.open || peer.destroyed || performance.now() - started > timeoutMs) return clearInterval(check);
    const ws = peer.socket?._socket;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    openedAt ??= performance.now();
    if (performance.now() - openedAt < RECLAIM_MS) return;
    clearInterval(check);
    peer._handleMessage({ type: 'OPEN' });
  }, 100);
}
