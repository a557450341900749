import { expect } from '@open-wc/testing';
import { OrderBook, comparePrice, type TakeRequest } from './book.model.js';
import { type Cancel, type Order, type OrderFields } from './order.model.js';
import { ratio } from './ratio.js';
import { fakeKey, T0, unsignedOrder } from './orderbook.fixtures.js';
import { MAX_CLOCK_SKEW_MS, MAX_TTL_MS } from './orderbook.types.js';

const PAIR = { base: 'RUNE:840000:3', quote: 'BTC' } as const;
const MAKER = fakeKey(1);
const OTHER = fakeKey(2);
const TAKER = fakeKey(3);

const ask = (o: Partial<OrderFields> = {}) => unsignedOrder({ side: 'sell', ...o });
const bid = (o: Partial<OrderFields> = {}) => unsignedOrder({ side: 'buy', ...o });
/** A cancel object as the book sees it (signatures are checked before the book). */
const tombstone = (order: Order, maker = order.maker, at = T0 + 1000): Cancel => ({ orderId: order.id, maker, at, sig: '0'.repeat(128) });

function take(over: Partial<TakeRequest>): TakeRequest {
  return { taker: TAKER, ...PAIR, side: 'buy', amount: 1000n, limit: ratio(1n, 1n), ...over };
}

/** Independent reference for price-time priority: price as exact cross-multiplication, then created, then id. */
function referenceSort(orders: Order[], side: 'buy' | 'sell'): string[] {
  return [...orders]
    .sort((a, b) => {
      const l = a.price * b.lot;
      const r = b.price * a.lot;
      if (l !== r) return (l < r ? -1 : 1) * (side === 'sell' ? 1 : -1);
      if (a.created !== b.created) return a.created - b.created;
      return a.id < b.id ? -1 : 1;
    })
    .map((o) => o.id);
}

describe('order book', () => {
  it('keeps bids and asks in price-time priority whatever the insertion order', () => {
    const book = new OrderBook({ maxLivePerMaker: 1000 });
    const orders: Order[] = [];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 400; i++) {
      // Prices with different lots, some equal in value (2/4 is not allowed: use coprime spellings).
      const lots = [1n, 3n, 7n, 10n];
      const lot = lots[random(lots.length)];
      let price = BigInt(1 + random(30));
      while (gcdBig(price, lot) !== 1n) price += 1n;
      const o = (i % 2 ? bid : ask)({ price, lot, amount: lot * 10n, created: T0 + random(5) * 1000, maker: fakeKey(10 + random(5)) });
      orders.push(o);
      expect(book.insert(o, T0).ok).to.equal(true);
    }
    const bids = orders.filter((o) => o.side === 'buy');
    const asks = orders.filter((o) => o.side === 'sell');
    expect(book.orders(PAIR.base, PAIR.quote, 'buy').map((o) => o.id)).to.deep.equal(referenceSort(bids, 'buy'));
    expect(book.orders(PAIR.base, PAIR.quote, 'sell').map((o) => o.id)).to.deep.equal(referenceSort(asks, 'sell'));
    expect(book.size).to.equal(400);
    // Removing keeps the order.
    for (const o of asks.slice(0, 100)) expect(book.remove(o.id)).to.equal(o);
    expect(book.orders(PAIR.base, PAIR.quote, 'sell').map((o) => o.id)).to.deep.equal(referenceSort(asks.slice(100), 'sell'));
    expect(book.remove(asks[0].id)).to.equal(undefined);
  });

  it('compares prices exactly across different lots', () => {
    // 1 sat per 3 units vs 333,333 sats per 1,000,000 units: the first is dearer.
    expect(comparePrice({ price: 1n, lot: 3n }, { price: 333_333n, lot: 1_000_000n })).to.equal(1);
    expect(comparePrice({ price: 2n, lot: 7n }, { price: 2n, lot: 7n })).to.equal(0);
    const huge = (1n << 127n) + 1n;
    expect(comparePrice({ price: huge, lot: 1n }, { price: huge - 1n, lot: 1n })).to.equal(1);
  });

  it('refuses duplicates, expired orders, more live orders per maker than the cap, and a full book', () => {
    const book = new OrderBook({ maxLivePerMaker: 2 });
    const a = ask({ maker: MAKER });
    expect(book.insert(a, T0)).to.deep.equal({ ok: true });
    const dup = book.insert(a, T0);
    expect(dup.ok === false && dup.reason).to.equal('duplicate');
    expect(book.insert(ask({ maker: MAKER }), T0).ok).to.equal(true);
    const third = book.insert(ask({ maker: MAKER }), T0);
    expect(third.ok === false && third.reason).to.equal('too-many-live-orders');
    expect(book.liveCount(MAKER)).to.equal(2);
    expect(book.insert(ask({ maker: OTHER }), T0).ok, 'the cap is per maker').to.equal(true);
    book.remove(a.id);
    expect(book.insert(ask({ maker: MAKER }), T0).ok, 'a slot frees up').to.equal(true);
    const full = new OrderBook({ maxOrders: 2 });
    expect(full.insert(ask({ maker: fakeKey(51) }), T0).ok).to.equal(true);
    expect(full.insert(ask({ maker: fakeKey(52) }), T0).ok).to.equal(true);
    const third2 = full.insert(ask({ maker: fakeKey(53) }), T0);
    expect(third2.ok === false && third2.reason, 'many keys cannot grow the book without bound').to.equal('book-full');
    const stale = ask({ maker: OTHER, created: T0 - 60_000, expires: T0 });
    const expired = book.insert(stale, T0);
    expect(expired.ok === false && expired.reason).to.equal('expired');
  });

  it('aggregates price levels with depth, and gives spread and mid exactly', () => {
    const book = new OrderBook();
    book.insert(ask({ price: 1n, lot: 3n, amount: 30n, maker: MAKER }), T0);
    book.insert(ask({ price: 1n, lot: 3n, amount: 60n, maker: OTHER }), T0);
    book.insert(ask({ price: 1n, lot: 2n, amount: 10n, maker: OTHER }), T0);
    book.insert(bid({ price: 1n, lot: 4n, amount: 40n, maker: MAKER }), T0);
    book.insert(bid({ price: 1n, lot: 5n, amount: 50n, maker: OTHER }), T0);
    const asks = book.levels(PAIR.base, PAIR.quote, 'sell');
    expect(asks.map((l) => [l.price, l.amount, l.total, l.count, l.cumulative])).to.deep.equal([
      [ratio(1n, 3n), 90n, 30n, 2, 90n],
      [ratio(1n, 2n), 10n, 5n, 1, 100n],
    ]);
    const bids = book.levels(PAIR.base, PAIR.quote, 'buy', 1);
    expect(bids).to.have.length(1);
    expect(bids[0].price).to.deep.equal(ratio(1n, 4n));
    expect(book.spread(PAIR.base, PAIR.quote)).to.deep.equal(ratio(1n, 12n)); // 1/3 − 1/4
    expect(book.mid(PAIR.base, PAIR.quote)).to.deep.equal(ratio(7n, 24n)); // (1/3 + 1/4) / 2
    expect(book.spread('BTC', 'RUNE:1:0')).to.equal(undefined);
    expect(book.pairs()).to.deep.equal([{ ...PAIR, bids: 2, asks: 3 }]);
  });

  it('lists my orders oldest first', () => {
    const book = new OrderBook();
    const later = ask({ maker: MAKER, created: T0 + 5000 });
    const earlier = bid({ maker: MAKER, created: T0 });
    book.insert(later, T0 + 5000);
    book.insert(ask({ maker: OTHER }), T0);
    book.insert(earlier, T0 + 5000);
    expect(book.ordersOf(MAKER).map((o) => o.id)).to.deep.equal([earlier.id, later.id]);
    expect(book.ordersOf(TAKER)).to.deep.equal([]);
  });

  describe('cancels', () => {
    it('honours a cancel only from the maker and keeps the tombstone until the order expires', () => {
      const book = new OrderBook();
      const order = ask({ maker: MAKER, expires: T0 + 120_000 });
      book.insert(order, T0);
      const foreign = book.cancel(tombstone(order, OTHER), T0 + 1000);
      expect(foreign.ok === false && foreign.reason).to.equal('not-maker');
      expect(book.has(order.id)).to.equal(true);
      const result = book.cancel(tombstone(order), T0 + 1000);
      expect(result.ok && result.removed).to.equal(order);
      expect(book.has(order.id)).to.equal(false);
      const again = book.insert(order, T0 + 2000);
      expect(again.ok === false && again.reason, 'a cancelled order cannot come back').to.equal('cancelled');
      const dup = book.cancel(tombstone(order), T0 + 3000);
      expect(dup.ok === false && dup.reason).to.equal('duplicate');
      book.prune(order.expires - 1);
      expect(book.cancelOf(order.id)).to.not.equal(undefined);
      book.prune(order.expires);
      expect(book.cancelOf(order.id), 'kept exactly until the order expires').to.equal(undefined);
    });

    it('holds a cancel for an unseen order and applies it when the order arrives', () => {
      const book = new OrderBook();
      const order = ask({ maker: MAKER });
      const early = book.cancel(tombstone(order), T0);
      expect(early).to.deep.equal({ ok: true, honoured: false });
      expect(book.cancelOf(order.id), 'not honoured yet').to.equal(undefined);
      expect(book.pendingCancelCount).to.equal(1);
      const inserted = book.insert(order, T0 + 10);
      expect(inserted.ok === false && inserted.reason).to.equal('cancelled');
      expect(inserted.ok === false && inserted.honouredCancel?.orderId).to.equal(order.id);
      expect(book.cancelOf(order.id)?.maker).to.equal(MAKER);
      expect(book.pendingCancelCount).to.equal(0);
    });

    it('does not let a waiting cancel from another key block the real order', () => {
      const book = new OrderBook();
      const order = ask({ maker: MAKER });
      expect(book.cancel(tombstone(order, OTHER), T0).ok).to.equal(true);
      expect(book.insert(order, T0).ok).to.equal(true);
      expect(book.has(order.id)).to.equal(true);
    });

    it('drops waiting cancels once they are too old to matter, and bounds them', () => {
      const book = new OrderBook({ maxPendingCancels: 3 });
      const orders = [1, 2, 3, 4].map(() => ask({ maker: MAKER }));
      for (const o of orders) book.cancel(tombstone(o, MAKER, T0), T0);
      expect(book.pendingCancelCount).to.equal(3);
      book.prune(T0 + MAX_TTL_MS + MAX_CLOCK_SKEW_MS);
      expect(book.pendingCancelCount).to.equal(0);
      const stale = book.cancel(tombstone(orders[0], MAKER, T0), T0 + MAX_TTL_MS + MAX_CLOCK_SKEW_MS);
      expect(stale.ok === false && stale.reason).to.equal('expired');
    });
  });

  it('prunes expired orders by the injected clock only', () => {
    const book = new OrderBook();
    const short = ask({ maker: MAKER, expires: T0 + 10_000 });
    const long = ask({ maker: OTHER, expires: T0 + 20_000 });
    book.insert(short, T0);
    book.insert(long, T0);
    expect(book.prune(T0 + 9_999)).to.deep.equal([]);
    expect(book.prune(T0 + 10_000)).to.deep.equal([short]);
    expect(book.has(short.id)).to.equal(false);
    expect(book.has(long.id)).to.equal(true);
    expect(book.liveCount(MAKER)).to.equal(0);
    expect(book.prune(T0 + 60_000)).to.deep.equal([long]);
    expect(book.size).to.equal(0);
    expect(book.pairs()).to.deep.equal([]);
  });

  it('keeps a reach hint only with a live order: never for an absent one, gone with the order, forgotten per peer', () => {
    const book = new OrderBook();
    const a = ask({ maker: MAKER, expires: T0 + 10_000 });
    const b = ask({ maker: OTHER, expires: T0 + 20_000 });
    book.setReach(a.id, { peer: 'early' });
    expect(book.reachOf(a.id), 'not in the book yet').to.equal(undefined);
    book.insert(a, T0);
    book.insert(b, T0);
    book.setReach(a.id, { peer: 'maker-1' });
    book.setReach(b.id, { peer: 'maker-2' });
    expect(book.reachOf(a.id)).to.deep.equal({ peer: 'maker-1' });
    expect(book.prune(T0 + 10_000)).to.deep.equal([a]);
    expect(book.reachOf(a.id), 'expired with its order').to.equal(undefined);
    book.insert(a, T0); // refused: expired
    expect(book.reachOf(a.id)).to.equal(undefined);
    expect(book.forgetReachTo('maker-1')).to.equal(0);
    expect(book.forgetReachTo('maker-2')).to.equal(1);
    expect(book.reachOf(b.id)).to.equal(undefined);
    book.setReach(b.id, { peer: 'maker-2' });
    expect(book.cancel(tombstone(b), T0 + 1000)).to.deep.include({ ok: true });
    expect(book.reachOf(b.id), 'cancelled with its order').to.equal(undefined);
  });

  describe('matching', () => {
    it('takes only where prices cross', () => {
      const book = new OrderBook();
      const cheap = ask({ maker: MAKER, price: 2n, lot: 1n, amount: 100n });
      book.insert(cheap, T0);
      expect(book.match(take({ limit: ratio(19n, 10n), amount: 50n }), T0).trades, 'limit 1.9 < ask 2').to.deep.equal([]);
      const crossed = book.match(take({ limit: ratio(2n, 1n), amount: 50n }), T0);
      expect(crossed.trades).to.deep.equal([
        { orderId: cheap.id, maker: MAKER, taker: TAKER, ...PAIR, side: 'buy', amount: 50n, price: 2n, lot: 1n, quoteAmount: 100n },
      ]);
      expect(crossed.filled).to.equal(50n);
      expect(crossed.unfilled).to.equal(0n);
      // A seller takes bids at or above its limit.
      const b = bid({ maker: OTHER, price: 3n, lot: 2n, amount: 100n });
      book.insert(b, T0);
      expect(book.match(take({ side: 'sell', limit: ratio(3n, 2n), amount: 10n }), T0).trades.map((t) => t.orderId)).to.deep.equal([b.id]);
      expect(book.match(take({ side: 'sell', limit: ratio(151n, 100n), amount: 10n }), T0).trades).to.deep.equal([]);
      expect(book.size, 'matching does not change the book').to.equal(2);
    });

    it('walks levels best first, and within a level oldest first', () => {
      const book = new OrderBook();
      const dear = ask({ maker: fakeKey(21), price: 3n, amount: 100n, created: T0 - 5000 });
      const oldCheap = ask({ maker: fakeKey(22), price: 2n, amount: 100n, created: T0 - 2000 });
      const newCheap = ask({ maker: fakeKey(23), price: 2n, amount: 100n, created: T0 - 1000 });
      for (const o of [newCheap, dear, oldCheap]) book.insert(o, T0);
      const result = book.match(take({ limit: ratio(3n, 1n), amount: 250n }), T0);
      expect(result.trades.map((t) => [t.orderId, t.amount, t.quoteAmount])).to.deep.equal([
        [oldCheap.id, 100n, 200n],
        [newCheap.id, 100n, 200n],
        [dear.id, 50n, 150n],
      ]);
    });

    it('fills partially in whole lots and respects minimum fills', () => {
      const book = new OrderBook();
      const picky = ask({ maker: fakeKey(31), price: 1n, lot: 10n, amount: 1000n, minFill: 500n, created: T0 - 3000 });
      const lots = ask({ maker: fakeKey(32), price: 1n, lot: 10n, amount: 1000n, created: T0 - 2000 });
      book.insert(picky, T0);
      book.insert(lots, T0);
      const small = book.match(take({ limit: ratio(1n, 10n), amount: 255n }), T0);
      expect(small.trades.map((t) => [t.orderId, t.amount, t.quoteAmount])).to.deep.equal([[lots.id, 250n, 25n]]);
      expect(small.skipped).to.deep.equal([{ orderId: picky.id, reason: 'below-min-fill' }]);
      expect(small.unfilled).to.equal(5n);
      const big = book.match(take({ limit: ratio(1n, 10n), amount: 1700n }), T0);
      expect(big.trades.map((t) => [t.orderId, t.amount])).to.deep.equal([
        [picky.id, 1000n],
        [lots.id, 700n],
      ]);
      expect(big.filled).to.equal(1700n);
    });

    it('refuses to match the taker against its own orders', () => {
      const book = new OrderBook();
      const mine = ask({ maker: TAKER, price: 1n, amount: 100n, created: T0 - 5000 });
      const theirs = ask({ maker: MAKER, price: 2n, amount: 100n });
      book.insert(mine, T0);
      book.insert(theirs, T0);
      const result = book.match(take({ limit: ratio(5n, 1n), amount: 50n }), T0);
      expect(result.trades.map((t) => t.orderId)).to.deep.equal([theirs.id]);
      expect(result.trades[0].maker).to.not.equal(TAKER);
      expect(result.skipped).to.deep.equal([{ orderId: mine.id, reason: 'self-match' }]);
      const onlyMine = book.match(take({ limit: ratio(5n, 1n), amount: 50n, orderId: mine.id }), T0);
      expect(onlyMine.trades).to.deep.equal([]);
    });

    it('takes one chosen order, skips expired ones and caps the number of trades', () => {
      const book = new OrderBook();
      const first = ask({ maker: fakeKey(41), price: 1n, amount: 10n, created: T0 - 9000, expires: T0 + 1000 });
      const second = ask({ maker: fakeKey(42), price: 1n, amount: 10n, created: T0 - 8000 });
      const third = ask({ maker: fakeKey(43), price: 1n, amount: 10n, created: T0 - 7000 });
      for (const o of [first, second, third]) book.insert(o, T0);
      const chosen = book.match(take({ limit: ratio(1n, 1n), amount: 30n, orderId: third.id }), T0);
      expect(chosen.trades.map((t) => t.orderId)).to.deep.equal([third.id]);
      const later = book.match(take({ limit: ratio(1n, 1n), amount: 30n }), T0 + 1000);
      expect(later.trades.map((t) => t.orderId)).to.deep.equal([second.id, third.id]);
      expect(later.skipped).to.deep.equal([{ orderId: first.id, reason: 'expired' }]);
      const capped = book.match(take({ limit: ratio(1n, 1n), amount: 30n, maxTrades: 1 }), T0);
      expect(capped.trades).to.have.length(1);
      expect(capped.unfilled).to.equal(20n);
    });

    it('handles 10k orders and a stream of takes quickly', () => {
      const book = new OrderBook({ maxLivePerMaker: 100_000 });
      const orders = Array.from({ length: 10_000 }, (_, i) =>
        (i % 2 ? bid : ask)({ maker: fakeKey(100 + (i % 50)), price: BigInt(i % 2 ? 900 + (i % 97) : 1000 + (i % 89)), amount: 100n }),
      );
      const t0 = performance.now();
      for (const o of orders) book.insert(o, T0);
      let trades = 0;
      for (let i = 0; i < 2_000; i++) {
        trades += book.match(take({ side: i % 2 ? 'sell' : 'buy', limit: ratio(i % 2 ? 900n : 1100n, 1n), amount: 250n }), T0).trades.length;
      }
      const ms = performance.now() - t0;
      expect(book.size).to.equal(10_000);
      expect(trades).to.equal(2_000 * 3);
      expect(ms, `${ms.toFixed(0)} ms for 10k inserts + 2k matches`).to.be.lessThan(2_000);
    });
  });
});

function gcdBig(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
