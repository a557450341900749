/**
 * The trade path's way to the Bitcoin layer: `loadBitcoin()` fetches it on first use (its own chunks in
 * bundles) together with the code that works against it — the bridge (trade.bridge.ts: my contribution, the
 * verification context, the review) and the effects (trade.effects.ts: verify, sign, finalize, publish). The
 * widget's own chunk holds none of it; this module keeps only what the page needs before a trade starts.
 */
import type { AssetIndexer, ChainSource, WalletAdapter } from '../../bitcoin/wallet.js';
import type { TradeEffect, TradeInput } from './trade.protocol.js';

export type BitcoinModule = typeof import('../../bitcoin/index.js');
export type SignerModule = typeof import('@scure/btc-signer');
/** The effects and the bridge's contribution step (trade.effects.ts). */
export type TradeSteps = typeof import('./trade.effects.js');

let loading: Promise<{ btc: BitcoinModule; signer: SignerModule; steps: TradeSteps }> | undefined;

/** Loads the Bitcoin layer and the trade code that uses it, once (separate chunks in bundles). */
export function loadBitcoin(): Promise<{ btc: BitcoinModule; signer: SignerModule; steps: TradeSteps }> {
  loading ??= Promise.all([import('../../bitcoin/index.js'), import('@scure/btc-signer'), import('./trade.effects.js')]).then(([btc, signer, steps]) => ({
    btc,
    signer,
    steps,
  }));
  loading.catch(() => (loading = undefined));
  return loading;
}

/** What the trade path needs from the host. */
import type { ReviewText } from './trade.review-text.js';

export interface TradeHost {
  readonly wallet: WalletAdapter;
  readonly indexer: AssetIndexer;
  /** Publishes a raw transaction; resolves to its txid (default: the wallet's `broadcast`). */
  readonly broadcast: (txHex: string) => Promise<string>;
  /** Fee rates I accept, sat/vB. */
  readonly feeRateBand: { readonly min: bigint; readonly max: bigint };
  /** Where the trade sees settlement (the indexer, when it is one); without it, `done` means "published", unverified. */
  readonly chain?: ChainSource | undefined;
  /** The words of the "what you sign" review (default English; the widget passes the page's language). */
  readonly reviewText?: ReviewText | undefined;
}

export const fmt = (n: bigint): string => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
export const sats = (n: bigint): string => `${fmt(n)} sats`;

/** The input that reports an effect which threw `error` (an unexpected error, not a verdict). */
export function effectFailed(effect: TradeEffect, error: unknown): TradeInput {
  const message = error instanceof Error ? error.message : String(error);
  if (effect.kind === 'verify' || effect.kind === 'verify-peer-psbt') return { kind: 'verify-failed', code: 'INTERNAL', message, stage: 'verify-own' };
  if (effect.kind === 'sign') return { kind: 'sign-failed', code: 'INTERNAL', message, stage: 'verify-own' };
  if (effect.kind === 'finalize') return { kind: 'broadcast-failed', message };
  if (effect.kind === 'publish') return { kind: 'publish-failed', message, watched: false };
  return { kind: 'final-checked', ok: false, code: 'INTERNAL', message };
}

export { toBase64, fromBase64 } from '../../core/bytes.js';
