/**
 * Outpoint text (`txid:vout`) checked before it goes into a URL, and a small concurrency pool. Pure.
 */
import { ChainError } from './chain-error.js';

export interface Outpoint {
  readonly txid: string;
  readonly vout: number;
}

/** Parses `txid:vout` (display hex, lower-cased), or throws a `bad-request` ChainError. */
export function parseOutpoint(source: string, text: string): Outpoint {
  const m = /^([0-9a-fA-F]{64}):([0-9]{1,10})$/.exec(text);
  const vout = m ? Number(m[2]) : NaN;
  if (!m || vout > 0xffff_ffff) throw new ChainError(source, 'bad-request', `"${text.slice(0, 80)}" is not an outpoint (txid:vout)`);
  return { txid: m[1]!.toLowerCase(), vout };
}

/** `map` over items with at most `limit` calls in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await map(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
