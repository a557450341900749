/**
 * What an order's outpoints must hold, checked against a host-supplied asset indexer. Pure: the
 * indexer's answer is passed in.
 *
 * A sell order offers `amount` of the **base** asset; a buy order offers the quote total
 * (`amount / lot × price`) of the **quote** asset. BTC is counted in the outputs' values (fees are
 * not counted: the check refuses orders that cannot possibly settle, not ones that are tight);
 * runes and alkanes in the outputs' balances of that exact id. Every outpoint must be known and
 * unspent.
 */
import { parseAsset, quoteFor, type Order, type OrderVerdict } from './order.model.js';
import { BTC_DUST_SATS } from './orderbook.types.js';

/** One asset balance of an output (`id` is `block:tx`). Same shape as the bitcoin layer's `AssetBalance`. */
export interface IndexedBalance {
  readonly id: string;
  readonly amount: bigint;
}

/** What the orderbook needs to know about one output: a subset of the bitcoin layer's `OutputInfo`. */
export interface IndexedOutput {
  /** `txid:vout` */
  readonly outpoint: string;
  /** Sats. */
  readonly value: bigint;
  readonly spent: boolean;
  readonly runes: readonly IndexedBalance[];
  readonly alkanes: readonly IndexedBalance[];
}

/**
 * The part of the host's `AssetIndexer` (src/bitcoin/wallet.ts) the orderbook uses; any object with
 * a compatible `getOutputs` fits, so the full indexer can be passed as is.
 */
export interface OrderbookIndexer {
  /** The outputs it knows, in any order; unknown ones omitted. */
  getOutputs(outpoints: readonly string[]): Promise<readonly IndexedOutput[]>;
}

/** The asset and amount an order's outpoints must hold. */
export function offerOf(order: Pick<Order, 'side' | 'base' | 'quote' | 'amount' | 'price' | 'lot'>): { asset: string; amount: bigint } {
  return order.side === 'sell' ? { asset: order.base, amount: order.amount } : { asset: order.quote, amount: quoteFor(order, order.amount) };
}

/**
 * Whether a trade from this order could ever settle: its smallest fill must move at least the dust limit of
 * BTC (546 sats), or the swap's payment output would be refused. Checked with an indexer (at placement too).
 */
export function checkSettleable(order: Pick<Order, 'base' | 'quote' | 'price' | 'lot' | 'minFill'>): OrderVerdict {
  const smallest = order.minFill ?? order.lot;
  const base = parseAsset(order.base);
  const quote = parseAsset(order.quote);
  if (!base || !quote) return { ok: false, reason: 'bad-asset', message: 'Unknown asset.' };
  const btc = base.kind === 'btc' ? smallest : quote.kind === 'btc' ? quoteFor(order, smallest) : BTC_DUST_SATS;
  if (btc < BTC_DUST_SATS) {
    return {
      ok: false,
      reason: 'dust',
      message: `The smallest fill moves ${btc} sats, below the ${BTC_DUST_SATS}-sat dust limit: no trade from it could settle. Raise the minimum fill or the price.`,
    };
  }
  return { ok: true };
}

/** Whether `outputs` (the indexer's answer for the order's outpoints) cover what the order offers. */
export function checkHoldings(order: Order, outputs: readonly IndexedOutput[]): OrderVerdict {
  const byOutpoint = new Map(outputs.map((o) => [o.outpoint, o]));
  const { asset, amount } = offerOf(order);
  const parsed = parseAsset(asset);
  if (!parsed) return { ok: false, reason: 'bad-asset', message: `Unknown asset "${asset}".` };
  const id = parsed.kind === 'btc' ? '' : `${parsed.block}:${parsed.tx}`;
  let held = 0n;
  for (const outpoint of order.outpoints) {
    const out = byOutpoint.get(outpoint);
    if (!out) return { ok: false, reason: 'asset-not-held', message: `The indexer does not know outpoint ${outpoint}.` };
    if (out.spent) return { ok: false, reason: 'asset-not-held', message: `Outpoint ${outpoint} is spent.` };
    if (parsed.kind === 'btc') held += out.value;
    else for (const b of parsed.kind === 'rune' ? out.runes : out.alkanes) if (b.id === id) held += b.amount;
  }
  if (held < amount) {
    return { ok: false, reason: 'asset-not-held', message: `The outpoints hold ${held} of ${asset}; the order offers ${amount}.` };
  }
  return { ok: true };
}
