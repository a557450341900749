/**
 * The chat engine's bookkeeping per peer and for the whole engine: who speaks chat, rate buckets, what I asked
 * for, what I last told each peer, reject counts, bounded seen-sets, and the gossip outbox that packs items
 * into as few channel messages as possible.
 */
import { TokenBucket } from '../../core/rate-limit.js';
import { RATES, type ChatRejectReason, type ItemWire } from './chat.protocol.js';

/** A set that forgets its oldest entries beyond `max`. */
export class BoundedSet<T> {
  private readonly set = new Set<T>();
  constructor(private readonly max: number) {}

  add(value: T): void {
    this.set.delete(value);
    this.set.add(value);
    if (this.set.size > this.max) this.set.delete(this.set.values().next().value as T);
  }

  has(value: T): boolean {
    return this.set.has(value);
  }

  delete(value: T): boolean {
    return this.set.delete(value);
  }

  get size(): number {
    return this.set.size;
  }

  clear(): void {
    this.set.clear();
  }
}

export interface RejectCounts {
  total: number;
  byReason: Partial<Record<ChatRejectReason, number>>;
}

export function countReject(counts: RejectCounts, reason: ChatRejectReason): void {
  counts.total++;
  counts.byReason[reason] = (counts.byReason[reason] ?? 0) + 1;
}

/** What the engine keeps about one linked peer that said hello on the chat channel. */
export class ChatPeer {
  /** Its identity key on the link (from the service). */
  key: string | undefined;
  /** Items it may push (answers to my `get`s do not count). */
  readonly items: TokenBucket;
  /** Items I send in answer to its `get`s. */
  readonly serve: TokenBucket;
  /** Short ids I asked it for. */
  readonly requested = new BoundedSet<string>(50_000);
  /** Groups whose ops I asked it for. */
  readonly requestedOps = new BoundedSet<string>(64);
  /** Per group, the `o:r` hashes I last sent it in a `sum`. */
  readonly sentSums = new Map<string, string>();
  readonly rejects: RejectCounts = { total: 0, byReason: {} };

  constructor(
    readonly peer: string,
    now: number,
  ) {
    this.items = new TokenBucket(RATES.peerItemsPerSecond, RATES.peerItemBurst, now);
    this.serve = new TokenBucket(RATES.servePerSecond, RATES.serveBurst, now);
  }
}

/** Per-author buckets for new messages, keyed by public key (bounded: the oldest are forgotten). */
export class AuthorRates {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(private readonly max = 4_096) {}

  take(key: string, now: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.max) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = new TokenBucket(RATES.authorPerSecond, RATES.authorBurst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }
}

/**
 * Gossip waits a few milliseconds so that items made or received close together travel in one channel message
 * per peer (the service counts messages per second per peer; a burst of single items would hit that limit).
 */
export class Outbox {
  private readonly queued = new Map<string, { peer: string; hop: number; wires: ItemWire[] }>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (peer: string, hop: number, wires: ItemWire[]) => void,
    private readonly delayMs = 15,
  ) {}

  push(peer: string, hop: number, wire: ItemWire): void {
    const key = `${hop} ${peer}`;
    let entry = this.queued.get(key);
    if (!entry) this.queued.set(key, (entry = { peer, hop, wires: [] }));
    entry.wires.push(wire);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Forget what is queued for a peer (its link is gone). */
  forget(peer: string): void {
    for (const [key, entry] of this.queued) if (entry.peer === peer) this.queued.delete(key);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const entries = [...this.queued.values()];
    this.queued.clear();
    for (const e of entries) this.send(e.peer, e.hop, e.wires);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queued.clear();
  }
}
