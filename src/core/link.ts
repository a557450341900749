import type { DataConnection } from 'peerjs';
import * as v from 'valibot';
import { BULK_HIGH_WATER, BULK_LOW_WATER, BULK_STREAM_ID, decodeBulkFrame, type BulkFrame } from './bulk.js';
import { BulkSender } from './bulk-flow.js';
import { AckSchema, BulkAckSchema, buildHello, ByeSchema, HelloSchema, MAX_CONTROL_BYTES, verifyHello, type Hello } from './control.js';
import { DarkswapConnectionError } from './errors.js';
import { encodeFrame, splitFrame, utf8Length, type RejectReason } from './frame.js';
import { dtlsFingerprint, shortAuthString, type Identity } from './identity.js';
import { PACING_MARGIN, STRIKE_DRAIN_PER_SECOND, TokenBucket, type LinkLimits } from './rate-limit.js';
import { ReliableState } from './reliable.js';

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

export interface LinkOwner {
  readonly localId: string;
  readonly session: string;
  readonly identity: Identity;
  readonly limits: LinkLimits;
  readonly handshakeTimeoutMs: number;
  pinnedKey(peer: string): string | undefined;
  hasChannel(name: string): boolean;
  deliver(peer: string, channel: string, payload: string): RejectReason | undefined;
  deliverBulk(peer: string, frame: BulkFrame): RejectReason | undefined;
  counted(peer: string, channel: string | undefined, reason: RejectReason): void;
  opened(link: Link, info: { previous: LinkState; restarted: boolean; dropped: number; resent: number }): void;
  /** The wire died; the link may recover. */
  lost(link: Link, why: string): void;
  /** Fatal for this link: identity mismatch, or a first connection that never opened. */
  fail(link: Link, error: DarkswapConnectionError): void;
  left(link: Link, reason: string): void;
  block(link: Link, reason: RejectReason): void;
}

/** Queue levels: 0 control, 1 high, 2 normal, 3 low. */
export const PRIORITY = { control: 0, high: 1, normal: 2, low: 3 } as const;
/** Stop writing to the message data channel above this many buffered bytes. */
export const MESSAGE_HIGH_WATER = 1024 * 1024;
const MESSAGE_LOW_WATER = 256 * 1024;
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
const HELLO_RETRY_MS = 100;
const MAX_BULK_BACKLOG = 32;
const ACK_EVERY = 32;

/** One PeerJS DataConnection (plus its negotiated bulk data channel) carrying a link. */
export class Wire {
  ready = false;
  closed = false;
  helloSeen = false;
  /** Resolves true once my hello is on the wire (false if it could not be sent). */
  helloSent: Promise<boolean> | undefined;
  /** My hello, signed ahead of time once both SDP descriptions are known. */
  helloPrepared: Promise<Hello> | undefined;
  /** Frames that arrive before the handshake completes (early, or while verifying), replayed after. */
  backlog: unknown[] = [];
  backlogChars = 0;
  /** Re-sends my hello until the other side's arrives (a first message can be lost at open). */
  helloRetry: ReturnType<typeof setInterval> | undefined;
  /** Bulk frames that arrive before the handshake completes (a few at most), replayed after. */
  bulkBacklog: ArrayBuffer[] = [];
  readonly bulk: RTCDataChannel | undefined;

  constructor(
    readonly conn: DataConnection,
    readonly dialer: string,
  ) {
    let bulk: RTCDataChannel | undefined;
    try {
      bulk = conn.peerConnection?.createDataChannel('darkswap-bulk', {
        negotiated: true,
        id: BULK_STREAM_ID,
        ordered: true,
        priority: 'very-low',
      } as RTCDataChannelInit);
      if (bulk) {
        bulk.binaryType = 'arraybuffer';
        bulk.bufferedAmountLowThreshold = BULK_LOW_WATER;
      }
    } catch {
      bulk = undefined;
    }
    this.bulk = bulk;
  }

  get dc(): RTCDataChannel | undefined {
    return this.conn.dataChannel;
  }

  get pc(): RTCPeerConnection | undefined {
    return this.conn.peerConnection;
  }

  /** The link's SCTP max message size (both ends' minimum), capped at 256 KiB. */
  get maxMessageSize(): number {
    const size = this.pc?.sctp?.maxMessageSize ?? 262_144;
    return Math.min(size > 0 ? size : 262_144, 262_144);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.helloRetry);
    this.backlog = [];
    this.bulkBacklog = [];
    try {
      this.bulk?.close();
    } catch {
      /* already closed */
    }
    this.conn.close();
  }
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

  private readonly queues: string[][] = [[], [], [], []];
  private pacing: { limits: string; msgs: TokenBucket; bytes: TokenBucket } | undefined;
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
  private ackCount = 0;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
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
    conn.on('open', () => this.onOpen(wire));
    conn.on('data', (data) => this.onData(wire, data));
    conn.on('close', () => this.onLost(wire, 'closed'));
    const pc = wire.pc;
    pc?.addEventListener('iceconnectionstatechange', () => {
      const s = pc.iceConnectionState;
      if (s === 'failed' || s === 'disconnected' || s === 'closed') this.onLost(wire, `ice-${s}`);
    });
    pc?.addEventListener('signalingstatechange', () => this.onSignalingState(wire));
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
    if (conn.open) this.onOpen(wire);
  }

  /** Queue one user message; see Channel.send for the contract. */
  send(channel: string, json: string, reliable: boolean, priority: number): void {
    const wire = this.wire;
    const limit = wire?.maxMessageSize ?? 262_144;
    // UTF-8 is at most 3 bytes per UTF-16 unit: count exactly only when the message might not fit.
    const size = json.length * 3 + channel.length + 18 <= limit ? 0 : utf8Length(json) + channel.length + 18;
    if (size > limit) {
      throw new DarkswapConnectionError('message-too-large', `A ${size}-byte message exceeds the ${limit} bytes the link to ${this.peer} carries.`);
    }
    // A frame bigger than the peer's whole byte burst could never be sent within its limits.
    const burst = this.pacing?.bytes.capacity;
    if (burst !== undefined && json.length + channel.length + 18 > burst) {
      throw new DarkswapConnectionError(
        'message-too-large',
        `A ${json.length}-character message exceeds the ${burst} characters ${this.peer} accepts at once (its byte burst).`,
      );
    }
    if (!reliable) {
      if (this.state !== 'open') throw new DarkswapConnectionError('link-closed', `The link to ${this.peer} is not open.`);
      this.enqueue(encodeFrame(channel, json), priority);
      return;
    }
    if (!this.everOpened) throw new DarkswapConnectionError('link-closed', `The link to ${this.peer} is not open yet.`);
    if (this.reliable.unackedCount() >= MAX_UNACKED || this.unackedChars() >= MAX_UNACKED_CHARS) {
      throw new DarkswapConnectionError(
        'send-buffer-full',
        `${this.reliable.unackedCount()} messages to ${this.peer} are still waiting for acknowledgement; try again when the link drains.`,
      );
    }
    const item = this.reliable.outbox(channel).push((seq) => encodeFrame(channel, json, seq), priority);
    if (this.state === 'open') this.enqueue(item.frame, priority);
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
      if (dc.readyState === 'open' && dc.bufferedAmount + frame.byteLength <= BULK_HIGH_WATER && flow.canSend(frame.byteLength)) {
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

  private unackedChars(): number {
    let n = 0;
    for (const box of this.reliable.out.values()) n += box.retainedChars;
    return n;
  }

  private clearWireState(): void {
    for (const q of this.queues) q.length = 0;
    this.bulkFlow = new BulkSender(performance.now());
    this.bulkReceived = 0;
    clearTimeout(this.bulkAckTimer);
    this.bulkAckTimer = undefined;
    this.wakeBulk();
    this.ackDue.clear();
    this.ackCount = 0;
    clearTimeout(this.ackTimer);
    clearTimeout(this.flushTimer);
    clearTimeout(this.helloTimer);
    this.ackTimer = this.flushTimer = this.helloTimer = undefined;
  }

  private onOpen(wire: Wire): void {
    if (wire !== this.wire || wire.closed || wire.helloSent || this.dead) return;
    const dc = wire.dc;
    const pc = wire.pc;
    const local = dtlsFingerprint(pc?.currentLocalDescription?.sdp ?? pc?.localDescription?.sdp);
    const remote = dtlsFingerprint(pc?.currentRemoteDescription?.sdp ?? pc?.remoteDescription?.sdp);
    if (!dc || !local || !remote) {
      // Seen once in ~20 bench runs, not reproduced in 150 looped connects: say what was missing.
      const state = pc ? `${pc.signalingState}/${pc.connectionState}` : 'no peer connection';
      this.onLost(wire, `no-fingerprint: ${state}, channel ${dc?.readyState ?? 'none'}, local ${local ? 'ok' : 'none'}, remote ${remote ? 'ok' : 'none'}`);
      return;
    }
    dc.bufferedAmountLowThreshold = MESSAGE_LOW_WATER;
    dc.addEventListener('bufferedamountlow', () => this.flush());
    this.helloTimer = setTimeout(() => {
      if (wire !== this.wire || wire.ready) return;
      const early = wire.backlog.length + wire.bulkBacklog.length;
      for (let i = 0; i < early; i++) this.reject(undefined, 'no-handshake');
      this.onLost(wire, 'handshake-timeout');
    }, this.owner.handshakeTimeoutMs);
    wire.helloSent = this.sendHello(wire, local, remote, false);
    wire.helloRetry = setInterval(() => {
      if (wire !== this.wire || wire.closed || wire.helloSeen || this.dead) return clearInterval(wire.helloRetry);
      void this.sendHello(wire, local, remote, false);
    }, HELLO_RETRY_MS);
  }

  /** Send my (signed ahead) hello; `seen` tells the other side I already have its hello. */
  private sendHello(wire: Wire, local: string, remote: string, seen: boolean): Promise<boolean> {
    return this.prepareHello(wire, local, remote).then(
      (hello) => {
        if (wire !== this.wire || wire.closed || this.dead) return false;
        try {
          wire.dc!.send(encodeFrame('_hello', JSON.stringify({ ...hello, seen })));
          return true;
        } catch {
          this.onLost(wire, 'send-failed');
          return false;
        }
      },
      () => {
        this.onLost(wire, 'signing-failed');
        return false;
      },
    );
  }

  private resendHello(wire: Wire, hello: Hello): void {
    if (wire !== this.wire || wire.closed || this.dead) return;
    try {
      wire.dc?.send(encodeFrame('_hello', JSON.stringify({ ...hello, seen: true })));
    } catch {
      this.onLost(wire, 'send-failed');
    }
  }

  /**
   * Sign my hello as soon as both descriptions are set — while ICE, DTLS and SCTP are still
   * coming up — so opening the channel does not wait for the signature. A `recv` map that is
   * stale by then only makes the other side resend a few messages I drop as duplicates.
   */
  private prepareHello(wire: Wire, local: string, remote: string): Promise<Hello> {
    wire.helloPrepared ??= buildHello({
      identity: this.owner.identity,
      session: this.owner.session,
      known: this.remote?.session ?? null,
      localFingerprint: local,
      remoteFingerprint: remote,
      recv: this.reliable.received(),
      limits: this.owner.limits,
    });
    return wire.helloPrepared;
  }

  private readonly onSignalingState = (wire: Wire): void => {
    const pc = wire.pc;
    if (wire !== this.wire || wire.helloPrepared || pc?.signalingState !== 'stable') return;
    const local = dtlsFingerprint(pc.currentLocalDescription?.sdp);
    const remote = dtlsFingerprint(pc.currentRemoteDescription?.sdp);
    if (local && remote) void this.prepareHello(wire, local, remote).catch(() => undefined);
  };

  /** The wire died (or never came up). Idempotent; stale wires are ignored. */
  onLost(wire: Wire, why: string): void {
    if (wire !== this.wire || this.dead) return;
    this.wire = undefined;
    this.clearWireState();
    wire.close();
    this.owner.lost(this, why);
  }

  private enqueue(frame: string, priority: number): void {
    this.queues[priority].push(frame);
    this.flush();
  }

  /** Write queued frames, highest priority first, within the peer's limits and the buffer watermark. */
  private flush = (): void => {
    const wire = this.wire;
    if (!wire?.ready || this.state !== 'open' || this.flushTimer !== undefined) return;
    const dc = wire.dc;
    if (!dc || dc.readyState !== 'open') {
      if (dc && (dc.readyState === 'closed' || dc.readyState === 'closing')) this.onLost(wire, 'closed');
      return;
    }
    const pacing = this.pacing!;
    for (const [level, queue] of this.queues.entries()) {
      while (queue.length) {
        if (dc.bufferedAmount > MESSAGE_HIGH_WATER) return;
        const frame = queue[0];
        // Acknowledgements are not paced: the peer budgets them separately.
        if (level !== PRIORITY.control) {
          const now = performance.now();
          const wait = Math.max(pacing.msgs.waitMs(now), pacing.bytes.waitMs(now, frame.length));
          if (wait === Infinity) {
            queue.shift(); // bigger than the peer's whole byte burst: it would be refused anyway
            continue;
          }
          if (wait > 0) {
            this.flushTimer = setTimeout(() => {
              this.flushTimer = undefined;
              this.flush();
            }, wait);
            return;
          }
          pacing.msgs.take(now);
          pacing.bytes.take(now, frame.length);
        }
        try {
          dc.send(frame);
        } catch {
          this.onLost(wire, 'send-failed');
          return;
        }
        queue.shift();
      }
    }
  };

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
      if (verdict !== 'deliver') return this.reject(split.channel, verdict === 'gap' ? 'out-of-order' : 'unknown-channel');
    }
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
    this.enqueue(encodeFrame('_ack', JSON.stringify(acks)), PRIORITY.control);
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
      if (wire.helloSeen) {
        // A repeat: the other side has not got mine yet. Answer with mine, marked as having seen theirs.
        if (!hello.output.seen && wire.helloPrepared) void wire.helloPrepared.then((h) => this.resendHello(wire, h));
        return;
      }
      wire.helloSeen = true;
      clearInterval(wire.helloRetry);
      void this.onHello(wire, hello.output);
      return;
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
    this.reject(name, 'unknown-channel');
  }

  private async onHello(wire: Wire, hello: Hello): Promise<void> {
    const pc = wire.pc;
    const local = dtlsFingerprint(pc?.currentLocalDescription?.sdp ?? pc?.localDescription?.sdp);
    const remote = dtlsFingerprint(pc?.currentRemoteDescription?.sdp ?? pc?.remoteDescription?.sdp);
    const stale = () => wire !== this.wire || wire.closed || this.dead;
    const mismatch = (why: string) => {
      if (stale()) return;
      this.owner.fail(this, new DarkswapConnectionError('identity-mismatch', `Peer ${this.peer} failed authentication: ${why}.`));
    };
    const sasPromise =
      local && remote
        ? shortAuthString({ publicKey: this.owner.identity.publicKey, fingerprint: local }, { publicKey: hello.key, fingerprint: remote })
        : Promise.resolve('');
    const proofOk = !!local && !!remote && (await verifyHello(hello, local, remote));
    if (stale()) return;
    if (!proofOk || !local || !remote) {
      return mismatch("its signature does not cover this connection's DTLS fingerprints (a man in the middle, or a tampered handshake)");
    }
    const pinned = this.owner.pinnedKey(this.peer);
    if (pinned && pinned !== hello.key) return mismatch(`its key ${hello.key.slice(0, 16)}… is not the pinned ${pinned.slice(0, 16)}…`);
    const known = this.remote;
    if (known && known.session === hello.session && known.key !== hello.key) {
      return mismatch('the same session came back with a different identity key');
    }
    // The other side's hello can be processed before PeerJS told me the channel is open.
    if (!wire.helloSent) this.onOpen(wire);
    const sas = await sasPromise;
    // My own hello must be out before anything else I send on this wire.
    const sent = await (wire.helloSent ?? Promise.resolve(false));
    if (stale() || !sent) return;
    const restarted = !!known && known.session !== hello.session;
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
    // Pacing outlives a wire: the peer's inbound buckets are per link, not per connection, so starting
    // again with full buckets after a re-dial would overrun them. New only for a new peer session or new limits.
    const limits = `${hello.session} ${hello.limits.mps} ${hello.limits.burst} ${hello.limits.bps} ${hello.limits.bburst}`;
    if (!this.pacing || this.pacing.limits !== limits) {
      const now = performance.now();
      this.pacing = {
        limits,
        msgs: new TokenBucket(hello.limits.mps * PACING_MARGIN, Math.max(1, Math.floor(hello.limits.burst * PACING_MARGIN)), now),
        bytes: new TokenBucket(hello.limits.bps * PACING_MARGIN, Math.max(1, Math.floor(hello.limits.bburst * PACING_MARGIN)), now),
      };
    }
    clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
    wire.ready = true;
    // The peer's receive counts are about my numbering only if both of us kept this link's state; a fresh
    // link of mine (no `known`) starts from 1 and the peer, seeing my hello without its session, renumbers.
    const resend = this.reliable.resume(known && !restarted && !forgotten ? hello.recv : {});
    const previous = this.state;
    this.state = 'open';
    this.everOpened = true;
    this.attempts = 0;
    // Whatever was queued for this wire before the handshake is either unreliable (dropped) or in `resend`.
    for (const q of this.queues) q.length = 0;
    for (const item of resend) this.queues[item.priority].push(item.frame);
    this.owner.opened(this, { previous, restarted, dropped, resent: resend.length });
    this.flush();
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
    this.enqueue(encodeFrame('_back', JSON.stringify({ b: this.bulkReceived })), PRIORITY.control);
  };

  private reject(channel: string | undefined, reason: RejectReason): void {
    this.owner.counted(this.peer, channel, reason);
    if (!this.dead && !this.strikes.take(performance.now())) this.owner.block(this, reason);
  }
}
