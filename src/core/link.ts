import * as v from 'valibot';
import { BULK_HIGH_WATER, decodeBulkFrame, type BulkFrame } from './bulk.js';
import { BulkSender } from './bulk-flow.js';
import { AckSchema, BulkAckSchema, ByeSchema, HelloSchema, MAX_CONTROL_BYTES, NackSchema, ReadySchema } from './control.js';
import { DarkswapConnectionError } from './errors.js';
import { encodeFrame, splitFrame, utf8Length, type RejectReason } from './frame.js';
import { Handshake, type HandshakeOwner, type VerifiedHello } from './link-handshake.js';
import { OutboundQueue, PRIORITY } from './link-outbound.js';
import { STRIKE_DRAIN_PER_SECOND, TokenBucket } from './rate-limit.js';
import { ReliableState } from './reliable.js';
import type { Wire } from './wire.js';
import { IceFrameSchema, type IceFrame } from './link-ice-frame.js';
import type { IceRestartWire } from './link-ice.js';
import type { LinkMediaPath } from './link-media.js';

// Kept importable from here: the outbound queue's priorities and watermark, and the wire.
export { MESSAGE_HIGH_WATER, PRIORITY } from './link-outbound.js';
export { Wire } from './wire.js';

/**
 * One logical link to one remote peer, surviving re-dials: its current PeerJS connection (a
 * "wire"), the hello handshake that authenticates it, reliable sequencing, priority queues
 * with pacing to the peer's advertised limits, and inbound abuse limits.
 */

export type LinkState = 'connecting' | 'open' | 'reconnecting';

/** The peer on the other end of an authenticated link. */
export interface PeerIdentity {
  /** The peer's identity key (raw Ed25519 public key, 64 hex). */
  publicKey: string;
  /** Six digits both people can read to each other; equal on both ends of an honest link. */
  sas: string;
  /** DTLS fingerprints of the current connection. */
  localFingerprint: string;
  remoteFingerprint: string;
  /** Whether this peer id is pinned to this key. */
  pinned: boolean;
}

/** What a link needs from the service that owns it (the handshake's needs included). */
export interface LinkOwner extends HandshakeOwner {
  readonly localId: string;
  hasChannel(name: string): boolean;
  deliver(peer: string, channel: string, payload: string): RejectReason | undefined;
  deliverBulk(peer: string, frame: BulkFrame): RejectReason | undefined;
  counted(peer: string, channel: string | undefined, reason: RejectReason): void;
  opened(link: Link, info: { previous: LinkState; restarted: boolean; dropped: number; resent: number; keyChanged?: { from: string; to: string } }): void;
  /** The wire died; the link may recover. */
  lost(link: Link, why: string): void;
  /** Fatal for this link: identity mismatch, or a first connection that never opened. */
  fail(link: Link, error: DarkswapConnectionError): void;
  /** Report an error about this link without ending it (an impostor refused on one of its wires). */
  warn(link: Link, error: DarkswapConnectionError): void;
  left(link: Link, reason: string): void;
  block(link: Link, reason: RejectReason): void;
  /** Whether messages of `chars` more UTF-16 units fit under the cap across all links; a refusal message when not. */
  roomAcrossLinks(chars: number): string | undefined;
  /** Relays an ICE-restart frame to the peer through the signaling server; false when signaling is down. */
  signalIce(peer: string, connectionId: string, frame: IceFrame): boolean;
  /** Resolves when checks of my relay for this peer's link are done (see IceRestartWire.settled). */
  iceSettled(peer: string): Promise<void>;
  /** The peer says our path went silent. */
  pathLost(peer: string): void;
}

/** Reliable messages kept per link waiting for acknowledgement before `send` refuses more. */
export const MAX_UNACKED = 10_000;
const MAX_UNACKED_CHARS = 16 * 1024 * 1024;
const MAX_INBOX_CHANNELS = 256;
const ACK_DELAY_MS = 10;
const BULK_ACK_DELAY_MS = 4;
/** Control frames (acks) have their own inbound budget, so acknowledgements never eat the message rate. */
const CONTROL_PER_SECOND = 500;
const CONTROL_BURST = 1_000;
/** Frames (and their total size) held from a peer whose hello has not been verified yet. */
const MAX_BACKLOG = 256;
const MAX_BACKLOG_CHARS = 1024 * 1024;
const MAX_BULK_BACKLOG = 32;
const ACK_EVERY = 32;
/** A gap on a channel asks for a resend at most this often (per channel, while the stream does not advance). */
const NACK_INTERVAL_MS = 250;

type IceCode = typeof import('./link-ice.js');
let iceCode: IceCode | undefined;
let iceLoading: Promise<IceCode> | undefined;

/**
 * Runs `use` with the ICE-restart code (link-ice.ts: its own chunk in bundles, loaded with the first restart or
 * `_ice` frame). Once loaded it runs at once; before, calls run in arrival order when it arrives, so an offer
 * still reaches its peer connection before the candidates that followed it.
 */
function withIceCode<T>(use: (ice: IceCode) => Promise<T>): Promise<T> {
  if (iceCode) return use(iceCode);
  iceLoading ??= import('./link-ice.js').then((code) => (iceCode = code));
  iceLoading.catch(() => (iceLoading = undefined));
  return iceLoading.then(use);
}

export class Link {
  state: LinkState = 'connecting';
  wire: Wire | undefined;
  everOpened = false;
  remote: { session: string; key: string; fingerprint: string; localFingerprint: string; sas: string } | undefined;
  reliable = new ReliableState();
  /** Timers owned by the service's recovery logic. */
  deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  redialTimer: ReturnType<typeof setTimeout> | undefined;
  attempts = 0;
  /** The peer dialed me first (admission control may close it to make room when it is idle and not pinned). */
  incoming = false;
  /** When a message last went either way (performance.now()). */
  lastActive = performance.now();
  /**
   * Since when I have been waiting to hear from the peer with reliable messages outstanding (performance.now()):
   * set by a reliable send, moved on by every frame received, cleared when nothing is left unacknowledged.
   * A link whose path died shows it here first (the relay watchdog reads it; see turn-failover.ts).
   */
  awaitingSince: number | undefined;

  private readonly outbound: OutboundQueue;
  private readonly handshake: Handshake;
  private readonly inMsgs: TokenBucket;
  private readonly inBytes: TokenBucket;
  private readonly inBulk: TokenBucket;
  private readonly inControl: TokenBucket;
  /** Bulk flow control of the current wire: what I sent, and what I received and acknowledged. */
  private bulkFlow: BulkSender | undefined;
  private bulkReceived = 0;
  private bulkAckTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly bulkWaiters = new Set<() => void>();
  private readonly strikes: TokenBucket;
  private readonly ackDue = new Map<string, number>();
  /** Per channel: the position I last asked the peer to resend from, and when (gap repair). */
  private readonly nacked = new Map<string, { from: number; at: number }>();
  /** Per channel: the position the peer last asked me to resend from, and when. */
  private readonly resent = new Map<string, { from: number; at: number }>();
  private ackCount = 0;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private dead = false;

  constructor(
    readonly peer: string,
    private readonly owner: LinkOwner,
  ) {
    const l = owner.limits;
    const now = performance.now();
    this.inMsgs = new TokenBucket(l.messagesPerSecond, l.messageBurst, now);
    this.inBytes = new TokenBucket(l.bytesPerSecond, l.byteBurst, now);
    this.inBulk = new TokenBucket(l.bulkFramesPerSecond, l.bulkFramesPerSecond * 2, now);
    this.inControl = new TokenBucket(CONTROL_PER_SECOND, CONTROL_BURST, now);
    this.strikes = new TokenBucket(STRIKE_DRAIN_PER_SECOND, l.strikesBeforeBlock, now);
    this.outbound = new OutboundQueue({
      writable: () => (this.state === 'open' && this.wire?.ready ? this.wire : undefined),
      lost: (wire, why) => this.onLost(wire, why),
    });
    this.handshake = new Handshake(owner, {
      peer,
      current: () => this.wire,
      disposed: () => this.dead,
      known: () => this.remote,
      received: () => this.reliable.received(),
      flush: () => this.outbound.flush(),
      lost: (wire, why) => this.onLost(wire, why),
      reject: (channel, reason) => this.reject(channel, reason),
      fail: (wire, error) => {
        if (!this.remote) return this.owner.fail(this, error);
        // This link already authenticated its peer: whoever failed the check on this wire is someone
        // else using that peer's id. Refuse the wire only; the real peer's link (its queued messages,
        // numbering and recovery) is untouched.
        this.owner.warn(this, error);
        this.onLost(wire, 'impostor');
      },
      verified: (wire, result) => this.onVerified(wire, result),
    });
  }

  get identity(): PeerIdentity | undefined {
    const r = this.remote;
    if (!r || this.state !== 'open') return undefined;
    return {
      publicKey: r.key,
      sas: r.sas,
      localFingerprint: r.localFingerprint,
      remoteFingerprint: r.fingerprint,
      pinned: this.owner.pinnedKey(this.peer) === r.key,
    };
  }

  /** Take a new wire; the previous one (if any) is closed without counting as a loss. */
  adopt(wire: Wire): void {
    // The peer re-dialed before I noticed the old connection fail: that connection is lost, so widgets see
    // peer-reconnecting then peer-connected (and protocols on top resume) exactly as when I notice first.
    if (this.wire && this.state === 'open') this.onLost(this.wire, 'replaced');
    const old = this.wire;
    this.wire = wire;
    this.clearWireState();
    if (old && old !== wire) old.close();
    const { conn } = wire;
    conn.on('open', () => this.handshake.start(wire));
    conn.on('data', (data) => this.onData(wire, data));
    conn.on('close', () => this.onLost(wire, 'closed'));
    const pc = wire.pc;
    pc?.addEventListener('iceconnectionstatechange', () => {
      const s = pc.iceConnectionState;
      if (s === 'failed' || s === 'disconnected' || s === 'closed') this.onLost(wire, `ice-${s}`);
    });
    pc?.addEventListener('signalingstatechange', () => this.handshake.signalingChanged(wire));
    pc?.addEventListener('connectionstatechange', () => {
      const s = pc.connectionState;
      if (s === 'failed' || s === 'closed') this.onLost(wire, `connection-${s}`);
    });
    if (wire.bulk) {
      wire.bulk.addEventListener('message', (e) => this.onBulk(wire, e.data));
      wire.bulk.addEventListener('close', () => this.onLost(wire, 'bulk-closed'));
      wire.bulk.addEventListener('bufferedamountlow', this.wakeBulk);
      wire.bulk.addEventListener('open', this.wakeBulk);
    }
    if (conn.open) this.handshake.start(wire);
  }

  /** Queue one user message; see Channel.send for the contract. */
  send(channel: string, json: string, reliable: boolean, level: keyof typeof PRIORITY): void {
    const priority = PRIORITY[level];
    this.lastActive = performance.now();
    const wire = this.wire;
    const limit = wire?.maxMessageSize ?? 262_144;
    // UTF-8 is at most 3 bytes per UTF-16 unit: count exactly only when the message might not fit.
    const size = json.length * 3 + channel.length + 18 <= limit ? 0 : utf8Length(json) + channel.length + 18;
    if (size > limit) {
      throw new DarkswapConnectionError('message-too-large', `A ${size}-byte message exceeds the ${limit} bytes the link to ${this.peer} carries.`);
    }
    // A frame bigger than the peer's whole byte burst could never be sent within its limits.
    const burst = this.outbound.byteBurst;
    if (burst !== undefined && json.length + channel.length + 18 > burst) {
      throw new DarkswapConnectionError(
        'message-too-large',
        `A ${json.length}-character message exceeds the ${burst} characters ${this.peer} accepts at once (its byte burst).`,
      );
    }
    const full = this.owner.roomAcrossLinks(json.length + channel.length + 18);
    if (full) throw new DarkswapConnectionError('send-buffer-full', full);
    if (!reliable) {
      if (this.state !== 'open') throw new DarkswapConnectionError('link-closed', `The link to ${this.peer} is not open.`);
      const frame = encodeFrame(channel, json);
      if (!this.outbound.hasRoomForUnreliable(frame.length)) {
        const q = this.outbound.unreliableQueued;
        throw new DarkswapConnectionError(
          'send-buffer-full',
          `${q.count} fire-and-forget messages (${q.chars} characters) to ${this.peer} are still queued; the peer drains slowly. Try again later.`,
        );
      }
      this.outbound.push(frame, priority);
      return;
    }
    if (!this.everOpened) throw new DarkswapConnectionError('link-closed', `The link to ${this.peer} is not open yet.`);
    if (this.reliable.unackedCount() >= MAX_UNACKED || this.unackedChars() >= MAX_UNACKED_CHARS) {
      throw new DarkswapConnectionError(
        'send-buffer-full',
        `${this.reliable.unackedCount()} messages to ${this.peer} are still waiting for acknowledgement; try again when the link drains.`,
      );
    }
    this.awaitingSince ??= performance.now();
    const item = this.reliable.outbox(channel).push((seq) => encodeFrame(channel, json, seq), priority);
    if (this.state === 'open') this.outbound.push(item.frame, priority);
  }

  /**
   * ICE restart on the open connection (its configuration already changed): new candidates, same DTLS session,
   * same link. See link-ice.ts.
   */
  restartIce(): void {
    const wire = this.wire;
    if (this.state !== 'open' || !wire?.ready) return;
    const iceWire = this.iceWire(wire);
    withIceCode((ice) => ice.restartIce(iceWire)).catch(() => undefined);
  }

  private media: Promise<LinkMediaPath> | undefined;

  /** Media for calls on this link's own connection (link-media.ts, loaded on first use), following its re-dials. */
  mediaPath(): Promise<LinkMediaPath> {
    return (this.media ??= import('./link-media.js').then(({ LinkMediaPath }) => new LinkMediaPath(this.peer, this)));
  }

  /** The open connection and the fingerprint its hello authenticated (link-media.ts). */
  current(): { pc: RTCPeerConnection | undefined; remoteFingerprint: string } | undefined {
    const wire = this.wire;
    return this.state === 'open' && wire?.ready && this.remote ? { pc: wire.pc, remoteFingerprint: this.remote.fingerprint } : undefined;
  }

  /** Adds the call transceivers to the open connection (link-ice.ts `negotiate`). */
  negotiate(): void {
    const wire = this.wire;
    if (this.state !== 'open' || !wire?.ready) return;
    const iceWire = this.iceWire(wire);
    withIceCode((ice) => ice.negotiate(iceWire, 'media')).catch(() => undefined);
  }

  private iceWire(wire: Wire): IceRestartWire {
    const remote = this.remote;
    return {
      pc: wire.pc,
      dialedByMe: wire.dialer === this.owner.localId,
      fingerprints: remote ? { local: remote.localFingerprint, remote: remote.fingerprint } : undefined,
      signal: (frame) => this.owner.signalIce(this.peer, wire.conn.connectionId, frame),
      send: (frame) => this.outbound.push(encodeFrame('_ice', JSON.stringify(frame)), PRIORITY.control),
      settled: () => this.owner.iceSettled(this.peer),
      lost: () => this.owner.pathLost(this.peer),
    };
  }

  /** Tells the peer, through signaling, that this link's path went silent. */
  signalPathLost(): boolean {
    const wire = this.wire;
    return !!wire?.ready && this.owner.signalIce(this.peer, wire.conn.connectionId, { lost: true });
  }

  /** An ICE-restart frame relayed by the signaling server for one of this peer's connections. */
  signaledIce(connectionId: string, frame: IceFrame): void {
    const wire = this.wire;
    if (!wire?.ready || wire.conn.connectionId !== connectionId || this.dead) return;
    this.onIce(wire, frame, true);
  }

  /**
   * A refused frame costs the peer a strike only when it came over the link itself: frames relayed by the
   * signaling server may be the server's (and races happen), so those are only counted.
   */
  private onIce(wire: Wire, frame: IceFrame, relayed = false): void {
    const refuse = () => (relayed ? this.owner.counted(this.peer, '_ice', 'invalid') : this.reject('_ice', 'invalid'));
    const iceWire = this.iceWire(wire);
    withIceCode((ice) => ice.receiveIce(iceWire, frame, relayed)).then(
      (refused) => refused && refuse(),
      () => refuse(),
    );
  }

  /** Something arrived from the peer on the current wire: the path works. */
  private heard(): void {
    this.awaitingSince = this.reliable.unackedCount() > 0 ? performance.now() : undefined;
  }

  /** Send a `_bye` and close; best effort, used for deliberate leaves. */
  sayBye(reason: string): void {
    const dc = this.wire?.dc;
    if (dc?.readyState === 'open') {
      try {
        dc.send(encodeFrame('_bye', JSON.stringify({ reason })));
      } catch {
        /* closing anyway */
      }
    }
  }

  /**
   * Hand one bulk frame to the bulk data channel once the flow window and the buffer watermark
   * have room. Rejects with `link-closed` when the wire goes away first.
   */
  async sendBulk(frame: Uint8Array): Promise<void> {
    for (;;) {
      const wire = this.wire;
      const flow = this.bulkFlow;
      if (this.dead || this.state !== 'open' || !wire?.ready || !wire.bulk || !flow) {
        throw new DarkswapConnectionError('link-closed', `The link to ${this.peer} is not open.`);
      }
      const dc = wire.bulk;
      if (dc.readyState === 'closing' || dc.readyState === 'closed') {
        this.onLost(wire, 'bulk-closed');
        continue;
      }
      if (wire.peerReady && dc.readyState === 'open' && dc.bufferedAmount + frame.byteLength <= BULK_HIGH_WATER && flow.canSend(frame.byteLength)) {
        try {
          dc.send(frame as Uint8Array<ArrayBuffer>);
        } catch (cause) {
          this.onLost(wire, 'send-failed');
          throw new DarkswapConnectionError('link-closed', `The link to ${this.peer} dropped while sending.`, { cause });
        }
        flow.onSent(frame.byteLength, performance.now());
        return;
      }
      await new Promise<void>((resolve) => this.bulkWaiters.add(resolve));
    }
  }

  private readonly wakeBulk = (): void => {
    const waiters = [...this.bulkWaiters];
    this.bulkWaiters.clear();
    for (const wake of waiters) wake();
  };

  /** Stop everything; the service forgets this link. */
  dispose(): void {
    this.dead = true;
    this.clearWireState();
    this.bulkFlow = undefined;
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.redialTimer);
    const wire = this.wire;
    this.wire = undefined;
    if (wire) {
      // Let a queued `_bye` leave before the peer connection is torn down.
      const dc = wire.dc;
      if (dc?.readyState === 'open' && dc.bufferedAmount > 0) setTimeout(() => wire.close(), 100);
      else wire.close();
    }
  }

  /** Messages held for this peer (unacknowledged reliable ones and queued fire-and-forget ones) and their UTF-16 length. */
  held(): { count: number; chars: number } {
    const q = this.outbound.unreliableQueued;
    return { count: this.reliable.unackedCount() + q.count, chars: this.unackedChars() + q.chars };
  }

  private unackedChars(): number {
    let n = 0;
    for (const box of this.reliable.out.values()) n += box.retainedChars;
    return n;
  }

  private clearWireState(): void {
    this.outbound.clear();
    this.nacked.clear();
    this.resent.clear();
    this.bulkFlow = new BulkSender(performance.now());
    this.bulkReceived = 0;
    clearTimeout(this.bulkAckTimer);
    this.bulkAckTimer = undefined;
    this.wakeBulk();
    this.ackDue.clear();
    this.ackCount = 0;
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.handshake.clearTimer();
  }

  /** Abandon a wire that never came up, without reporting it lost (the registry dials again itself). */
  dropWire(wire: Wire): void {
    if (wire !== this.wire || this.dead || wire.ready) return;
    this.wire = undefined;
    this.clearWireState();
    wire.close();
  }

  /** The wire died (or never came up). Idempotent; stale wires are ignored. */
  onLost(wire: Wire, why: string): void {
    if (wire !== this.wire || this.dead) return;
    this.wire = undefined;
    this.clearWireState();
    wire.close();
    this.owner.lost(this, why);
  }

  private onData(wire: Wire, data: unknown): void {
    if (wire !== this.wire || this.dead) return;
    if (!wire.ready && !(typeof data === 'string' && data.startsWith('_hello\n'))) {
      // Early: hold it until the handshake completes (the hello itself may be late or re-sent).
      const chars = typeof data === 'string' ? data.length : data instanceof ArrayBuffer ? data.byteLength : 0;
      if (wire.backlog.length < MAX_BACKLOG && wire.backlogChars + chars <= MAX_BACKLOG_CHARS) {
        wire.backlog.push(data);
        wire.backlogChars += chars;
      } else this.reject(undefined, 'no-handshake');
      return;
    }
    const split = splitFrame(data);
    if (typeof split === 'string') return this.reject(undefined, split);
    if (wire.ready) this.heard();
    const now = performance.now();
    const control = split.channel.startsWith('_');
    const allowed = control
      ? this.inControl.take(now) && this.inBytes.take(now, (data as string).length)
      : this.inMsgs.take(now) && this.inBytes.take(now, (data as string).length);
    if (!allowed) {
      if (!control && split.seq !== undefined && wire.ready) this.consume(split.channel, split.seq);
      return this.reject(split.channel, 'rate-limited');
    }
    if (control) return this.onControl(wire, split.channel, split.payload);
    if (!wire.ready) return this.reject(split.channel, 'no-handshake');
    if (split.seq !== undefined) {
      const verdict = this.consume(split.channel, split.seq);
      if (verdict === 'duplicate') return;
      if (verdict === 'gap') return this.onGap(split.channel);
      if (verdict !== 'deliver') return this.reject(split.channel, 'unknown-channel');
    }
    this.lastActive = performance.now();
    const reason = this.owner.deliver(this.peer, split.channel, split.payload);
    if (reason) this.reject(split.channel, reason);
  }

  /** Advance a reliable inbound stream and schedule its acknowledgement. */
  private consume(channel: string, seq: number): 'deliver' | 'duplicate' | 'gap' | 'full' {
    if (!this.reliable.in.has(channel) && (this.reliable.in.size >= MAX_INBOX_CHANNELS || !this.owner.hasChannel(channel))) {
      // No such channel here: acknowledge (so the sender stops keeping it) without keeping state.
      if (this.ackDue.size < MAX_INBOX_CHANNELS) this.scheduleAck(channel, seq);
      return 'full';
    }
    const inbox = this.reliable.inbox(channel);
    const verdict = inbox.accept(seq);
    if (verdict !== 'gap') this.scheduleAck(channel, inbox.last);
    return verdict;
  }

  /**
   * A reliable frame from the authenticated peer skipped ahead of what I processed: something was
   * lost on the way. Not the peer's fault, so no strike: count it, drop it, and ask the peer to
   * resend from where this stream stands (at most once per NACK_INTERVAL_MS while it does not move).
   */
  private onGap(channel: string): void {
    this.owner.counted(this.peer, channel, 'out-of-order');
    const from = this.reliable.inbox(channel).last;
    const now = performance.now();
    const last = this.nacked.get(channel);
    if (last && last.from === from && now - last.at < NACK_INTERVAL_MS) return;
    if (!last && this.nacked.size >= MAX_INBOX_CHANNELS) return;
    this.nacked.set(channel, { from, at: now });
    this.outbound.push(encodeFrame('_nack', JSON.stringify({ [channel]: from })), PRIORITY.control);
  }

  private scheduleAck(channel: string, seq: number): void {
    this.ackDue.set(channel, seq);
    if (++this.ackCount >= ACK_EVERY) this.sendAcks();
    else this.ackTimer ??= setTimeout(this.sendAcks, ACK_DELAY_MS);
  }

  private readonly sendAcks = (): void => {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.ackCount = 0;
    if (!this.ackDue.size || !this.wire?.ready) return;
    const acks = Object.fromEntries(this.ackDue);
    this.ackDue.clear();
    this.outbound.push(encodeFrame('_ack', JSON.stringify(acks)), PRIORITY.control);
  };

  private onControl(wire: Wire, name: string, payload: string): void {
    if (payload.length > MAX_CONTROL_BYTES) return this.reject(name, 'too-large');
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return this.reject(name, 'bad-json');
    }
    if (name === '_hello') {
      const hello = v.safeParse(HelloSchema, json);
      if (!hello.success) return this.reject(name, 'invalid');
      return this.handshake.receive(wire, hello.output);
    }
    if (!wire.ready) return this.reject(name, 'no-handshake');
    if (name === '_ack') {
      const acks = v.safeParse(AckSchema, json);
      if (!acks.success) return this.reject(name, 'invalid');
      for (const [channel, seq] of Object.entries(acks.output)) {
        const box = this.reliable.out.get(channel);
        if (!box || seq >= box.nextSeq) return this.reject(name, 'invalid');
        box.ack(seq);
      }
      if (this.reliable.unackedCount() === 0) this.awaitingSince = undefined;
      return;
    }
    if (name === '_ready') {
      if (!v.is(ReadySchema, json)) return this.reject(name, 'invalid');
      wire.peerReady = true;
      this.outbound.flush();
      this.wakeBulk();
      return;
    }
    if (name === '_nack') {
      const nack = v.safeParse(NackSchema, json);
      if (!nack.success) return this.reject(name, 'invalid');
      const now = performance.now();
      for (const [channel, from] of Object.entries(nack.output)) {
        const box = this.reliable.out.get(channel);
        if (!box || from >= box.nextSeq) return this.reject(name, 'invalid');
        box.ack(from);
        const last = this.resent.get(channel);
        if (last && last.from === from && now - last.at < NACK_INTERVAL_MS) continue;
        this.resent.set(channel, { from, at: now });
        this.outbound.requeue(channel, box.pending());
      }
      return;
    }
    if (name === '_back') {
      const ack = v.safeParse(BulkAckSchema, json);
      if (!ack.success || !this.bulkFlow?.onAck(ack.output.b, performance.now())) return this.reject(name, 'invalid');
      this.wakeBulk();
      return;
    }
    if (name === '_bye') {
      const bye = v.safeParse(ByeSchema, json);
      return this.owner.left(this, bye.success ? (bye.output.reason ?? 'left') : 'left');
    }
    if (name === '_ice') {
      const frame = v.safeParse(IceFrameSchema, json);
      if (!frame.success) return this.reject(name, 'invalid');
      return this.onIce(wire, frame.output);
    }
    this.reject(name, 'unknown-channel');
  }

  /** The handshake authenticated the wire: take it into use, resume reliable streams, replay what came early. */
  private onVerified(wire: Wire, { hello, local, remote, sas, known }: VerifiedHello): void {
    const restarted = !!known && known.session !== hello.session;
    // An unpinned peer may come back as someone else: say so plainly (a pinned one is refused before this).
    const keyChanged = restarted && known.key !== hello.key ? { from: known.key, to: hello.key } : undefined;
    // The peer kept its session but dropped its state for this link (it gave up on it, or blocked me and the
    // block ran out) while I kept mine: both directions number from 1 again; my unacknowledged messages are
    // renumbered and resent, not lost.
    const forgotten = !!known && !restarted && hello.known !== this.owner.session;
    let dropped = 0;
    if (restarted) {
      dropped = this.reliable.unackedCount();
      this.reliable = new ReliableState();
    } else if (forgotten) {
      this.reliable = this.reliable.renumbered();
    }
    this.remote = { session: hello.session, key: hello.key, fingerprint: remote, localFingerprint: local, sas };
    this.outbound.pace(hello);
    wire.ready = true;
    // The peer's receive counts are about my numbering only if both of us kept this link's state; a fresh
    // link of mine (no `known`) starts from 1 and the peer, seeing my hello without its session, renumbers.
    const resend = this.reliable.resume(known && !restarted && !forgotten ? hello.recv : {});
    const previous = this.state;
    this.state = 'open';
    this.everOpened = true;
    this.attempts = 0;
    // Whatever was queued for this wire before the handshake is either unreliable (dropped) or in `resend`.
    this.outbound.restart(resend);
    // Tell the peer its hello checked out: it sends data on this wire only after this.
    this.outbound.push(encodeFrame('_ready', '{}'), PRIORITY.control);
    this.owner.opened(this, { previous, restarted, dropped, resent: resend.length, ...(keyChanged ? { keyChanged } : {}) });
    this.outbound.flush();
    const backlog = wire.backlog;
    const bulkBacklog = wire.bulkBacklog;
    wire.backlog = [];
    wire.backlogChars = 0;
    wire.bulkBacklog = [];
    for (const data of backlog) this.onData(wire, data);
    for (const data of bulkBacklog) this.onBulk(wire, data);
  }

  private onBulk(wire: Wire, data: unknown): void {
    if (wire !== this.wire || this.dead) return;
    if (!wire.ready) {
      if (data instanceof ArrayBuffer && wire.bulkBacklog.length < MAX_BULK_BACKLOG) wire.bulkBacklog.push(data);
      else this.reject(undefined, 'no-handshake');
      return;
    }
    this.heard();
    if (data instanceof ArrayBuffer) {
      // Acknowledge every byte taken off the wire (valid or not): the sender's window counts them all.
      this.bulkReceived += data.byteLength;
      this.bulkAckTimer ??= setTimeout(this.sendBulkAck, BULK_ACK_DELAY_MS);
    }
    if (!this.inBulk.take(performance.now())) return this.reject(undefined, 'rate-limited');
    const frame = decodeBulkFrame(data);
    if (typeof frame === 'string') return this.reject(undefined, frame);
    const reason = this.owner.deliverBulk(this.peer, frame);
    if (reason) this.reject(frame.channel, reason);
  }

  private readonly sendBulkAck = (): void => {
    this.bulkAckTimer = undefined;
    if (!this.wire?.ready) return;
    this.outbound.push(encodeFrame('_back', JSON.stringify({ b: this.bulkReceived })), PRIORITY.control);
  };

  private reject(channel: string | undefined, reason: RejectReason): void {
    this.owner.counted(this.peer, channel, reason);
    if (!this.dead && !this.strikes.take(performance.now())) this.owner.block(this, reason);
  }
}
