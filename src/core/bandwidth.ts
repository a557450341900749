import { dayKey, UsageMeter, type UsagePeriod, type UsageReport } from './bandwidth-usage.js';
import { DarkswapConnectionError } from './errors.js';

/**
 * The page's bandwidth budget for bulk data (file chunks on bulk channels), and usage accounting.
 *
 * - **Cap** (`setCap`, bytes per second; `undefined` = unlimited, `0` = paused): a token bucket refilled at the
 *   cap. Its burst is the larger of 100 ms of the cap and one maximum frame (256 KiB). The bucket may go into
 *   debt by one frame, so the long-run rate is exactly the cap even when timers fire late.
 * - **Weights** (`setWeights`, default 1 per channel name): channels competing under a cap share it in
 *   proportion to their weights — start-time fair queueing over the waiting frames (each channel's virtual
 *   time advances by `bytes / weight` per grant; the channel with the smallest virtual time goes next).
 *   A channel alone gets the whole cap.
 * - **Daily cap** (`setDailyCap`, bytes): once the bulk bytes granted today (local calendar day of the
 *   clock) reach it, bulk sending waits until local midnight. Regular messages are never held back.
 * - **Usage** (`record`/`usage`, see bandwidth-usage.ts): bytes sent and received per peer and per channel,
 *   today and this month.
 *
 * With no cap and no daily cap reached, `acquire` resolves at once and arms no timer.
 */

/** A timer function pair, injectable for tests. */
export interface BudgetTimers {
  /** Epoch milliseconds (default `Date.now`); the calendar day and month come from it in local time. */
  now?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Why bulk sending is held back: the cap is 0, or today's data cap is used up. */
export type BandwidthPause = 'paused' | 'daily-cap';

/** A change of bandwidth settings: a missing key leaves that setting as it is, `null` clears it. */
export interface BandwidthSettings {
  /** Page-wide cap on bulk data in bytes per second (0 pauses bulk sending). */
  bulkBps?: number | null;
  /** Bulk channel name → weight (> 0, default 1): shares of the cap when channels compete. Replaces the previous weights. */
  weights?: Record<string, number>;
  /** Bulk bytes that may go out per local calendar day; then bulk sending waits until midnight. */
  dailyCapBytes?: number | null;
  /**
   * Most bytes per second a call sends to each peer (audio and video; calls pick a lower step of the media ladder
   * to stay under it). Not counted in the bulk cap or the daily cap.
   */
  mediaBps?: number | null;
}

/** The bandwidth settings in force and the usage so far. */
export interface BandwidthState {
  bulkBps: number | undefined;
  weights: Readonly<Record<string, number>>;
  dailyCapBytes: number | undefined;
  mediaBps: number | undefined;
  /** Why bulk sending is held back now, if it is for a reason other than the rate. */
  paused: BandwidthPause | undefined;
  usage: UsageReport;
}

const SETTING_KEYS = ['bulkBps', 'weights', 'dailyCapBytes', 'mediaBps'];

/** The largest bulk frame a link carries (Chromium's SCTP max message size): the bucket's minimum burst. */
export const MAX_BULK_FRAME = 262_144;
/** The burst is this many milliseconds of the cap (or one maximum frame, whichever is larger). */
export const BURST_MS = 100;

interface Waiter {
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface Lane {
  readonly name: string;
  readonly queue: Waiter[];
  virtual: number;
}

function checkAmount(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DarkswapConnectionError('invalid-config', `${what} must be a finite number ≥ 0, not ${String(value)}.`);
  }
}

/** Checks a weights record: every value a finite number > 0. Throws `invalid-config`. */
export function checkWeights(weights: Readonly<Record<string, number>>): void {
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
    throw new DarkswapConnectionError('invalid-config', 'Bandwidth weights must be an object of channel name → number.');
  }
  for (const [name, w] of Object.entries(weights)) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
      throw new DarkswapConnectionError('invalid-config', `Bandwidth weight of channel "${name}" must be a finite number > 0, not ${String(w)}.`);
    }
  }
}

export class BandwidthBudget {
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private _cap: number | undefined;
  private _dailyCap: number | undefined;
  private _mediaCap: number | undefined;
  private _weights: Readonly<Record<string, number>> = Object.freeze({});
  private tokens = 0;
  private refilledAt: number;
  private readonly lanes = new Map<string, Lane>();
  private waiting = 0;
  private virtualNow = 0;
  private timer: unknown;
  private granted = { day: '', bytes: 0 };
  private readonly meter: UsageMeter;
  private disposed = false;

  constructor(options: BudgetTimers = {}) {
    this.now = options.now ?? (() => Date.now());
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.refilledAt = this.now();
    this.meter = new UsageMeter(this.now);
  }

  /** Bytes per second for bulk data; `undefined` when unlimited, 0 when paused. */
  get cap(): number | undefined {
    return this._cap;
  }

  get dailyCap(): number | undefined {
    return this._dailyCap;
  }

  get weights(): Readonly<Record<string, number>> {
    return this._weights;
  }

  /** The burst the bucket holds at most: 100 ms of the cap or one maximum frame. */
  get burst(): number {
    return Math.max(((this._cap ?? 0) * BURST_MS) / 1000, MAX_BULK_FRAME);
  }

  /** Why bulk sending waits, if it does for a reason other than the rate. */
  get paused(): BandwidthPause | undefined {
    if (this._cap === 0) return 'paused';
    return this.dailyCapReached() ? 'daily-cap' : undefined;
  }

  /** Frames waiting for the budget. */
  get pending(): number {
    return this.waiting;
  }

  /** Sets the cap in bytes per second (`undefined` = unlimited, 0 = paused). Throws `invalid-config` for bad values. */
  setCap(bytesPerSecond: number | undefined): void {
    if (bytesPerSecond !== undefined) checkAmount('The bulk cap (bytes per second)', bytesPerSecond);
    this.refill();
    const wasUnlimited = this._cap === undefined;
    this._cap = bytesPerSecond;
    this.tokens = wasUnlimited ? this.burst : Math.min(this.tokens, this.burst);
    this.pump();
  }

  /** Sets the channels' weights (replacing the previous ones; missing channels weigh 1). */
  setWeights(weights: Readonly<Record<string, number>>): void {
    checkWeights(weights);
    this._weights = Object.freeze({ ...weights });
  }

  /** Sets the daily data cap in bytes of bulk data sent (`undefined` = none). */
  setDailyCap(bytes: number | undefined): void {
    if (bytes !== undefined) checkAmount('The daily data cap (bytes)', bytes);
    this._dailyCap = bytes;
    this.pump();
  }

  /** Applies a settings change all at once, or throws `invalid-config` and changes nothing. */
  configure(settings: BandwidthSettings): void {
    if (typeof settings !== 'object' || settings === null) {
      throw new DarkswapConnectionError('invalid-config', 'Bandwidth settings must be an object { bulkBps?, weights?, dailyCapBytes?, mediaBps? }.');
    }
    const unknown = Object.keys(settings).find((k) => !SETTING_KEYS.includes(k));
    if (unknown) throw new DarkswapConnectionError('invalid-config', `Unknown bandwidth setting "${unknown}" (known: ${SETTING_KEYS.join(', ')}).`);
    const { bulkBps, weights, dailyCapBytes, mediaBps } = settings;
    if (bulkBps !== undefined && bulkBps !== null) checkAmount('bulkBps', bulkBps);
    if (mediaBps !== undefined && mediaBps !== null) checkAmount('mediaBps', mediaBps);
    if (dailyCapBytes !== undefined && dailyCapBytes !== null) checkAmount('dailyCapBytes', dailyCapBytes);
    if (weights !== undefined) checkWeights(weights);
    if (weights !== undefined) this.setWeights(weights);
    if (dailyCapBytes !== undefined) this.setDailyCap(dailyCapBytes ?? undefined);
    if (bulkBps !== undefined) this.setCap(bulkBps ?? undefined);
    if (mediaBps !== undefined) this._mediaCap = mediaBps ?? undefined;
  }

  /** The settings in force, the pause reason and a copy of the usage. */
  state(): BandwidthState {
    return { bulkBps: this._cap, weights: this._weights, dailyCapBytes: this._dailyCap, mediaBps: this._mediaCap, paused: this.paused, usage: this.usage() };
  }

  /**
   * Resolves when a bulk frame of `bytes` on `channel` may be sent (at once when nothing holds it back).
   * Rejects with `destroyed` when the budget is disposed first.
   */
  acquire(channel: string, bytes: number): Promise<void> {
    if (this.disposed) return Promise.reject(new DarkswapConnectionError('destroyed', 'The bandwidth budget was disposed.'));
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      return Promise.reject(new RangeError(`A bulk frame's size must be a whole number of bytes ≥ 0, not ${bytes}.`));
    if (this.waiting === 0 && this.mayGrantNow()) {
      this.take(bytes);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let lane = this.lanes.get(channel);
      if (!lane) this.lanes.set(channel, (lane = { name: channel, queue: [], virtual: 0 }));
      if (!lane.queue.length) lane.virtual = Math.max(lane.virtual, this.virtualNow);
      lane.queue.push({ bytes, resolve, reject });
      this.waiting++;
      this.pump();
    });
  }

  /** Counts bytes that went out or came in (`bulk` for bulk frames). */
  record(direction: 'sent' | 'received', peer: string, channel: string, bytes: number, bulk: boolean): void {
    this.meter.record(direction, peer, channel, bytes, bulk);
  }

  /** Bytes sent and received today and this month (copies). */
  usage(): UsageReport {
    return this.meter.report();
  }

  /** What was counted since the last call, by period (for saving; see bandwidth-persist.ts). */
  takeUsageDelta(): UsagePeriod[] {
    return this.meter.takeDelta();
  }

  /** Adds saved usage (earlier sessions, other tabs): counts and today's bulk bytes toward the daily cap. */
  restoreUsage(saved: UsageReport): void {
    this.meter.absorb(saved);
    const day = dayKey(new Date(this.now()));
    if (saved.today?.period === day) {
      if (this.granted.day !== day) this.granted = { day, bytes: 0 };
      this.granted.bytes += Number(saved.today.bulkSent) || 0;
      this.pump();
    }
  }

  /** Rejects every waiting frame with `destroyed` and stops the timer. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disarm();
    const error = new DarkswapConnectionError('destroyed', 'The bandwidth budget was disposed.');
    for (const lane of this.lanes.values()) for (const w of lane.queue.splice(0)) w.reject(error);
    this.waiting = 0;
  }

  private dailyCapReached(): boolean {
    if (this._dailyCap === undefined) return false;
    return this.granted.day === dayKey(new Date(this.now())) && this.granted.bytes >= this._dailyCap;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    if (this._cap) this.tokens = Math.min(this.burst, this.tokens + (this._cap * elapsed) / 1000);
  }

  private mayGrantNow(): boolean {
    if (this.dailyCapReached()) return false;
    if (this._cap === undefined) return true;
    this.refill();
    return this._cap > 0 && this.tokens >= -1e-6; // tolerance for floating-point refill
  }

  private take(bytes: number): void {
    if (this._cap !== undefined) this.tokens -= bytes;
    const day = dayKey(new Date(this.now()));
    if (this.granted.day !== day) this.granted = { day, bytes: 0 };
    this.granted.bytes += bytes;
  }

  /** Grants waiting frames while the budget allows, fairest lane first; arms one timer for the next grant. */
  private pump(): void {
    if (this.disposed) return;
    this.disarm();
    while (this.waiting > 0) {
      if (!this.mayGrantNow()) return this.arm();
      let best: Lane | undefined;
      for (const lane of this.lanes.values()) if (lane.queue.length && (!best || lane.virtual < best.virtual)) best = lane;
      const lane = best!;
      const waiter = lane.queue.shift()!;
      this.waiting--;
      this.virtualNow = lane.virtual;
      lane.virtual += waiter.bytes / (Object.hasOwn(this._weights, lane.name) ? this._weights[lane.name]! : 1);
      this.take(waiter.bytes);
      waiter.resolve();
    }
  }

  private arm(): void {
    let ms: number | undefined;
    if (this.dailyCapReached()) {
      const d = new Date(this.now());
      ms = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime() - this.now();
    } else if (this._cap) {
      ms = Math.ceil((-this.tokens * 1000) / this._cap);
    }
    if (ms === undefined) return; // paused at 0: setCap wakes the waiters
    this.timer = this.setTimer(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(1, ms),
    );
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    this.clearTimer(this.timer);
    this.timer = undefined;
  }
}
