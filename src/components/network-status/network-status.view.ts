/**
 * Pure helpers of `<darkswap-network-status>`: number formatting, sparkline points, and the per-peer view
 * (last samples kept for the sparklines). No DOM.
 */
import { msg, str } from '@lit/localize';
import type { LinkSample, Verdict } from '../../core/link-stats.js';
import { formatMs, formatNumber, formatRate } from '../../internal/format.js';
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

/** Bytes per second in plain units (B/s, kB/s, MB/s), in the page's language (internal/format.ts). */
export { formatRate };

/** SVG polyline points of `values` scaled into a `width` × `height` box (the largest value at the top). */
export function sparkPoints(values: readonly number[], width = 60, height = 16): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 1e-9);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values.map((v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 1) - 0.5).toFixed(1)}`).join(' ');
}

/** A verdict's word in the active language. */
export function verdictWord(v: Verdict): string {
  return v === 'good' ? msg('Good') : v === 'fair' ? msg('Fair') : msg('Poor');
}

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
  const rtt = `RTT ${formatMs(r.rttMs)}`;
  if (r.downUntil !== undefined && r.downUntil > now) {
    const seconds = formatNumber(Math.ceil((r.downUntil - now) / 1000));
    return msg(str`${r.key}: set aside for ${seconds} s (${r.lastFailure ?? msg('failed')})`);
  }
  return msg(str`${r.key}: ${rtt}, score ${formatNumber(Math.round(r.score))}, ${formatNumber(r.ok)} ok / ${formatNumber(r.failed)} failed`);
}
