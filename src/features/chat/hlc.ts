/**
 * A hybrid logical clock (Kulkarni et al., 2014), pure: the wall clock is passed in. A timestamp is the
 * largest wall time seen (`t`, epoch ms) and a counter (`c`) that orders events within one millisecond. It
 * never goes backwards, stays close to real time, and every timestamp made after seeing another is larger —
 * so a reply always sorts after what it answers, even when the two clocks disagree.
 *
 * Remote timestamps more than `maxSkewMs` ahead of my wall clock are not taken in (`observe` says so): one
 * peer with a wrong clock cannot drag every clock forward.
 */

export interface Hlc {
  /** Wall time in ms since the epoch (the largest seen). */
  readonly t: number;
  /** Orders events within one `t`; 0..MAX_COUNTER. */
  readonly c: number;
}

/** Counters stay below a million (six digits in a sort key); past that the clock moves `t` on by a millisecond. */
export const MAX_COUNTER = 999_999;

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareHlc(a: Hlc, b: Hlc): number {
  return a.t - b.t || a.c - b.c;
}

/**
 * A string that sorts like (t, c, id): fixed-width decimal t and c, then the id. Valid for t < 10^15 (the year
 * 33658) and the counter range.
 */
export function sortKey(h: Hlc, id: string): string {
  return `${String(h.t).padStart(15, '0')}.${String(h.c).padStart(6, '0')}.${id}`;
}

/** The (t, c) part of a sort key. */
export function hlcOfSortKey(key: string): Hlc {
  return { t: Number(key.slice(0, 15)), c: Number(key.slice(16, 22)) };
}

export class HybridClock {
  private t = 0;
  private c = 0;

  constructor(
    private readonly wall: () => number,
    readonly maxSkewMs = 60_000,
  ) {}

  /** The last timestamp made or observed. */
  get last(): Hlc {
    return { t: this.t, c: this.c };
  }

  /** A new timestamp for a local event: after everything seen so far. */
  now(): Hlc {
    const pt = this.wall();
    if (pt > this.t) {
      this.t = pt;
      this.c = 0;
    } else if (this.c >= MAX_COUNTER) {
      this.t += 1;
      this.c = 0;
    } else {
      this.c += 1;
    }
    return this.last;
  }

  /** Whether a remote timestamp is within the allowed skew of my wall clock. */
  acceptable(remote: Hlc): boolean {
    return remote.t <= this.wall() + this.maxSkewMs;
  }

  /**
   * Take in a remote timestamp: later local timestamps sort after it. Returns false (and changes nothing) when
   * it is too far ahead of my wall clock.
   */
  observe(remote: Hlc): boolean {
    if (!this.acceptable(remote)) return false;
    const pt = this.wall();
    const t = Math.max(this.t, remote.t, pt);
    let c: number;
    if (t === this.t && t === remote.t) c = Math.max(this.c, remote.c) + 1;
    else if (t === this.t) c = this.c + 1;
    else if (t === remote.t) c = remote.c + 1;
    else c = 0;
    if (c > MAX_COUNTER) {
      this.t = t + 1;
      this.c = 0;
    } else {
      this.t = t;
      this.c = c;
    }
    return true;
  }
}
