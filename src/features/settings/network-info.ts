/**
 * What the network says about itself, and what the kit recommends from it:
 *
 * - `suggestDataSaver(connection)` — the Network Information API (`navigator.connection`, Chromium): suggest the
 *   data-saver preset when the user asked browsers to save data (`saveData`) or the connection is slow
 *   (`effectiveType` `slow-2g`, `2g` or `3g`).
 * - `watchNetworkInfo(callback)` — calls back at once and on every `change` of `navigator.connection`.
 * - `recommendSettings(samples)` — a bulk cap and a preset from link statistics (`LinkSample`s): see
 *   `RECOMMEND_RULES`.
 *
 * Every result carries `codes` (stable, for localization) next to an English `reason`.
 */
import type { Verdict } from '../../core/link-stats.js';

/** The fields of `NetworkInformation` the kit reads (all optional: browsers differ). */
export interface NetworkConnectionInfo {
  readonly saveData?: boolean;
  readonly effectiveType?: string;
  /** Estimated downlink in Mbit/s. */
  readonly downlink?: number;
  /** Estimated round trip in ms. */
  readonly rtt?: number;
}

/** `navigator.connection` or anything shaped like it (tests pass plain objects). */
export interface NetworkConnectionTarget extends NetworkConnectionInfo {
  addEventListener(type: 'change', listener: () => void): void;
  removeEventListener(type: 'change', listener: () => void): void;
}

export type DataSaverCode = 'save-data' | 'slow-network' | 'fast-network' | 'unknown';

export interface DataSaverSuggestion {
  suggest: boolean;
  code: DataSaverCode;
  reason: string;
}

/** `effectiveType` values that suggest the data-saver preset. */
export const SLOW_EFFECTIVE_TYPES: readonly string[] = Object.freeze(['slow-2g', '2g', '3g']);

/** Whether to suggest the data-saver preset, and why. Pure. */
export function suggestDataSaver(connection?: NetworkConnectionInfo): DataSaverSuggestion {
  if (!connection) return { suggest: false, code: 'unknown', reason: 'This browser does not say what kind of network it is on.' };
  if (connection.saveData === true) return { suggest: true, code: 'save-data', reason: 'The browser asks sites to save data (Data Saver is on).' };
  const type = connection.effectiveType;
  if (typeof type === 'string' && SLOW_EFFECTIVE_TYPES.includes(type)) {
    return { suggest: true, code: 'slow-network', reason: `The network is slow (effective type ${type}).` };
  }
  if (typeof type === 'string') return { suggest: false, code: 'fast-network', reason: `The network is fast enough (effective type ${type}).` };
  return { suggest: false, code: 'unknown', reason: 'The browser does not report the network type.' };
}

/** What `watchNetworkInfo` reports. */
export interface NetworkInfo extends NetworkConnectionInfo {
  /** Whether the browser has the Network Information API. */
  readonly supported: boolean;
  readonly suggestion: DataSaverSuggestion;
}

/** `navigator.connection` when the browser has it. */
export function navigatorConnection(): NetworkConnectionTarget | undefined {
  if (typeof navigator === 'undefined') return undefined;
  return (navigator as Navigator & { connection?: NetworkConnectionTarget }).connection;
}

function infoOf(connection: NetworkConnectionTarget | undefined): NetworkInfo {
  const { saveData, effectiveType, downlink, rtt } = connection ?? {};
  return {
    supported: !!connection,
    ...(typeof saveData === 'boolean' ? { saveData } : {}),
    ...(typeof effectiveType === 'string' ? { effectiveType } : {}),
    ...(typeof downlink === 'number' ? { downlink } : {}),
    ...(typeof rtt === 'number' ? { rtt } : {}),
    suggestion: suggestDataSaver(connection),
  };
}

/**
 * Calls `callback` at once with the network information (from `connection`, by default `navigator.connection`)
 * and again on each of its `change` events. Returns the function that stops watching. Without the API it calls
 * back once with `supported: false`.
 */
export function watchNetworkInfo(callback: (info: NetworkInfo) => void, connection: NetworkConnectionTarget | undefined = navigatorConnection()): () => void {
  const onChange = () => callback(infoOf(connection));
  connection?.addEventListener('change', onChange);
  onChange();
  return () => connection?.removeEventListener('change', onChange);
}

/** What `recommendSettings` reads from a link statistics sample (`LinkSample` has all of it). */
export interface ThroughputSample {
  /** Bytes per second sent on the link when the sample was taken (a lower bound of what it can carry). */
  readonly outBps: number;
  /** The browser's estimate of the available outgoing bitrate, in bytes per second. */
  readonly availableOutBps?: number;
  readonly rttMs?: number;
  readonly verdict: Verdict;
}

export type RecommendCode = 'measured-available' | 'measured-sent' | 'no-measurement' | 'high-rtt' | 'poor-link';

export interface Recommendation {
  /** The bulk cap to use (bytes/s), or `undefined` when nothing was measured (keep the current one). */
  bulkBps: number | undefined;
  preset: 'default' | 'data-saver';
  codes: RecommendCode[];
  reason: string;
}

/**
 * The rules of `recommendSettings`:
 * - capacity = the browser's available outgoing bitrate estimate (`availableOutBps`) when it has one, else the
 *   bytes/s actually sent (`outBps`, so measure while a transfer runs uncapped); with several samples, the median;
 * - bulk cap = `share` (80 %) of the capacity, rounded down to 1 KiB/s, at least `minBulkBps`;
 * - data-saver preset when the median RTT exceeds `dataSaverRttMs` (400 ms) or at least half the samples are `poor`.
 */
export const RECOMMEND_RULES = Object.freeze({ share: 0.8, minBulkBps: 16 * 1024, dataSaverRttMs: 400 });

const median = (values: number[]): number | undefined => {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const mbit = (bps: number) => `${((bps * 8) / 1e6).toFixed(bps * 8 < 1e7 ? 2 : 1)} Mbit/s`;
const positive = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

/** Recommended bandwidth settings from one or more link statistics samples (see `RECOMMEND_RULES`). Pure. */
export function recommendSettings(samples: ThroughputSample | readonly ThroughputSample[]): Recommendation {
  const list: readonly ThroughputSample[] = Array.isArray(samples) ? samples : [samples as ThroughputSample];
  const { share, minBulkBps, dataSaverRttMs } = RECOMMEND_RULES;
  const codes: RecommendCode[] = [];
  const reasons: string[] = [];
  const available = list.map((s) => s.availableOutBps).filter(positive);
  const capacity = available.length ? median(available) : median(list.map((s) => s.outBps).filter(positive));
  let bulkBps: number | undefined;
  if (capacity === undefined) {
    codes.push('no-measurement');
    reasons.push('No throughput measured yet: keep the current limit.');
  } else {
    bulkBps = Math.max(minBulkBps, Math.floor((capacity * share) / 1024) * 1024);
    codes.push(available.length ? 'measured-available' : 'measured-sent');
    const what = available.length ? 'available upstream (browser estimate)' : 'sent';
    reasons.push(`${mbit(capacity)} ${what}: limit bulk data to ${Math.round(share * 100)} % of it, ${mbit(bulkBps)}.`);
  }
  const rtt = median(list.map((s) => s.rttMs).filter((r): r is number => typeof r === 'number' && Number.isFinite(r)));
  if (rtt !== undefined && rtt > dataSaverRttMs) {
    codes.push('high-rtt');
    reasons.push(`Round trips take ${Math.round(rtt)} ms (over ${dataSaverRttMs} ms): use the data saver.`);
  }
  if (list.length && list.filter((s) => s.verdict === 'poor').length * 2 >= list.length) {
    codes.push('poor-link');
    reasons.push('The link is poor: use the data saver.');
  }
  const preset = codes.includes('high-rtt') || codes.includes('poor-link') ? 'data-saver' : 'default';
  return { bulkBps, preset, codes, reason: reasons.join(' ') };
}
