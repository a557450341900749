/**
 * A token bucket: `capacity` tokens, refilled continuously at `perSecond`. Pure; the clock is
 * passed in so tests and pacing agree on time.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly perSecond: number,
    readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
    }
  }

  /** Take `cost` tokens if there are enough; false (and nothing taken) otherwise. */
  take(now: number, cost = 1): boolean {
    this.refill(now);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Milliseconds until `cost` tokens are available (0 if they are now). Costs above capacity never fit. */
  waitMs(now: number, cost = 1): number {
    this.refill(now);
    if (cost > this.capacity) return Infinity;
    return this.tokens >= cost ? 0 : Math.ceil(((cost - this.tokens) / this.perSecond) * 1000);
  }

  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }
}

/** Per-peer abuse limits for inbound traffic on the message (non-bulk) data channel. */
export interface LinkLimits {
  /** Steady inbound message rate per peer (default 100/s). */
  messagesPerSecond: number;
  /** Messages a peer may send in a burst above the steady rate (default 500). */
  messageBurst: number;
  /** Steady inbound bytes per second per peer on message channels (default 1 MiB/s). */
  bytesPerSecond: number;
  /** Byte burst (default 4 MiB). */
  byteBurst: number;
  /** Steady inbound bulk frames per second per peer (default 2,000/s, burst 4,000). */
  bulkFramesPerSecond: number;
  /** Rejected messages (any reason) tolerated in a burst before the peer is blocked (default 200; they drain at 10/s). */
  strikesBeforeBlock: number;
  /** How long a blocked peer stays blocked (default 10 minutes). */
  blockMs: number;
}

export const DEFAULT_LIMITS: Readonly<LinkLimits> = Object.freeze({
  messagesPerSecond: 100,
  messageBurst: 500,
  bytesPerSecond: 1_048_576,
  byteBurst: 4_194_304,
  bulkFramesPerSecond: 2_000,
  strikesBeforeBlock: 200,
  blockMs: 600_000,
});

/** Strikes drain at this rate, so an honest peer with a rare bad message is never blocked. */
export const STRIKE_DRAIN_PER_SECOND = 10;

/** The share of a receiver's advertised rate our own sender uses, so clock drift never trips it. */
export const PACING_MARGIN = 0.9;
