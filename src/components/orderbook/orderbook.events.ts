/** Public events of `<darkswap-orderbook>`: bubble, cross shadow roots, typed detail. */
import { DarkswapEvent } from '../../internal/events.js';
import type { Order, OrderWire } from '../../features/orderbook/order.model.js';
import type { Side } from '../../features/orderbook/orderbook.types.js';

export interface OrderTakenDetail {
  /** The maker's signed order, as in the book. */
  readonly order: Order;
  /** The same order in its wire form (JSON-safe), to hand to the maker. */
  readonly orderWire: OrderWire;
  /** The maker's identity key. */
  readonly maker: string;
  /** My identity key (the taker). */
  readonly taker: string;
  /** My side: `buy` takes an ask, `sell` takes a bid. */
  readonly side: Side;
  readonly base: string;
  readonly quote: string;
  /** Base units I take: whole lots of the order, at least its minimum fill. */
  readonly amount: bigint;
  /** The maker's price: `price` quote units per `lot` base units. */
  readonly price: bigint;
  readonly lot: bigint;
  /** Quote units that change hands (`amount / lot × price`). */
  readonly quoteAmount: bigint;
  /** The take, in the shape `<darkswap-trade>`'s `TradeProposal` reads (`{ order, take, peer }`). */
  readonly take: { readonly amount: bigint; readonly quoteAmount: bigint };
  /** The maker's peer id when I have a link to the maker (its identity key matches), else undefined. */
  readonly peer: string | undefined;
  /**
   * Where the order's gossip says the maker is (its peer id), else undefined. Unsigned, so only a hint: a taker
   * without a link to the maker dials it and proceeds only when the peer there proves the maker's key
   * (`<darkswap-trade from-orderbook>` does).
   */
  readonly makerPeer: string | undefined;
}

/** I took an order: matching found a crossing fill. `<darkswap-trade from-orderbook>` starts the swap from it. */
export class DarkswapOrderTakenEvent extends DarkswapEvent<OrderTakenDetail> {
  static readonly type = 'darkswap-order-taken';
  constructor(detail: OrderTakenDetail) {
    super(DarkswapOrderTakenEvent.type, detail);
  }
}

export interface OrderDetail {
  readonly order: Order;
}

/** My new order was signed, published and stored. */
export class DarkswapOrderPlacedEvent extends DarkswapEvent<OrderDetail> {
  static readonly type = 'darkswap-order-placed';
  constructor(detail: OrderDetail) {
    super(DarkswapOrderPlacedEvent.type, detail);
  }
}

/** I cancelled one of my orders (a signed tombstone went out). */
export class DarkswapOrderCancelledEvent extends DarkswapEvent<OrderDetail> {
  static readonly type = 'darkswap-order-cancelled';
  constructor(detail: OrderDetail) {
    super(DarkswapOrderCancelledEvent.type, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'darkswap-order-taken': DarkswapOrderTakenEvent;
    'darkswap-order-placed': DarkswapOrderPlacedEvent;
    'darkswap-order-cancelled': DarkswapOrderCancelledEvent;
  }
}
