import type { Hello } from './control.js';
import { PACING_MARGIN, TokenBucket } from './rate-limit.js';
import type { Unacked } from './reliable.js';
import type { Wire } from './wire.js';

/** Queue levels: 0 control, 1 high, 2 normal, 3 low. */
export const PRIORITY = { control: 0, high: 1, normal: 2, low: 3 } as const;
/** Stop writing to the message data channel above this many buffered bytes. */
export const MESSAGE_HIGH_WATER = 1024 * 1024;
/** Start writing again (`bufferedamountlow`) below this many. */
export const MESSAGE_LOW_WATER = 256 * 1024;

/** Fire-and-forget frames queued for one peer, at most (more are refused with `send-buffer-full`). */
export const MAX_UNRELIABLE_QUEUED = 1_000;
/** UTF-16 units of fire-and-forget frames queued for one peer, at most. */
export const MAX_UNRELIABLE_CHARS = 4 * 1024 * 1024;

/** A data frame without a sequence number (`<channel>\n…`, not `<channel> <seq>\n…`). */
const isUnreliable = (frame: string): boolean => frame.lastIndexOf(' ', frame.indexOf('\n')) === -1;

/** What the outbound queue needs from its link. */
export interface OutboundLink {
  /** The wire to write on: the link's current one while the link is open and that wire's handshake is done. */
  writable(): Wire | undefined;
  /** The wire died while writing. */
  lost(wire: Wire, why: string): void;
}

/**
 * One link's outbound message frames: priority queues, written highest priority first, paced to
 * the peer's advertised inbound limits and held above the data channel's buffer watermark.
 */
export class OutboundQueue {
  private readonly queues: string[][] = [[], [], [], []];
  private pacing: { limits: string; msgs: TokenBucket; bytes: TokenBucket } | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private unreliableCount = 0;
  private unreliableChars = 0;

  constructor(private readonly link: OutboundLink) {}

  /** Fire-and-forget frames waiting, and their UTF-16 length. */
  get unreliableQueued(): { count: number; chars: number } {
    return { count: this.unreliableCount, chars: this.unreliableChars };
  }

  /** Whether one more fire-and-forget frame of `chars` fits under the caps. */
  hasRoomForUnreliable(chars: number): boolean {
    return this.unreliableCount < MAX_UNRELIABLE_QUEUED && this.unreliableChars + chars <= MAX_UNRELIABLE_CHARS;
  }

  /** The most characters the peer accepts at once (its byte burst), once its hello said so. */
  get byteBurst(): number | undefined {
    return this.pacing?.bytes.capacity;
  }

  push(frame: string, priority: number): void {
    this.queues[priority].push(frame);
    if (priority !== PRIORITY.control && isUnreliable(frame)) {
      this.unreliableCount++;
      this.unreliableChars += frame.length;
    }
    this.flush();
  }

  /** A queued frame left the queue (sent or dropped). */
  private taken(level: number, frame: string): void {
    if (level !== PRIORITY.control && isUnreliable(frame)) {
      this.unreliableCount--;
      this.unreliableChars -= frame.length;
    }
  }

  /** Drop everything queued (for a wire that went away) and any pending paced write. */
  clear(): void {
    for (const q of this.queues) q.length = 0;
    this.unreliableCount = 0;
    this.unreliableChars = 0;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /**
   * A new wire finished its handshake: whatever was queued for it before is either unreliable
   * (dropped) or among the reliable messages to resend, which are queued instead.
   */
  restart(resend: readonly Unacked[]): void {
    for (const q of this.queues) q.length = 0;
    this.unreliableCount = 0;
    this.unreliableChars = 0;
    for (const item of resend) this.queues[item.priority].push(item.frame);
  }

  /**
   * Resend a reliable channel's unacknowledged frames (the peer saw a gap): drop that channel's
   * frames still queued, then queue `items` (oldest first) at their priorities.
   */
  requeue(channel: string, items: readonly Unacked[]): void {
    const prefix = `${channel} `;
    for (const [level, q] of this.queues.entries()) {
      if (level === PRIORITY.control) continue;
      const kept = q.filter((frame) => !frame.startsWith(prefix));
      q.length = 0;
      q.push(...kept);
    }
    for (const item of items) this.queues[item.priority].push(item.frame);
    this.flush();
  }

  /**
   * Pace to the limits in the peer's hello. Pacing outlives a wire: the peer's inbound buckets are
   * per link, not per connection, so starting again with full buckets after a re-dial would overrun
   * them. New only for a new peer session or new limits.
   */
  pace(hello: Hello): void {
    const limits = `${hello.session} ${hello.limits.mps} ${hello.limits.burst} ${hello.limits.bps} ${hello.limits.bburst}`;
    if (!this.pacing || this.pacing.limits !== limits) {
      const now = performance.now();
      this.pacing = {
        limits,
        msgs: new TokenBucket(hello.limits.mps * PACING_MARGIN, Math.max(1, Math.floor(hello.limits.burst * PACING_MARGIN)), now),
        bytes: new TokenBucket(hello.limits.bps * PACING_MARGIN, Math.max(1, Math.floor(hello.limits.bburst * PACING_MARGIN)), now),
      };
    }
  }

  /** Write queued frames, highest priority first, within the peer's limits and the buffer watermark. */
  readonly flush = (): void => {
    const wire = this.link.writable();
    if (!wire || this.flushTimer !== undefined) return;
    const dc = wire.dc;
    if (!dc || dc.readyState !== 'open') {
      if (dc && (dc.readyState === 'closed' || dc.readyState === 'closing')) this.link.lost(wire, 'closed');
      return;
    }
    const pacing = this.pacing!;
    for (const [level, queue] of this.queues.entries()) {
      // Data waits until the peer confirmed my hello on this wire (control frames go at once).
      if (level !== PRIORITY.control && !wire.peerReady) return;
      while (queue.length) {
        if (dc.bufferedAmount > MESSAGE_HIGH_WATER) return;
        const frame = queue[0];
        // Acknowledgements are not paced: the peer budgets them separately.
        if (level !== PRIORITY.control) {
          const now = performance.now();
          const wait = Math.max(pacing.msgs.waitMs(now), pacing.bytes.waitMs(now, frame.length));
          if (wait === Infinity) {
            this.taken(level, queue.shift()!); // bigger than the peer's whole byte burst: it would be refused anyway
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
          this.link.lost(wire, 'send-failed');
          return;
        }
        this.taken(level, queue.shift()!);
      }
    }
  };
}
