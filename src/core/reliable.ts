/**
 * Per-channel, per-peer sequencing for reliable channels: the sender numbers each message,
 * keeps it until the receiver acknowledges it, and resends what is unacknowledged when a link is
 * re-established; the receiver delivers each number once, in order. Pure; no timers, no I/O.
 */

export interface Unacked {
  readonly seq: number;
  /** The encoded frame, ready to (re)send. */
  readonly frame: string;
  /** Send priority, 1 (high) … 3 (low). */
  readonly priority: number;
}

export class Outbox {
  private next = 1;
  private readonly queue: Unacked[] = [];
  private bytes = 0;

  /** Number the frame built by `build(seq)` and keep it until acknowledged. */
  push(build: (seq: number) => string, priority = 2): Unacked {
    const seq = this.next++;
    const item = { seq, frame: build(seq), priority };
    this.queue.push(item);
    this.bytes += item.frame.length;
    return item;
  }

  /** Forget everything up to and including `seq` (cumulative ack); returns how many were released. */
  ack(seq: number): number {
    let n = 0;
    while (this.queue.length && this.queue[0].seq <= seq) {
      this.bytes -= this.queue.shift()!.frame.length;
      n++;
    }
    return n;
  }

  /** Unacknowledged frames, oldest first. */
  pending(): readonly Unacked[] {
    return this.queue;
  }

  get size(): number {
    return this.queue.length;
  }

  /** UTF-16 length of the kept frames (a close bound on their memory). */
  get retainedChars(): number {
    return this.bytes;
  }

  get nextSeq(): number {
    return this.next;
  }
}

export type InboundVerdict = 'deliver' | 'duplicate' | 'gap';

export class Inbox {
  private processed = 0;

  /** What to do with message number `seq`; a delivered (or rejected) message advances the stream. */
  accept(seq: number): InboundVerdict {
    if (seq <= this.processed) return 'duplicate';
    if (seq !== this.processed + 1) return 'gap';
    this.processed = seq;
    return 'deliver';
  }

  /** Highest number processed in order: the cumulative ack. */
  get last(): number {
    return this.processed;
  }
}

/**
 * Reliable state of one link between two service instances ("sessions"). When either side
 * restarts (a new session id), numbering starts again from 1 in both directions.
 */
export class ReliableState {
  readonly out = new Map<string, Outbox>();
  readonly in = new Map<string, Inbox>();

  outbox(channel: string): Outbox {
    let box = this.out.get(channel);
    if (!box) this.out.set(channel, (box = new Outbox()));
    return box;
  }

  inbox(channel: string): Inbox {
    let box = this.in.get(channel);
    if (!box) this.in.set(channel, (box = new Inbox()));
    return box;
  }

  /** What I have processed per channel, sent in my hello so the other side resends only the rest. */
  received(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const [channel, box] of this.in) result[channel] = box.last;
    return result;
  }

  /** Apply the other side's `received()`: drop what it has, return what to resend, in order per channel. */
  resume(received: Readonly<Record<string, number>>): Unacked[] {
    const resend: Unacked[] = [];
    for (const [channel, box] of this.out) {
      box.ack(received[channel] ?? 0);
      resend.push(...box.pending());
    }
    return resend;
  }

  /**
   * A fresh state holding the same unacknowledged messages numbered again from 1 (per channel, in order),
   * for when the other side lost its state for this link; inbound numbering starts again too.
   */
  renumbered(): ReliableState {
    const next = new ReliableState();
    for (const [channel, box] of this.out) {
      if (!box.size) continue;
      const fresh = next.outbox(channel);
      for (const item of box.pending()) {
        const nl = item.frame.indexOf('\n');
        const body = item.frame.slice(nl + 1);
        fresh.push((seq) => `${channel} ${seq}\n${body}`, item.priority);
      }
    }
    return next;
  }

  /** Messages still waiting for an acknowledgement, across channels. */
  unackedCount(): number {
    let n = 0;
    for (const box of this.out.values()) n += box.size;
    return n;
  }
}
