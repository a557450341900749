/**
 * Pure helpers of `<darkswap-network-status>`: number formatting, sparkline points, and the per-peer view
 * (last samples kept for the sparklines). No DOM.
 */
import type { LinkSample, Verdict } from '../../core/link-stats.js';
import type { TurnServerReport } from '../../core/turn-pool.js';

/** Samples kept per peer for the sparklines (one minute at 1 Hz). */
export const SPARK_POINTS = 60;

export interface PeerView {
  readonly peer: string;
  readonly samples: readonly LinkSample[];
  readonly verdict: Verdict | undefined;
}

/** Appends a sample, keeping the last SPARK_POINTS. */
export function withSample(view: PeerView | undefined, peer: string, sample: LinkSample): PeerView {
  const samples = [...(view?.samples ?? []), sample].slice(-SPARK_POINTS);
  return { peer, samples, verdict: sample.verdict };
}

/** Bytes per second in plain units (B/s, kB/s, MB/s). */
export function formatRate(bps: number): string {
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(1)} MB/s`;
  if (bps >= 1_000) return `${(bps / 1_000).toFixed(1)} kB/s`;
  return `${Math.round(bps)} B/s`;
}

export function formatMs(ms: number | undefined): string {
  return ms === undefined ? '—' : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

export function formatLoss(loss: number | undefined): string {
  return loss === undefined ? '—' : `${(loss * 100).toFixed(1)} %`;
}

/** SVG polyline points of `values` scaled into a `width` × `height` box (the largest value at the top). */
export function sparkPoints(values: readonly number[], width = 60, height = 16): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 1e-9);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values.map((v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 1) - 0.5).toFixed(1)}`).join(' ');
}

export const VERDICT_WORDS: Readonly<Record<Verdict, string>> = { good: 'Good', fair: 'Fair', poor: 'Poor' };

/** Totals over every peer's latest sample (dashboard mode). */
export function totals(views: readonly PeerView[]): { inBps: number; outBps: number; counts: Record<Verdict, number> } {
  const counts: Record<Verdict, number> = { good: 0, fair: 0, poor: 0 };
  let inBps = 0;
  let outBps = 0;
  for (const v of views) {
    const last = v.samples[v.samples.length - 1];
    if (!last) continue;
    inBps += last.inBps;
    outBps += last.outBps;
    counts[last.verdict]++;
  }
  return { inBps, outBps, counts };
}

/** One point of the dashboard's history: totals over every peer in one second. */
export interface TotalsPoint {
  /** The second (performance.now() / 1000, floored). */
  readonly second: number;
  readonly inBps: number;
  readonly outBps: number;
  readonly links: number;
}

/** Points kept in the dashboard's history (five minutes at one per second). */
export const HISTORY_POINTS = 300;

/** Adds the totals of `views` for the second of `now` (replacing that second's point), keeping HISTORY_POINTS. */
export function withTotals(history: readonly TotalsPoint[], views: readonly PeerView[], now: number): TotalsPoint[] {
  const second = Math.floor(now / 1000);
  const sum = totals(views);
  const point: TotalsPoint = { second, inBps: sum.inBps, outBps: sum.outBps, links: views.length };
  const kept = history.length && history[history.length - 1]!.second === second ? history.slice(0, -1) : [...history];
  kept.push(point);
  return kept.slice(-HISTORY_POINTS);
}

/** A TURN server's line in the dashboard: its address, measured RTT and score, or why it is set aside. */
export function turnServerLine(r: TurnServerReport, now: number): string {
  const rtt = r.rttMs === undefined ? 'RTT —' : `RTT ${formatMs(r.rttMs)}`;
  if (r.downUntil !== undefined && r.downUntil > now) {
    return `${r.key}: set aside for ${Math.ceil((r.downUntil - now) / 1000)} s (${r.lastFailure ?? 'failed'})`;
  }
  return `${r.key}: ${rtt}, score ${Math.round(r.score)}, ${r.ok} ok / ${r.failed} failed`;
}
