// Orderbook benchmarks, run in the browser by the bench page:
//   orderbook_ops_per_s  — book inserts + take matches per second on a 10k+ order book, no signature checks
//                          (orders are built beforehand: id hashing is part of decoding, not of the book);
//   order_verify_per_s   — order signature verifications per second (the identity module's verifier,
//                          pages of 100 verified concurrently, as the sync model does for an inbound page);
//   orderbook_10k_first_render_ms — <darkswap-orderbook> on a store holding 10,000 orders (5,000 levels a
//                          side): element attached → both virtualized lists show their first rows
//                          (median of 5 fresh elements, after one warm-up);
//   orderbook_update_script_ms — one coalesced 10 Hz update on that 10k book (10 orders in, 10 out):
//                          flush() → element update done (view model, Lit render, virtualizer item
//                          update; median of 30);
// and, when given a signaling config ({host, port, path, key} of a PeerServer), two services in this page:
//   orderbook_burst500_longest_task_ms — the longest main-thread task while 500 signed orders arrive at
//                          once at a service whose <darkswap-orderbook> is on screen: the longest gap of a
//                          MessageChannel ping loop, or the longest PerformanceObserver 'longtask', whichever
//                          is larger (the receiver's schema checks, hashing, WebCrypto verification,
//                          insertion and 10 Hz re-renders all count);
//   orderbook_sync_1000_ms — a late joiner's sync of 1,000 orders (10 makers): its peer-connected event →
//                          all 1,000 verified and in its book (digest, paged gets, paged orders).
import { OrderBook, type TakeRequest } from '../src/features/orderbook/book.model.js';
import { createOrder, encodeOrder, verifyOrderSignature, type Order } from '../src/features/orderbook/order.model.js';
import { fakeKey, outpoint, T0, unsignedOrder } from '../src/features/orderbook/orderbook.fixtures.js';
import { ratio } from '../src/features/orderbook/ratio.js';
import { createIdentity } from '../src/core/identity.js';
import { ConnectionService } from '../src/core/connection-service.js';
import { OrderbookStore } from '../src/features/orderbook/orderbook.store.js';
import { SyncMessageSchema, type SyncMessage } from '../src/features/orderbook/sync.model.js';
import { MAX_MESSAGE_BYTES, ORDERBOOK_CHANNEL } from '../src/features/orderbook/orderbook.types.js';
import type { DarkswapOrderbook } from '../src/components/orderbook/orderbook.js';
import '../src/components/orderbook/darkswap-orderbook.js';

/** Where the PeerServer is (the bench runner's signaling). */
export interface BenchSignaling {
  host: string;
  port: number;
  path: string;
  key: string;
}

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

const PAIR = `${BASE}/${QUOTE}`;

/** 10,000 live unsigned orders (the book does not check signatures), 5,000 price levels a side. */
function tenK(now: number): Order[] {
  const out: Order[] = [];
  for (let i = 0; i < 10_000; i++) {
    const sell = i % 2 === 0;
    out.push(
      unsignedOrder({
        maker: fakeKey(1 + (i % 200)),
        side: sell ? 'sell' : 'buy',
        price: sell ? 100_000n + BigInt(i) : 100_000n - BigInt(i) - 1n,
        amount: 100n + BigInt(i % 50),
        created: now - 10_000 + (i % 1000),
        expires: now + 300_000,
        outpoints: [outpoint(i + 1)],
      }),
    );
  }
  return out;
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** Both virtualized lists have rows in the DOM (they appear once the virtualizer has measured its host). */
async function rowsShown(el: DarkswapOrderbook): Promise<void> {
  const shown = () => [...el.shadowRoot!.querySelectorAll('[data-list]')].every((list) => list.querySelector('[part~="level"]'));
  for (let i = 0; i < 5000 && !shown(); i++) await new Promise((r) => setTimeout(r, 0));
  if (!shown()) throw new Error('orderbook bench: no rows rendered');
}

async function mountOrderbook(store: OrderbookStore): Promise<{ el: DarkswapOrderbook; ms: number }> {
  const el = document.createElement('darkswap-orderbook');
  el.pair = PAIR;
  el.store = store;
  const t0 = performance.now();
  document.body.append(el);
  await el.updateComplete;
  await rowsShown(el);
  const ms = performance.now() - t0;
  return { el, ms };
}

async function renderBenches(): Promise<{ first: number; update: number }> {
  const now = Date.now();
  const store = new OrderbookStore({ persist: false, pruneEveryMs: 0, refreshBeforeMs: 0, book: { maxLivePerMaker: 1_000_000 } });
  try {
    for (const o of tenK(now)) store.book.insert(o, now);
    const firsts: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { el, ms } = await mountOrderbook(store);
      if (i > 0) firsts.push(ms); // the first one also loads and JIT-compiles the element
      el.remove();
      await frame();
    }
    const { el } = await mountOrderbook(store);
    const stream = tenK(now + 1).slice(0, 600);
    const updates: number[] = [];
    for (let round = 0; round < 30; round++) {
      // 100 ms of traffic: 10 new orders, 10 gone.
      for (const o of stream.slice(round * 20, round * 20 + 10)) store.book.insert(o, now);
      let removed = 0;
      for (const o of store.book.all()) {
        if (removed === 10) break;
        if (store.book.remove(o.id)) removed++;
      }
      const t0 = performance.now();
      el.flush();
      await el.updateComplete;
      updates.push(performance.now() - t0);
      await frame();
    }
    el.remove();
    return { first: median(firsts), update: median(updates) };
  } finally {
    store.dispose();
  }
}

function service(s: BenchSignaling, identity: Awaited<ReturnType<typeof createIdentity>>): ConnectionService {
  return new ConnectionService({
    host: s.host,
    port: s.port,
    path: s.path,
    key: s.key,
    iceServers: [],
    identity,
    connectTimeoutMs: 10_000,
    openTimeoutMs: 10_000,
  });
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!condition()) {
    if (performance.now() - t0 > ms) throw new Error(`orderbook bench: ${what} not done within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Signed orders from `makers` distinct keys (100 each: the per-maker cap). */
async function signedOrders(count: number, makers: number): Promise<Order[]> {
  const keys = await Promise.all(Array.from({ length: makers }, () => createIdentity()));
  const now = Date.now();
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      createOrder(
        keys[i % makers],
        {
          base: BASE,
          quote: QUOTE,
          side: i % 2 ? 'buy' : 'sell',
          price: i % 2 ? 900n - BigInt(i % 97) : 1100n + BigInt(i % 89),
          amount: 100n,
          outpoints: [outpoint(i + 1)],
        },
        now,
      ),
    ),
  );
}

/** Longest main-thread block while `work` runs: MessageChannel ping gaps and long tasks. */
async function longestTask(work: () => Promise<void>): Promise<number> {
  let longest = 0;
  const observer =
    typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')
      ? new PerformanceObserver((list) => {
          for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
        })
      : undefined;
  observer?.observe({ type: 'longtask' });
  const channel = new MessageChannel();
  let last = performance.now();
  let running = true;
  channel.port1.onmessage = () => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
    if (running) channel.port2.postMessage(0);
  };
  channel.port2.postMessage(0);
  try {
    await work();
  } finally {
    running = false;
    await new Promise((r) => setTimeout(r, 20));
    observer?.disconnect();
    channel.port1.close();
  }
  return longest;
}

async function networkBenches(sig: BenchSignaling): Promise<{ burst: number; sync: number }> {
  const services: ConnectionService[] = [];
  const stores: OrderbookStore[] = [];
  const open = async () => {
    const s = service(sig, await createIdentity());
    services.push(s);
    await s.open();
    return s;
  };
  try {
    // ---- burst: 500 signed orders arrive at once at B, whose widget is on screen ----
    const [a, b] = await Promise.all([open(), open()]);
    const storeB = new OrderbookStore({ service: b, persist: false });
    stores.push(storeB);
    const el = document.createElement('darkswap-orderbook');
    el.pair = PAIR;
    el.store = storeB;
    document.body.append(el);
    await a.connect(b.id!);
    await until(() => b.peers.includes(a.id!), 10_000, 'link');
    const burst = await signedOrders(500, 5);
    // A raw sender: pages of signed orders as a peer's sync would send them, without A's own checks in the timing.
    const raw = a.channel<SyncMessage>(ORDERBOOK_CHANNEL, { schema: SyncMessageSchema, maxBytes: MAX_MESSAGE_BYTES, priority: 'high' });
    const pages: SyncMessage[] = [];
    for (let i = 0; i < burst.length; i += 25) pages.push({ t: 'orders', orders: burst.slice(i, i + 25).map(encodeOrder) });
    await new Promise((r) => setTimeout(r, 200));
    const longest = await longestTask(async () => {
      // Each page is sent in its own task, as frames from a remote sender arrive (its validation is not B's work).
      for (const page of pages) {
        raw.send(b.id!, page);
        await new Promise((r) => setTimeout(r, 0));
      }
      await until(() => storeB.book.size === 500, 15_000, '500 orders at B');
      await new Promise((r) => setTimeout(r, 250)); // the last coalesced re-render
    });
    raw.close();
    el.remove();

    // ---- late joiner: C has 1,000 orders; D connects and syncs ----
    const [c, d] = await Promise.all([open(), open()]);
    const storeC = new OrderbookStore({ service: c, persist: false });
    const storeD = new OrderbookStore({ service: d, persist: false });
    stores.push(storeC, storeD);
    for (const o of await signedOrders(1000, 10)) await storeC.publishSigned(o);
    if (storeC.book.size !== 1000) throw new Error('orderbook bench: C does not hold 1,000 orders');
    let joined = 0;
    d.addEventListener('peer-connected', () => (joined = performance.now()), { once: true });
    await d.connect(c.id!);
    await until(() => storeD.book.size === 1000, 20_000, 'sync of 1,000 orders');
    const sync = performance.now() - joined;
    return { burst: longest, sync };
  } finally {
    for (const s of stores) s.dispose();
    for (const s of services) s.destroy();
  }
}

/**
 * All orderbook figures. Pass the PeerServer's `{host, port, path, key}` for the two network figures
 * (burst and late-joiner sync); without it they are left out.
 */
export async function orderbookBench(signaling?: BenchSignaling): Promise<Record<string, number>> {
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    const prefill = buildOrders(10_000, round);
    const stream = buildOrders(20_000, round + 17); // fresh nonces: distinct ids
    const { ops, ms } = insertMatchRound(prefill, stream);
    if (round > 0) rates.push((ops / ms) * 1000); // round 0 warms the JIT
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const round2 = (n: number) => Math.round(n * 100) / 100;
  const result: Record<string, number> = {
    orderbook_ops_per_s: Math.round(median(rates)),
    order_verify_per_s: Math.round(await verifyRate(1000)),
  };
  const render = await renderBenches();
  result.orderbook_10k_first_render_ms = round2(render.first);
  result.orderbook_update_script_ms = round2(render.update);
  if (signaling) {
    const net = await networkBenches(signaling);
    result.orderbook_burst500_longest_task_ms = round2(net.burst);
    result.orderbook_sync_1000_ms = round2(net.sync);
  }
  return result;
}
