/**
 * The order book: live orders per pair in price-time priority, cancels (tombstones), expiry, a
 * per-maker cap, display aggregates and matching. Pure and synchronous; time is always passed in.
 *
 * The book trusts what it is given: check orders with `validateOrder` and cancels with
 * `validateCancel` (signatures) before `insert` / `cancel`. It enforces only what needs the book's
 * state: duplicates, cancelled ids, expiry and the per-maker cap.
 *
 * Priority: best price first (asks ascending, bids descending, compared exactly by cross-
 * multiplication), then earlier `created`, then smaller id (so every peer orders ties the same way).
 * Refreshing an order (a new one with a later `created`) therefore gives up its time priority.
 */
import { SortedList } from './sorted-list.js';
import { midRatio, ratio, subRatio, type Ratio } from './ratio.js';
import { minFillOf, quoteFor, type Cancel, type Order } from './order.model.js';
import {
  DEFAULT_MAX_LIVE_PER_MAKER,
  DEFAULT_MAX_ORDERS,
  MAX_CLOCK_SKEW_MS,
  MAX_TTL_MS,
  SHORT_ID_HEX,
  type OrderRejectReason,
  type Reach,
  type Side,
} from './orderbook.types.js';

export interface BookOptions {
  /** Live orders one maker key may have in this book (default DEFAULT_MAX_LIVE_PER_MAKER). */
  maxLivePerMaker?: number;
  /** Live orders in the whole book (default DEFAULT_MAX_ORDERS). */
  maxOrders?: number;
  /** Cancels for orders we have not seen are kept (bounded) in case the order arrives later. */
  maxPendingCancels?: number;
}

export type InsertResult =
  | { ok: true }
  | {
      ok: false;
      reason: Extract<OrderRejectReason, 'duplicate' | 'cancelled' | 'expired' | 'too-many-live-orders' | 'book-full'>;
      message: string;
      /** Set when this insert turned a pending cancel into an honoured one (sync forwards it). */
      honouredCancel?: Cancel;
    };

export type CancelResult =
  | {
      ok: true;
      /** The order taken off the book, when it was there. */
      removed?: Order | undefined;
      /** False when the order is unknown: the cancel waits (unforwarded) for it. */
      honoured: boolean;
    }
  | { ok: false; reason: 'not-maker' | 'duplicate' | 'expired'; message: string };

export interface PriceLevel {
  /** Quote units per base unit, in lowest terms. */
  readonly price: Ratio;
  /** Sum of the orders' base amounts. */
  readonly amount: bigint;
  /** Sum of the orders' quote totals. */
  readonly total: bigint;
  readonly count: number;
  /** Base amount of this level and every better one (depth). */
  readonly cumulative: bigint;
}

export interface TakeRequest {
  /** The taker's identity key: its own orders are never matched (self-match refused). */
  readonly taker: string;
  readonly base: string;
  readonly quote: string;
  /** The taker's side: `buy` takes asks, `sell` takes bids. */
  readonly side: Side;
  /** Base units wanted. */
  readonly amount: bigint;
  /** Worst acceptable price, quote units per base unit: a buy takes asks ≤ limit, a sell bids ≥ limit. */
  readonly limit: Ratio;
  /** Take only this order (the "take" button on one order). */
  readonly orderId?: string | undefined;
  /** At most this many trades (default 64). */
  readonly maxTrades?: number | undefined;
}

export interface ProposedTrade {
  readonly orderId: string;
  readonly maker: string;
  readonly taker: string;
  readonly base: string;
  readonly quote: string;
  /** The taker's side. */
  readonly side: Side;
  /** Base units, a whole number of the order's lots and at least its minimum fill. */
  readonly amount: bigint;
  /** The maker's price: `price` quote units per `lot` base units. */
  readonly price: bigint;
  readonly lot: bigint;
  /** Quote units that change hands: amount / lot × price. */
  readonly quoteAmount: bigint;
}

export const MATCH_SKIP_REASONS = ['self-match', 'below-min-fill', 'expired'] as const;
export type MatchSkipReason = (typeof MATCH_SKIP_REASONS)[number];

export interface MatchResult {
  readonly trades: ProposedTrade[];
  readonly filled: bigint;
  readonly unfilled: bigint;
  /** Crossing orders that could not be used, and why (at most 100 listed). */
  readonly skipped: { orderId: string; reason: MatchSkipReason }[];
}

interface Tombstone {
  readonly cancel: Cancel;
  keepUntil: number;
}

interface PairBook {
  readonly bids: SortedList<Order>;
  readonly asks: SortedList<Order>;
}

/** Sign of (a.price/a.lot − b.price/b.lot), exact. */
export function comparePrice(a: Pick<Order, 'price' | 'lot'>, b: Pick<Order, 'price' | 'lot'>): number {
  if (a.lot === b.lot) return a.price < b.price ? -1 : a.price > b.price ? 1 : 0;
  const l = a.price * b.lot;
  const r = b.price * a.lot;
  return l < r ? -1 : l > r ? 1 : 0;
}

function compareTime(a: Order, b: Order): number {
  if (a.created !== b.created) return a.created - b.created;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const askOrder = (a: Order, b: Order): number => comparePrice(a, b) || compareTime(a, b);
const bidOrder = (a: Order, b: Order): number => comparePrice(b, a) || compareTime(a, b);

export function pairKey(base: string, quote: string): string {
  return `${base}/${quote}`;
}

export class OrderBook {
  private readonly byId = new Map<string, Order>();
  private readonly pairBooks = new Map<string, PairBook>();
  private readonly byMaker = new Map<string, Set<string>>();
  /**
   * Expiry index: whole second → orders expiring in it. Insert and remove are O(1); prune walks
   * the bucket keys, of which there are at most ~(TTL + skew) / 1 s ≈ 630.
   */
  private readonly byExpiry = new Map<number, Set<Order>>();
  /** Cancels of orders we hold or held: order id → tombstone. Gossiped and offered in digests. */
  private readonly honoured = new Map<string, Tombstone>();
  /** Cancels of orders we have not seen: `orderId + maker` → tombstone. Never forwarded. */
  private readonly pending = new Map<string, Tombstone>();
  /** Short id (first SHORT_ID_HEX hex of the id) → id, for live orders and for honoured cancels. */
  private readonly orderShort = new Map<string, string>();
  private readonly cancelShort = new Map<string, string>();
  /** Live order id → how to reach its maker (an unsigned hint from the wire; see `Reach`). */
  private readonly reachById = new Map<string, Reach>();
  readonly maxLivePerMaker: number;
  readonly maxPendingCancels: number;
  readonly maxOrders: number;

  constructor(options: BookOptions = {}) {
    this.maxLivePerMaker = options.maxLivePerMaker ?? DEFAULT_MAX_LIVE_PER_MAKER;
    this.maxPendingCancels = options.maxPendingCancels ?? 10_000;
    this.maxOrders = options.maxOrders ?? DEFAULT_MAX_ORDERS;
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Order | undefined {
    return this.byId.get(id);
  }

  /** Every live order, in no particular order. */
  all(): IterableIterator<Order> {
    return this.byId.values();
  }

  liveCount(maker: string): number {
    return this.byMaker.get(maker)?.size ?? 0;
  }

  /** Add a (validated) order. */
  insert(order: Order, now: number): InsertResult {
    if (this.byId.has(order.id)) return { ok: false, reason: 'duplicate', message: 'Already in the book.' };
    if (this.honoured.has(order.id)) return { ok: false, reason: 'cancelled', message: 'The maker cancelled it.' };
    const pendingKey = order.id + order.maker;
    const waiting = this.pending.get(pendingKey);
    if (waiting) {
      this.pending.delete(pendingKey);
      this.honour(waiting.cancel, Math.max(waiting.keepUntil, order.expires));
      return { ok: false, reason: 'cancelled', message: 'The maker cancelled it.', honouredCancel: waiting.cancel };
    }
    if (order.expires <= now) return { ok: false, reason: 'expired', message: 'The order has expired.' };
    let mine = this.byMaker.get(order.maker);
    if ((mine?.size ?? 0) >= this.maxLivePerMaker) {
      return { ok: false, reason: 'too-many-live-orders', message: `The maker already has ${this.maxLivePerMaker} live orders.` };
    }
    if (this.byId.size >= this.maxOrders) {
      return { ok: false, reason: 'book-full', message: `The book holds its maximum of ${this.maxOrders} orders.` };
    }
    if (!mine) this.byMaker.set(order.maker, (mine = new Set()));
    mine.add(order.id);
    this.byId.set(order.id, order);
    this.orderShort.set(order.id.slice(0, SHORT_ID_HEX), order.id);
    const second = Math.floor(order.expires / 1000);
    let bucket = this.byExpiry.get(second);
    if (!bucket) this.byExpiry.set(second, (bucket = new Set()));
    bucket.add(order);
    const book = this.pairBook(order.base, order.quote, true);
    (order.side === 'buy' ? book.bids : book.asks).insert(order);
    return { ok: true };
  }

  /** Take an order off the book (no tombstone). Returns it, or undefined when absent. */
  remove(id: string): Order | undefined {
    const order = this.byId.get(id);
    if (!order) return undefined;
    this.byId.delete(id);
    this.reachById.delete(id);
    const short = id.slice(0, SHORT_ID_HEX);
    if (this.orderShort.get(short) === id) this.orderShort.delete(short);
    const second = Math.floor(order.expires / 1000);
    const bucket = this.byExpiry.get(second);
    if (bucket) {
      bucket.delete(order);
      if (bucket.size === 0) this.byExpiry.delete(second);
    }
    const mine = this.byMaker.get(order.maker);
    if (mine) {
      mine.delete(id);
      if (mine.size === 0) this.byMaker.delete(order.maker);
    }
    const book = this.pairBook(order.base, order.quote, false);
    if (book) {
      (order.side === 'buy' ? book.bids : book.asks).remove(order);
      if (book.bids.size === 0 && book.asks.size === 0) this.pairBooks.delete(pairKey(order.base, order.quote));
    }
    return order;
  }

  /**
   * Apply a (signature-checked) cancel. Honoured only when it names the order's maker; for an order
   * we have not seen it waits, bounded, until that order arrives or the cancel goes stale.
   */
  cancel(c: Cancel, now: number): CancelResult {
    if (this.honoured.has(c.orderId)) return { ok: false, reason: 'duplicate', message: 'Already cancelled.' };
    const order = this.byId.get(c.orderId);
    if (order) {
      if (order.maker !== c.maker) {
        return { ok: false, reason: 'not-maker', message: 'Only the maker of an order can cancel it.' };
      }
      this.remove(order.id);
      this.honour(c, order.expires);
      return { ok: true, removed: order, honoured: true };
    }
    const key = c.orderId + c.maker;
    if (this.pending.has(key)) return { ok: false, reason: 'duplicate', message: 'Already waiting for its order.' };
    const keepUntil = c.at + MAX_TTL_MS + MAX_CLOCK_SKEW_MS;
    if (keepUntil <= now) return { ok: false, reason: 'expired', message: 'Too old to cancel a live order.' };
    this.pending.set(key, { cancel: c, keepUntil });
    if (this.pending.size > this.maxPendingCancels) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    return { ok: true, honoured: false };
  }

  /** How to reach the maker of a live order (an unsigned hint), if known. */
  reachOf(id: string): Reach | undefined {
    return this.reachById.get(id);
  }

  /** Keep (or, with undefined, forget) how to reach the maker of a live order; ignored for an order not in the book. */
  setReach(id: string, reach: Reach | undefined): void {
    if (!reach) this.reachById.delete(id);
    else if (this.byId.has(id)) this.reachById.set(id, Object.freeze({ peer: reach.peer }));
  }

  /** Forget every hint that points at `peer` (it went away); returns how many were forgotten. */
  forgetReachTo(peer: string): number {
    let n = 0;
    for (const [id, reach] of this.reachById) {
      if (reach.peer !== peer) continue;
      this.reachById.delete(id);
      n++;
    }
    return n;
  }

  /** A live order by short id (the first SHORT_ID_HEX hex digits of its id). */
  getByShortId(short: string): Order | undefined {
    const id = this.orderShort.get(short);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** An honoured cancel by the short id of its order. */
  cancelByShortId(short: string): Cancel | undefined {
    const id = this.cancelShort.get(short);
    return id === undefined ? undefined : this.honoured.get(id)?.cancel;
  }

  /** The honoured cancel of an order, if any. */
  cancelOf(orderId: string): Cancel | undefined {
    return this.honoured.get(orderId)?.cancel;
  }

  /** Honoured cancels (the ones peers should learn about). */
  *cancels(): IterableIterator<Cancel> {
    for (const t of this.honoured.values()) yield t.cancel;
  }

  get cancelCount(): number {
    return this.honoured.size;
  }

  get pendingCancelCount(): number {
    return this.pending.size;
  }

  /** Drop expired orders and tombstones past their keep-until. Returns the orders removed. */
  prune(now: number): Order[] {
    const expired: Order[] = [];
    const last = Math.floor(now / 1000);
    for (const [second, bucket] of this.byExpiry) {
      if (second > last) continue;
      for (const order of bucket) if (order.expires <= now) expired.push(order);
    }
    expired.sort((a, b) => a.expires - b.expires || (a.id < b.id ? -1 : 1));
    for (const order of expired) this.remove(order.id);
    for (const [id, t] of this.honoured) {
      if (t.keepUntil > now) continue;
      this.honoured.delete(id);
      const short = id.slice(0, SHORT_ID_HEX);
      if (this.cancelShort.get(short) === id) this.cancelShort.delete(short);
    }
    for (const [key, t] of this.pending) if (t.keepUntil <= now) this.pending.delete(key);
    return expired;
  }

  private honour(c: Cancel, keepUntil: number): void {
    this.honoured.set(c.orderId, { cancel: c, keepUntil });
    this.cancelShort.set(c.orderId.slice(0, SHORT_ID_HEX), c.orderId);
  }

  /** Orders of one side of a pair, best first. */
  orders(base: string, quote: string, side: Side): Order[] {
    const book = this.pairBook(base, quote, false);
    return book ? (side === 'buy' ? book.bids : book.asks).toArray() : [];
  }

  /** The best order of a side (highest bid / lowest ask). */
  best(base: string, quote: string, side: Side): Order | undefined {
    const book = this.pairBook(base, quote, false);
    return book ? (side === 'buy' ? book.bids : book.asks).first() : undefined;
  }

  /** Pairs with at least one live order, with counts. */
  pairs(): { base: string; quote: string; bids: number; asks: number }[] {
    const out: { base: string; quote: string; bids: number; asks: number }[] = [];
    for (const [key, book] of this.pairBooks) {
      const slash = key.indexOf('/');
      out.push({ base: key.slice(0, slash), quote: key.slice(slash + 1), bids: book.bids.size, asks: book.asks.size });
    }
    return out;
  }

  /** Aggregated price levels of one side, best first, with cumulative depth. */
  levels(base: string, quote: string, side: Side, limit = Infinity): PriceLevel[] {
    const book = this.pairBook(base, quote, false);
    const levels: PriceLevel[] = [];
    if (!book) return levels;
    let current: { price: bigint; lot: bigint; amount: bigint; total: bigint; count: number } | undefined;
    let cumulative = 0n;
    const flush = () => {
      if (!current) return;
      cumulative += current.amount;
      levels.push({
        price: ratio(current.price, current.lot),
        amount: current.amount,
        total: current.total,
        count: current.count,
        cumulative,
      });
    };
    (side === 'buy' ? book.bids : book.asks).forEach((o) => {
      // Prices are in lowest terms, so equal prices have equal (price, lot).
      if (current && current.price === o.price && current.lot === o.lot) {
        current.amount += o.amount;
        current.total += quoteFor(o, o.amount);
        current.count += 1;
        return true;
      }
      flush();
      if (levels.length >= limit) {
        current = undefined;
        return false;
      }
      current = { price: o.price, lot: o.lot, amount: o.amount, total: quoteFor(o, o.amount), count: 1 };
      return true;
    });
    flush();
    return levels;
  }

  /** Best ask − best bid (negative when the book is crossed); undefined without both sides. */
  spread(base: string, quote: string): Ratio | undefined {
    const bid = this.best(base, quote, 'buy');
    const ask = this.best(base, quote, 'sell');
    return bid && ask ? subRatio(ratio(ask.price, ask.lot), ratio(bid.price, bid.lot)) : undefined;
  }

  /** (best ask + best bid) / 2, exact; undefined without both sides. */
  mid(base: string, quote: string): Ratio | undefined {
    const bid = this.best(base, quote, 'buy');
    const ask = this.best(base, quote, 'sell');
    return bid && ask ? midRatio(ratio(ask.price, ask.lot), ratio(bid.price, bid.lot)) : undefined;
  }

  /** A maker's live orders, oldest first ("my orders"). */
  ordersOf(maker: string): Order[] {
    const ids = this.byMaker.get(maker);
    if (!ids) return [];
    const out: Order[] = [];
    for (const id of ids) {
      const order = this.byId.get(id);
      if (order) out.push(order);
    }
    return out.sort(compareTime);
  }

  /**
   * Propose trades for a take request against the opposite side, in price-time priority, only where
   * the prices cross, never against the taker's own orders, each fill a whole number of the order's
   * lots and at least its minimum fill. Does not change the book: the proposals go to the makers.
   */
  match(req: TakeRequest, now: number): MatchResult {
    const trades: ProposedTrade[] = [];
    const skipped: { orderId: string; reason: MatchSkipReason }[] = [];
    let remaining = req.amount > 0n ? req.amount : 0n;
    const book = this.pairBook(req.base, req.quote, false);
    const maxTrades = req.maxTrades ?? 64;
    if (book && remaining > 0n && req.limit.den > 0n) {
      const list = req.side === 'buy' ? book.asks : book.bids;
      const { num, den } = req.limit;
      const skip = (orderId: string, reason: MatchSkipReason) => {
        if (skipped.length < 100) skipped.push({ orderId, reason });
      };
      const consider = (o: Order): boolean => {
        const lhs = o.price * den;
        const rhs = num * o.lot;
        if (req.side === 'buy' ? lhs > rhs : lhs < rhs) return false; // no longer crosses
        if (o.expires <= now) skip(o.id, 'expired');
        else if (o.maker === req.taker) skip(o.id, 'self-match');
        else {
          let fill = remaining < o.amount ? remaining : o.amount;
          fill -= fill % o.lot;
          if (fill === 0n || fill < minFillOf(o)) skip(o.id, 'below-min-fill');
          else {
            trades.push({
              orderId: o.id,
              maker: o.maker,
              taker: req.taker,
              base: o.base,
              quote: o.quote,
              side: req.side,
              amount: fill,
              price: o.price,
              lot: o.lot,
              quoteAmount: quoteFor(o, fill),
            });
            remaining -= fill;
          }
        }
        return remaining > 0n && trades.length < maxTrades;
      };
      if (req.orderId !== undefined) {
        const o = this.byId.get(req.orderId);
        if (o && o.base === req.base && o.quote === req.quote && o.side !== req.side) consider(o);
      } else {
        list.forEach(consider);
      }
    }
    const requested = req.amount > 0n ? req.amount : 0n;
    return { trades, filled: requested - remaining, unfilled: remaining, skipped };
  }

  private pairBook(base: string, quote: string, create: true): PairBook;
  private pairBook(base: string, quote: string, create: false): PairBook | undefined;
  private pairBook(base: string, quote: string, create: boolean): PairBook | undefined {
    const key = pairKey(base, quote);
    let book = this.pairBooks.get(key);
    if (!book && create) {
      book = { bids: new SortedList<Order>(bidOrder), asks: new SortedList<Order>(askOrder) };
      this.pairBooks.set(key, book);
    }
    return book;
  }
}
