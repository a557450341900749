/**
 * Trades from the orderbook: `<darkswap-orderbook>` fires `darkswap-trade-proposed` (bubbles, composed) with
 * the maker's order and the take; `proposalToTerms` turns that into swap terms and my role, and
 * `<darkswap-trade>.takeProposal(detail)` starts the trade with the maker. Pure.
 *
 * The order fields are the orderbook's (`order.model.ts` `Order`, `book.model.ts` `ProposedTrade`): assets
 * are `BTC`, `RUNE:<block>:<tx>` or `ALKANE:<block>:<tx>`; `side` is what the **maker** does with the base
 * asset; `take.amount` is in base units and `take.quoteAmount` the quote units that change hands.
 */
import * as v from 'valibot';
import { isValidPeerId } from '../../core/config.js';
import { TERMS_VERSION, type SwapRole, type SwapTermsWire } from '../../bitcoin/wire.js';

export interface TradeProposalOrder {
  /** Order id (64 hex). */
  readonly id: string;
  /** The maker's identity key (64 hex): the trade goes to the connected peer with this key. */
  readonly maker: string;
  readonly base: string;
  readonly quote: string;
  /** What the maker does with the base asset. */
  readonly side: 'buy' | 'sell';
  /** The order's price: `price` quote units per `lot` base units (used when `take.quoteAmount` is absent). */
  readonly price?: bigint | undefined;
  readonly lot?: bigint | undefined;
}

export interface TradeProposalTake {
  /** Base units taken. */
  readonly amount: bigint;
  /** Quote units that change hands (amount / lot × price). */
  readonly quoteAmount?: bigint | undefined;
}

/**
 * The DOM event an orderbook fires when I take an order (`<darkswap-orderbook>`'s
 * `darkswap-order-taken`); its detail has the `TradeProposal` shape. Matched by name and shape,
 * never by class, so two copies of the kit on one page still understand each other.
 */
export const ORDER_TAKEN = 'darkswap-order-taken';

/** What the orderbook hands over: the maker's order and the take. */
export interface TradeProposal {
  readonly order: TradeProposalOrder;
  readonly take: TradeProposalTake;
  /** The maker's peer id, when the orderbook knows it (otherwise it is looked up by the maker's key). */
  readonly peer?: string | undefined;
  /**
   * Where the order's gossip says the maker is (its peer id): an unsigned hint. Without a link to the maker the
   * trade widget dials it, and proposes only when the peer there proves the order's maker key.
   */
  readonly makerPeer?: string | undefined;
  /** Fee rate in sat/vB (default: the widget's `fee-rate`). */
  readonly feeRate?: bigint | undefined;
}

const Hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const Units = v.pipe(v.bigint(), v.minValue(1n));

/** Runtime shape check of a proposal (it arrives in a DOM event from another widget or the host). */
export const TradeProposalSchema = v.object({
  order: v.object({
    id: Hex64,
    maker: Hex64,
    base: v.pipe(v.string(), v.maxLength(40)),
    quote: v.pipe(v.string(), v.maxLength(40)),
    side: v.picklist(['buy', 'sell']),
    price: v.optional(Units),
    lot: v.optional(Units),
  }),
  take: v.object({ amount: Units, quoteAmount: v.optional(Units) }),
  peer: v.optional(v.pipe(v.string(), v.maxLength(64))),
  makerPeer: v.optional(v.pipe(v.string(), v.maxLength(64), v.check(isValidPeerId, 'not a peer id'))),
  feeRate: v.optional(Units),
});

export const isTradeProposal = (value: unknown): value is TradeProposal => v.is(TradeProposalSchema, value);

const ASSET = /^(RUNE|ALKANE):(0|[1-9][0-9]{0,19}):(0|[1-9][0-9]{0,9})$/;

/**
 * Swap terms and my (the taker's) role for a take of an order. Version 1 trades BTC against one rune or
 * alkane, so exactly one of base and quote must be `BTC`.
 */
export function proposalToTerms(
  p: TradeProposal,
  options: { network: SwapTermsWire['network']; feeRate: bigint; assetOutputValue?: bigint },
): { ok: true; terms: SwapTermsWire; role: SwapRole; orderId: string } | { ok: false; message: string } {
  if (!isTradeProposal(p)) return { ok: false, message: 'not a trade proposal (order and take)' };
  const { order, take } = p;
  const quoteAmount = take.quoteAmount ?? (order.price && order.lot ? (take.amount * order.price) / order.lot : undefined);
  if (quoteAmount === undefined || quoteAmount <= 0n) return { ok: false, message: 'the take has no quote amount and the order no price' };
  const baseIsBtc = order.base === 'BTC';
  const quoteIsBtc = order.quote === 'BTC';
  if (baseIsBtc === quoteIsBtc) return { ok: false, message: 'only BTC against one rune or alkane can be traded' };
  const assetText = baseIsBtc ? order.quote : order.base;
  const m = ASSET.exec(assetText);
  if (!m) return { ok: false, message: `unknown asset ${assetText}` };
  const kind = m[1] === 'RUNE' ? 'rune' : 'alkane';
  const id = `${m[2]}:${m[3]}`;
  // Base is the asset: the maker selling base sells the asset. Base is BTC: the maker selling base buys the asset.
  const makerSellsAsset = baseIsBtc ? order.side === 'buy' : order.side === 'sell';
  const amount = baseIsBtc ? quoteAmount : take.amount;
  const priceSats = baseIsBtc ? take.amount : quoteAmount;
  const terms: SwapTermsWire = {
    version: TERMS_VERSION,
    network: options.network,
    asset: { kind, id },
    amount: amount.toString(),
    priceSats: priceSats.toString(),
    feeRate: (p.feeRate ?? options.feeRate).toString(),
    assetOutputValue: (options.assetOutputValue ?? 546n).toString(),
  };
  return { ok: true, terms, role: makerSellsAsset ? 'buyer' : 'seller', orderId: order.id };
}

/** The parts of my live order an incoming proposal is checked against. */
export interface LiveOrder extends TradeProposalOrder {
  readonly price: bigint;
  readonly lot: bigint;
  /** Base units still offered (sell) or wanted (buy). */
  readonly amount: bigint;
  readonly minFill?: bigint | undefined;
  readonly expires: number;
}

/**
 * Whether a proposal that names my order matches that order as it stands: live, the same asset, me on the
 * maker's side, an amount within what remains (and at least the minimum fill), and at least my price when
 * I sell the asset (at most when I buy it). A reason when it does not. Pure.
 */
export function checkAgainstOrder(
  p: { readonly terms: SwapTermsWire; readonly role: SwapRole },
  order: LiveOrder | undefined,
  now: number,
): string | undefined {
  if (!order) return 'no live order of mine has that id';
  if (order.expires <= now) return 'that order has expired';
  const baseIsBtc = order.base === 'BTC';
  const amount = BigInt(p.terms.amount);
  const priceSats = BigInt(p.terms.priceSats);
  // The take in base units, and the quote units it pays.
  const take = baseIsBtc ? { amount: priceSats, quoteAmount: amount } : { amount, quoteAmount: priceSats };
  const expected = proposalToTerms({ order, take }, { network: p.terms.network, feeRate: BigInt(p.terms.feeRate) });
  if (!expected.ok) return expected.message;
  if (expected.terms.asset.kind !== p.terms.asset.kind || expected.terms.asset.id !== p.terms.asset.id) return 'the asset is not the order’s';
  // proposalToTerms gives the taker's role; mine (the maker's) is the other one.
  if (expected.role === p.role) return 'the sides are not the order’s';
  if (take.amount > order.amount) return `it takes ${take.amount} base units; ${order.amount} remain`;
  if (take.amount < (order.minFill ?? order.lot)) return `it takes ${take.amount} base units, below the minimum fill`;
  if (take.amount % order.lot !== 0n) return 'it is not a whole number of lots';
  const quoteAtPrice = (take.amount * order.price) / order.lot;
  // The maker sells base: the taker pays at least the price in quote units; the maker buys base: at most.
  if (order.side === 'sell' ? take.quoteAmount < quoteAtPrice : take.quoteAmount > quoteAtPrice) return 'the price is not the order’s';
  return undefined;
}
