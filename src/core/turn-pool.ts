/**
 * Several TURN servers: each scored by what was measured of it, the best used first.
 *
 * A server is one `host:port` (the URLs of one RTCIceServer that name the same host and port, whatever their
 * transport, are one server; a credential endpoint's URL list for several hosts becomes several servers).
 * Its score — lower is better — is its round-trip time, raised by the packet loss seen through it and
 * divided by its success ratio:
 *
 *     score = rttMs × (1 + 20 × loss) ÷ ((ok + 1) ÷ (ok + failed + 2))
 *
 * where `rttMs` starts at the reachability probe's time to a relay candidate (two round trips to the server)
 * and then follows the RTT of links relayed through it (moving average), `loss` the media loss of those links,
 * and `ok`/`failed` count probes and relays that worked or died. A server that failed (a dead relay, a failed
 * probe, a poor verdict that did not recover) is set aside for `cooldownMs` unless nothing else is left.
 * Links get the best `perLink` servers (default 1: one allocation per link; measured, a backup allocation on a
 * second server makes Chromium cling to the dead pair for ~4 s instead of taking the restarted one at once).
 * Pure: time comes from `now`.
 */

/** The RTT assumed for a server nothing was measured of yet. */
const UNKNOWN_RTT_MS = 200;
const LOSS_WEIGHT = 20;
/** Weight of a new RTT or loss observation in the moving averages. */
const EWMA = 0.3;

export interface TurnServerReport {
  readonly key: string;
  readonly score: number;
  readonly rttMs?: number;
  readonly loss?: number;
  readonly ok: number;
  readonly failed: number;
  /** Set aside until this time (the pool's clock) after a failure. */
  readonly downUntil?: number;
  /** The last failure, in plain words. */
  readonly lastFailure?: string;
}

interface Score {
  rttMs?: number;
  /** The fastest successful probe (time to a relay candidate). */
  probeMs?: number;
  loss?: number;
  ok: number;
  failed: number;
  downUntil?: number;
  lastFailure?: string;
}

export { splitTurn, turnKey, type TurnEntry } from './turn-split.js';
import type { TurnEntry } from './turn-split.js';

export class TurnPool {
  private entries: TurnEntry[] = [];
  private readonly scores = new Map<string, Score>();

  constructor(
    private readonly now: () => number = () => performance.now(),
    readonly options: { cooldownMs: number; perLink: number } = { cooldownMs: 60_000, perLink: 1 },
  ) {}

  /** The servers in play (measurements of servers that stay are kept). */
  set(entries: readonly TurnEntry[]): void {
    this.entries = [...entries];
    for (const key of [...this.scores.keys()]) if (!entries.some((e) => e.key === key)) this.scores.delete(key);
    for (const e of entries) if (!this.scores.has(e.key)) this.scores.set(e.key, { ok: 0, failed: 0 });
  }

  get size(): number {
    return this.entries.length;
  }

  has(key: string | undefined): boolean {
    return key !== undefined && this.scores.has(key);
  }

  /** A probe's outcome: its time to a relay candidate when it worked. */
  probed(key: string, result: { ok: boolean; firstCandidateMs?: number; problem?: string }): void {
    const s = this.scores.get(key);
    if (!s) return;
    if (result.ok) {
      s.ok++;
      const ms = result.firstCandidateMs;
      if (ms !== undefined) {
        s.rttMs = s.rttMs === undefined ? ms : mix(s.rttMs, ms);
        s.probeMs = Math.min(s.probeMs ?? ms, ms);
      }
      if (s.downUntil !== undefined) delete s.downUntil;
    } else this.failed(key, `the probe failed (${result.problem ?? 'no relay candidate'})`);
  }

  /** What a link relayed through this server measured (RTT, media loss). */
  observe(key: string, sample: { rttMs?: number; loss?: number }): void {
    const s = this.scores.get(key);
    if (!s) return;
    if (sample.rttMs !== undefined) s.rttMs = s.rttMs === undefined ? sample.rttMs : mix(s.rttMs, sample.rttMs);
    if (sample.loss !== undefined) s.loss = s.loss === undefined ? sample.loss : mix(s.loss, sample.loss);
  }

  /** A relay through this server worked (a link opened or recovered on it). */
  worked(key: string): void {
    const s = this.scores.get(key);
    if (s) s.ok++;
  }

  /** The server failed: counted, and set aside for the cooldown. */
  failed(key: string, why: string): void {
    const s = this.scores.get(key);
    if (!s) return;
    s.failed++;
    s.downUntil = this.now() + this.options.cooldownMs;
    s.lastFailure = why;
  }

  score(key: string): number {
    const s = this.scores.get(key);
    if (!s) return Infinity;
    const success = (s.ok + 1) / (s.ok + s.failed + 2);
    return ((s.rttMs ?? UNKNOWN_RTT_MS) * (1 + LOSS_WEIGHT * (s.loss ?? 0))) / success;
  }

  private up(key: string): boolean {
    const until = this.scores.get(key)?.downUntil;
    return until === undefined || until <= this.now();
  }

  /** Every server, best first: the ones up by score, then the ones set aside by when they come back. */
  ranked(): TurnEntry[] {
    const up = this.entries.filter((e) => this.up(e.key)).sort((a, b) => this.score(a.key) - this.score(b.key));
    const down = this.entries
      .filter((e) => !this.up(e.key))
      .sort((a, b) => (this.scores.get(a.key)!.downUntil ?? 0) - (this.scores.get(b.key)!.downUntil ?? 0));
    return [...up, ...down];
  }

  /** The TURN servers a link gets, best first: the best `perLink` that are up (or the least bad when none is). */
  selection(): RTCIceServer[] {
    const up = this.ranked().filter((e) => this.up(e.key));
    const chosen = up.length ? up : this.ranked();
    return chosen.slice(0, Math.max(1, this.options.perLink)).map((e) => e.server);
  }

  /** The server with this key. */
  entry(key: string): TurnEntry | undefined {
    return this.entries.find((e) => e.key === key);
  }

  /** The fastest successful probe of a server (ms to a relay candidate), if any. */
  probeMsOf(key: string): number | undefined {
    return this.scores.get(key)?.probeMs;
  }

  /** The best server that is up other than `key`, if any. */
  bestOther(key: string | undefined): TurnEntry | undefined {
    return this.ranked().find((e) => e.key !== key && this.up(e.key));
  }

  report(): TurnServerReport[] {
    return this.ranked().map(({ key }) => {
      const s = this.scores.get(key)!;
      return {
        key,
        score: this.score(key),
        ok: s.ok,
        failed: s.failed,
        ...(s.rttMs !== undefined ? { rttMs: s.rttMs } : {}),
        ...(s.loss !== undefined ? { loss: s.loss } : {}),
        ...(s.downUntil !== undefined && !this.up(key) ? { downUntil: s.downUntil } : {}),
        ...(s.lastFailure ? { lastFailure: s.lastFailure } : {}),
      };
    });
  }
}

function mix(old: number, value: number): number {
  return old * (1 - EWMA) + value * EWMA;
}
