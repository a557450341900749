// Orderbook micro-benchmarks, run in the browser by the bench page:
//   orderbook_ops_per_s  — book inserts + take matches per second on a 10k+ order book, no signature checks
//                          (orders are built beforehand: id hashing is part of decoding, not of the book);
//   order_verify_per_s   — order signature verifications per second (the identity module's verifier,
//                          pages of 100 verified concurrently, as the sync model does for an inbound page).
import { OrderBook, type TakeRequest } from '../src/components/orderbook/book.model.js';
import { createOrder, verifyOrderSignature, type Order } from '../src/components/orderbook/order.model.js';
import { fakeKey, outpoint, T0, unsignedOrder } from '../src/components/orderbook/orderbook.fixtures.js';
import { ratio } from '../src/components/orderbook/ratio.js';
import { createIdentity } from '../src/core/identity.js';

const BASE = 'RUNE:840000:3';
const QUOTE = 'BTC';
const TAKER = fakeKey(0xbeef);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Orders around a mid price of 1000 sats per lot, asks above and bids below, 200 makers. */
function buildOrders(n: number, salt: number): Order[] {
  const orders: Order[] = [];
  for (let i = 0; i < n; i++) {
    const sell = i % 2 === 0;
    const offset = BigInt(1 + ((i * 7919 + salt) % 500));
    orders.push(
      unsignedOrder({
        maker: fakeKey(1 + (i % 200)),
        side: sell ? 'sell' : 'buy',
        price: sell ? 1000n + offset : 1000n - offset,
        lot: 1n,
        amount: 100n + BigInt(i % 50) * 10n,
        created: T0 - (n - i),
        expires: T0 + 300_000,
        outpoints: [outpoint(i + 1)],
      }),
    );
  }
  return orders;
}

/** One round: fill a book with `prefill` orders, then alternate one insert and one take `rounds` times. */
function insertMatchRound(prefill: Order[], stream: Order[]): { ops: number; ms: number } {
  const book = new OrderBook({ maxLivePerMaker: 1_000_000 });
  const buy: TakeRequest = { taker: TAKER, base: BASE, quote: QUOTE, side: 'buy', amount: 250n, limit: ratio(1100n, 1n) };
  const sell: TakeRequest = { ...buy, side: 'sell', limit: ratio(900n, 1n) };
  let trades = 0;
  const t0 = performance.now();
  for (const order of prefill) book.insert(order, T0);
  for (let i = 0; i < stream.length; i++) {
    book.insert(stream[i], T0);
    trades += book.match(i % 2 ? sell : buy, T0).trades.length;
  }
  const ms = performance.now() - t0;
  if (trades === 0 || book.size !== prefill.length + stream.length) throw new Error('orderbook bench: the book did not fill or match');
  return { ops: prefill.length + 2 * stream.length, ms };
}

async function verifyRate(count: number): Promise<number> {
  const makers = await Promise.all(Array.from({ length: 10 }, () => createIdentity()));
  const orders = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      createOrder(makers[i % 10], { base: BASE, quote: QUOTE, side: 'sell', price: 1n, lot: 1n, amount: 1000n, outpoints: [outpoint(i + 1)] }, T0),
    ),
  );
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    let good = 0;
    for (let i = 0; i < orders.length; i += 100) {
      const results = await Promise.all(orders.slice(i, i + 100).map((o) => verifyOrderSignature(o)));
      good += results.filter(Boolean).length;
    }
    const ms = performance.now() - t0;
    if (good !== orders.length) throw new Error('orderbook bench: a valid signature failed to verify');
    rates.push((orders.length / ms) * 1000);
  }
  return median(rates);
}

export async function orderbookBench(): Promise<Record<string, number>> {
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    const prefill = buildOrders(10_000, round);
    const stream = buildOrders(20_000, round + 17); // fresh nonces: distinct ids
    const { ops, ms } = insertMatchRound(prefill, stream);
    if (round > 0) rates.push((ops / ms) * 1000); // round 0 warms the JIT
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return {
    orderbook_ops_per_s: Math.round(median(rates)),
    order_verify_per_s: Math.round(await verifyRate(1000)),
  };
}
