/**
 * Delay-based flow control for bulk data (after LEDBAT, RFC 6817): the receiver acknowledges the
 * bulk bytes it has taken; the sender keeps at most `window` bytes unacknowledged and steers the
 * window so the queueing delay it adds stays near TARGET_DELAY_MS. A file transfer therefore
 * fills an idle link but yields to orders and chat: SCTP queues no more bulk data ahead of them
 * than ~TARGET_DELAY_MS worth. Pure; the clock is passed in.
 */
export const TARGET_DELAY_MS = 25;
export const INITIAL_WINDOW = 512 * 1024;
export const MIN_WINDOW = 64 * 1024;
export const MAX_WINDOW = 16 * 1024 * 1024;
/** How long the minimum RTT (the base delay) is remembered before it is measured afresh. */
const BASE_HISTORY_MS = 10_000;
const GAIN = 1;
/** The growth step: about this many bytes per window's worth of acknowledgements. */
const STEP = 64 * 1024;

export class BulkSender {
  private sent = 0;
  private acked = 0;
  private _window = INITIAL_WINDOW;
  private readonly marks: Array<[bytes: number, at: number]> = [];
  private base = Infinity;
  private baseCandidate = Infinity;
  private baseSince: number;

  constructor(now: number) {
    this.baseSince = now;
  }

  get window(): number {
    return this._window;
  }

  get inFlight(): number {
    return this.sent - this.acked;
  }

  /** Whether a frame of `bytes` may go now (one frame may always go when nothing is in flight). */
  canSend(bytes: number): boolean {
    return this.inFlight === 0 || this.inFlight + bytes <= this._window;
  }

  onSent(bytes: number, now: number): void {
    this.sent += bytes;
    this.marks.push([this.sent, now]);
  }

  /** A cumulative acknowledgement; false if it is impossible (more than was sent, or going back). */
  onAck(cumulative: number, now: number): boolean {
    if (!Number.isSafeInteger(cumulative) || cumulative > this.sent || cumulative < this.acked) return false;
    const newly = cumulative - this.acked;
    this.acked = cumulative;
    let sentAt: number | undefined;
    while (this.marks.length && this.marks[0][0] <= cumulative) sentAt = this.marks.shift()![1];
    if (sentAt === undefined || newly === 0) return true;
    const rtt = now - sentAt;
    if (now - this.baseSince > BASE_HISTORY_MS) {
      // Forget an old minimum (routes change); keep the best of the last period.
      this.base = this.baseCandidate;
      this.baseCandidate = Infinity;
      this.baseSince = now;
    }
    this.base = Math.min(this.base, rtt);
    this.baseCandidate = Math.min(this.baseCandidate, rtt);
    const queueing = rtt - this.base;
    const offTarget = Math.max(-1, (TARGET_DELAY_MS - queueing) / TARGET_DELAY_MS);
    // Grow by about STEP per window of acknowledged bytes when under target (LEDBAT's rule);
    // over target, shrink by up to the acknowledged amount, so the window halves within a round trip.
    const change = offTarget >= 0 ? (GAIN * offTarget * newly * STEP) / this._window : offTarget * newly;
    this._window = Math.min(MAX_WINDOW, Math.max(MIN_WINDOW, this._window + Math.max(change, -this._window / 2)));
    return true;
  }
}
