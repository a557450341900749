// The orderbook store on real links: real Chromium WebRTC, the real PeerServer from the test runner,
// one ConnectionService per peer (each with its own fresh Ed25519 identity).
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createIdentity, type Identity } from '../../core/identity.js';
import type { ConnectionService } from '../../core/connection-service.js';
import { destroyServices, openService, signaling, uniqueId, waitFor } from '../../../test/harness.js';
import type { IndexedOutput, OrderbookIndexer } from './assets.model.js';
import {
  cancelMessage,
  createCancel,
  createOrder,
  encodeCancel,
  encodeOrder,
  computeOrderId,
  signOrder,
  type Cancel,
  type Order,
  type OrderTerms,
} from './order.model.js';
import { OrderbookError, OrderbookStore, type OrderbookStoreOptions } from './orderbook.store.js';
import { SyncMessageSchema, type BookChange, type SyncMessage, type SyncReject } from './sync.model.js';
import { outpoint } from './orderbook.fixtures.js';
import { MAX_MESSAGE_BYTES, ORDERBOOK_CHANNEL } from './orderbook.types.js';
import { bytesToHex } from '../../core/identity.js';

const BASE = 'RUNE:840000:3';
const QUOTE = 'BTC';

interface Node {
  service: ConnectionService;
  store: OrderbookStore;
  identity: Identity;
  changes: BookChange[];
  rejects: { peer: string | undefined; reject: SyncReject }[];
}

const stores: OrderbookStore[] = [];

async function node(options: OrderbookStoreOptions = {}): Promise<Node> {
  const identity = await createIdentity();
  const service = await openService({ identity });
  const store = new OrderbookStore({ service, persist: false, ...options });
  stores.push(store);
  const changes: BookChange[] = [];
  const rejects: Node['rejects'] = [];
  store.addEventListener('orderbook-change', (e) => changes.push(e.change));
  store.addEventListener('orderbook-reject', (e) => rejects.push({ peer: e.peer, reject: e.reject }));
  return { service, store, identity, changes, rejects };
}

async function link(x: Node, y: Node): Promise<void> {
  await x.service.connect(y.service.id!);
  await waitFor(() => y.service.peers.includes(x.service.id!), 10_000, 'link open on both sides');
}

const terms = (overrides: Partial<OrderTerms> = {}): OrderTerms => ({
  base: BASE,
  quote: QUOTE,
  side: 'sell',
  price: 1000n,
  amount: 500n,
  outpoints: [outpoint(1)],
  ...overrides,
});

/** A second handle on a service's orderbook channel: sends whatever a hostile peer would. */
function rawChannel(service: ConnectionService) {
  return service.channel<SyncMessage>(ORDERBOOK_CHANNEL, { schema: SyncMessageSchema, maxBytes: MAX_MESSAGE_BYTES, priority: 'high' });
}

const reasons = (n: Node) => n.rejects.map((r) => r.reject.reason);

describe('orderbook store on real peers', () => {
  afterEach(() => {
    for (const s of stores.splice(0)) s.dispose();
    destroyServices();
  });

  it("A–B–C chain: C sees A's order through B (signed by A), and A's cancel reaches C", async () => {
    const [a, b, c] = await Promise.all([node(), node(), node()]);
    await link(a, b);
    await link(b, c);
    expect(a.service.peers).to.not.include(c.service.id!);
    expect(c.service.peers).to.not.include(a.service.id!);

    const order = await a.store.place(terms());
    await waitFor(() => c.store.book.has(order.id), 10_000, "A's order at C");
    const atC = c.store.book.get(order.id)!;
    expect(atC.maker).to.equal(a.identity.publicKey);
    expect(atC.sig).to.equal(order.sig);
    expect(atC.amount).to.equal(500n);
    const added = c.changes.find((ch) => ch.type === 'added' && ch.order.id === order.id);
    expect(added && added.type === 'added' ? added.from : undefined, 'relayed by B').to.equal(b.service.id);
    expect(a.store.myOrders().map((o) => o.id)).to.deep.equal([order.id]);
    expect(c.store.myOrders()).to.deep.equal([]);
    // Beside the order: where its maker is (A's peer id), set by A and relayed by B unchanged.
    expect(c.store.reachOf(order.id)).to.deep.equal({ peer: a.service.id });
    expect(b.store.reachOf(order.id)).to.deep.equal({ peer: a.service.id });
    expect(c.store.peerOf(a.identity.publicKey), 'no link to the maker').to.equal(undefined);
    expect(c.store.canReach(atC), 'but it can be taken: the maker can be dialed').to.equal(true);

    await a.store.cancel(order.id);
    await waitFor(() => !c.store.book.has(order.id), 10_000, 'cancel at C');
    expect(c.store.book.cancelOf(order.id)?.maker).to.equal(a.identity.publicKey);
    expect(b.store.book.has(order.id)).to.equal(false);
    expect(c.changes.some((ch) => ch.type === 'removed' && ch.order.id === order.id && ch.cause === 'cancelled')).to.equal(true);
    expect(a.rejects.length + b.rejects.length + c.rejects.length).to.equal(0);
  });

  it("a forged order and B's attempts to cancel A's order are rejected everywhere", async () => {
    const [a, b, c] = await Promise.all([node(), node(), node()]);
    await link(a, b);
    await link(b, c);
    const order = await a.store.place(terms());
    await waitFor(() => c.store.book.has(order.id), 10_000, "A's order at C");

    // B forges an order in A's name (signed with B's key) and tampers with A's real one.
    const asA = { publicKey: a.identity.publicKey, sign: (m: Uint8Array) => b.identity.sign(m) };
    const forged = await signOrder(asA, { ...order, nonce: 'ab'.repeat(16), amount: 900n });
    const tamperedFields = { ...order, amount: 5000n };
    const tampered: Order = { ...tamperedFields, id: computeOrderId(tamperedFields), sig: order.sig };
    // B cancels A's order with its own key, and with A's key named but B's signature.
    const byB = await createCancel(b.identity, order.id, Date.now());
    const body = { orderId: order.id, maker: a.identity.publicKey, at: Date.now() };
    const inAsName: Cancel = { ...body, sig: bytesToHex(await b.identity.sign(cancelMessage(body))) };

    const raw = rawChannel(b.service);
    for (const peer of [a.service.id!, c.service.id!]) {
      raw.send(peer, { t: 'orders', orders: [encodeOrder(forged), encodeOrder(tampered)] });
      raw.send(peer, { t: 'cancels', cancels: [encodeCancel(byB), encodeCancel(inAsName)] });
    }
    for (const n of [a, c]) {
      await waitFor(() => n.rejects.length >= 4, 10_000, 'four rejects');
      expect(reasons(n).sort()).to.deep.equal(['bad-signature', 'bad-signature', 'bad-signature', 'not-maker']);
      expect(n.rejects.every((r) => r.peer === b.service.id)).to.equal(true);
    }
    // B's own store refuses the same things.
    expect((await b.store.publishSigned(forged)).ok).to.equal(false);
    const mine = await b.store.cancel(order.id).catch((e: OrderbookError) => e.reason);
    expect(mine).to.equal('not-mine');
    expect((await b.store.sync.cancel(byB)).ok).to.equal(false);
    // Nothing was forwarded: A never heard of the items B sent only to C, and vice versa.
    await new Promise((r) => setTimeout(r, 300));
    expect(a.rejects.length).to.equal(4);
    expect(c.rejects.length).to.equal(4);
    for (const n of [a, b, c]) {
      expect(n.store.book.has(order.id), 'the real order stays').to.equal(true);
      expect(n.store.book.has(forged.id)).to.equal(false);
      expect(n.store.book.has(tampered.id)).to.equal(false);
      expect(n.store.book.cancelOf(order.id)).to.equal(undefined);
    }
  });

  it('a late joiner receives 1,000 existing orders from 10 makers', async function () {
    this.timeout(30_000);
    const a = await node();
    const makers = await Promise.all(Array.from({ length: 10 }, () => createIdentity()));
    const now = Date.now();
    const orders = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        createOrder(
          makers[i % 10],
          terms({ side: i % 2 ? 'buy' : 'sell', price: i % 2 ? 900n - BigInt(i % 97) : 1100n + BigInt(i % 89), outpoints: [outpoint(i + 1)] }),
          now,
        ),
      ),
    );
    const verdicts = await Promise.all(orders.map((o) => a.store.publishSigned(o)));
    expect(verdicts.every((v) => v.ok)).to.equal(true);
    expect(a.store.book.size).to.equal(1000);

    const late = await node();
    const t0 = performance.now();
    await link(late, a);
    await waitFor(() => late.store.book.size === 1000, 20_000, '1,000 orders at the late joiner');
    const ms = performance.now() - t0;
    console.log(`late joiner: 1,000 orders in ${Math.round(ms)} ms`);
    for (const o of orders) expect(late.store.book.has(o.id)).to.equal(true);
    expect(late.rejects).to.deep.equal([]);
    expect(late.changes.filter((c) => c.type === 'added').length).to.equal(1000);
  });

  it('refreshes my live orders before they expire, cancelling the old ones', async () => {
    const [a, b] = await Promise.all([node({ ttlMs: 3000, refreshBeforeMs: 1800 }), node()]);
    await link(a, b);
    await a.store.ready;
    expect(a.store.isManaging).to.equal(true);
    const first = await a.store.place(terms({ minFill: 100n }));
    await waitFor(() => b.store.book.cancelOf(first.id) !== undefined, 5_000, 'refresh');
    const mine = a.store.myOrders();
    expect(mine.length).to.equal(1);
    const fresh = mine[0];
    expect(fresh.id).to.not.equal(first.id);
    expect([fresh.price, fresh.amount, fresh.minFill, fresh.outpoints, fresh.side]).to.deep.equal([
      first.price,
      first.amount,
      first.minFill,
      first.outpoints,
      first.side,
    ]);
    expect(fresh.created).to.be.greaterThan(first.created);
    await waitFor(() => b.store.book.has(fresh.id), 5_000, 'fresh order at B');
    expect(b.store.book.has(first.id)).to.equal(false);
    expect((await a.store.persistedOrders()).map((o) => o.id)).to.deep.equal([fresh.id]);
  });

  it('prunes expired orders on every peer when their maker is gone', async () => {
    const [a, b] = await Promise.all([node({ ttlMs: 1500, refreshBeforeMs: 0, pruneEveryMs: 100 }), node({ pruneEveryMs: 100 })]);
    await link(a, b);
    const order = await a.store.place(terms());
    await waitFor(() => b.store.book.has(order.id), 5_000, 'order at B');
    a.store.dispose(); // the maker goes offline: nobody refreshes it
    await waitFor(() => !b.store.book.has(order.id), 4_000, 'pruned at B');
    expect(Date.now()).to.be.at.least(order.expires);
    expect(b.changes.some((c) => c.type === 'removed' && c.order.id === order.id && c.cause === 'expired')).to.equal(true);
    a.store.sync.prune();
    expect(a.store.book.has(order.id)).to.equal(false);
  });

  it("drops orders whose outpoints the host's indexer says do not hold the asset, and never forwards them", async () => {
    const held = new Map<string, IndexedOutput>([
      [outpoint(1), { outpoint: outpoint(1), value: 546n, spent: false, runes: [{ id: '840000:3', amount: 1000n }], alkanes: [] }],
      [outpoint(2), { outpoint: outpoint(2), value: 546n, spent: true, runes: [{ id: '840000:3', amount: 1000n }], alkanes: [] }],
      [outpoint(3), { outpoint: outpoint(3), value: 10_000n, spent: false, runes: [], alkanes: [] }],
    ]);
    let calls = 0;
    const indexer: OrderbookIndexer = {
      async getOutputs(ops) {
        calls++;
        return ops.flatMap((o) => (held.has(o) ? [held.get(o)!] : []));
      },
    };
    const [a, b, c] = await Promise.all([node(), node({ indexer, indexerRecheckMs: 0 }), node()]);
    await link(a, b);
    await link(b, c);
    const good = await a.store.place(terms({ amount: 800n, outpoints: [outpoint(1)] }));
    const spent = await a.store.place(terms({ amount: 800n, outpoints: [outpoint(2)] }));
    const tooMuch = await a.store.place(terms({ amount: 5000n, outpoints: [outpoint(1)] }));
    const unknown = await a.store.place(terms({ outpoints: [outpoint(9)] }));
    // A buy offers the quote total: 3 × 1000 = 3,000 sats; outpoint 3 has 10,000.
    const bid = await a.store.place(terms({ side: 'buy', amount: 3n, outpoints: [outpoint(3)] }));
    await waitFor(() => c.store.book.has(good.id) && c.store.book.has(bid.id), 10_000, 'good orders at C');
    await waitFor(() => b.rejects.length >= 3, 5_000, 'three rejects at B');
    expect(reasons(b)).to.deep.equal(['asset-not-held', 'asset-not-held', 'asset-not-held']);
    expect(calls).to.be.at.least(5);
    for (const o of [spent, tooMuch, unknown]) {
      expect(b.store.book.has(o.id)).to.equal(false);
      expect(c.store.book.has(o.id), 'not forwarded past B').to.equal(false);
      expect(a.store.book.has(o.id), 'A has no indexer').to.equal(true);
    }
    // Later the outpoint is spent: a re-check drops the order that was good.
    held.set(outpoint(1), { ...held.get(outpoint(1))!, spent: true });
    expect(await b.store.recheckAssets()).to.equal(1);
    expect(b.store.book.has(good.id)).to.equal(false);
    expect(b.store.book.has(bid.id)).to.equal(true);
  });

  it('with an indexer (also one supplied later), my own orders that cannot settle are refused at placement: not held, or dust', async () => {
    const a = await node();
    const outputs = new Map<string, IndexedOutput>([
      [outpoint(1), { outpoint: outpoint(1), value: 546n, spent: false, runes: [{ id: '840000:3', amount: 1000n }], alkanes: [] }],
    ]);
    // Without an indexer nothing can be checked: placement goes through.
    const unchecked = await a.store.place(terms({ outpoints: [outpoint(7)] }));
    expect(a.store.book.has(unchecked.id)).to.equal(true);
    a.store.useIndexer({ getOutputs: async (ops) => ops.flatMap((o) => (outputs.has(o) ? [outputs.get(o)!] : [])) });
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => 'placed',
        (e: OrderbookError) => e.reason,
      );
    expect(await refusal(a.store.place(terms({ outpoints: [outpoint(7)] }))), 'an outpoint the indexer does not know').to.equal('asset-not-held');
    expect(await refusal(a.store.place(terms({ amount: 5000n }))), 'more than the outpoint holds').to.equal('asset-not-held');
    // 1 sat per unit: the smallest fill (one unit) would pay 1 sat, below dust.
    expect(await refusal(a.store.place(terms({ price: 1n }))), 'a dust payment').to.equal('dust');
    expect(await refusal(a.store.place(terms({ price: 1n, amount: 1000n, minFill: 600n }))), 'a minimum fill above dust').to.equal('placed');
    expect(await refusal(a.store.place(terms()))).to.equal('placed');
    // The order placed before the indexer came is checked again and dropped.
    await waitFor(() => !a.store.book.has(unchecked.id), 5_000, 'the unchecked order dropped');
  });

  it('a reloaded maker republishes its live orders (a real tab, tab-reload, same IndexedDB)', async function () {
    this.timeout(40_000);
    const s = await signaling();
    const identityName = uniqueId('ob-reload');
    const database = uniqueId('ob-db');
    const query = new URLSearchParams({ host: s.host, port: String(s.port), path: s.path, key: s.key, identity: identityName, db: database });
    const tab = await tabOpen(`/src/features/orderbook/orderbook.reload-page.html?${query}`);
    try {
      const before = await tabEval<{ me: string; ids: string[]; cancelled: string; persisted: string[] }>(tab, placeThreeCancelOne);
      expect(before.ids.length).to.equal(2);
      expect(before.persisted.sort()).to.deep.equal([...before.ids].sort());
      await tabReload(tab);
      const after = await tabEval<{ me: string; peerId: string; mine: string[]; persisted: string[] }>(tab, afterReload);
      expect(after.me, 'same identity after the reload').to.equal(before.me);
      expect(after.mine.sort(), 'the same signed orders, republished').to.deep.equal([...before.ids].sort());
      // A peer that never saw them gets them from the reloaded page.
      const observer = await node();
      await observer.service.connect(after.peerId).catch(async (e) => {
        console.log('TABLOGS', JSON.stringify(await executeServerCommand('tab-logs', { id: tab })));
        throw e;
      });
      await waitFor(() => before.ids.every((id) => observer.store.book.has(id)), 10_000, 'republished orders at a new peer');
      expect(observer.store.book.has(before.cancelled)).to.equal(false);
      expect(observer.store.book.get(before.ids[0])!.maker).to.equal(before.me);
    } finally {
      await tabClose(tab);
    }
  });
});

// ---- tabs ------------------------------------------------------------------------------------------------------

const tabOpen = (path: string) => executeServerCommand<number, { path: string }>('tab-open', { path }) as Promise<number>;
const tabEval = async <R>(id: number, fn: (...args: never[]) => unknown, ...args: unknown[]): Promise<R> => {
  const result = await executeServerCommand<{ value: R }, { id: number; fn: string; args: unknown[] }>('tab-eval', { id, fn: fn.toString(), args });
  return result!.value;
};
const tabReload = (id: number) => executeServerCommand('tab-reload', { id });
const tabClose = (id: number) => executeServerCommand('tab-close', { id });

interface PageApi {
  ready: Promise<void>;
  service: ConnectionService;
  store: OrderbookStore;
  outpoint(n: number): string;
}

// These run inside the tab (orderbook.reload-page.ts sets `window.orderbookPage`).
async function placeThreeCancelOne() {
  for (let i = 0; i < 500 && !(window as unknown as { orderbookPage?: PageApi }).orderbookPage; i++) await new Promise((r) => setTimeout(r, 20));
  const page = (window as unknown as { orderbookPage: PageApi }).orderbookPage;
  await page.ready;
  const place = (n: number) =>
    page.store.place({ base: 'RUNE:840000:3', quote: 'BTC', side: 'sell', price: BigInt(1000 + n), amount: 100n, outpoints: [page.outpoint(n)] });
  const orders = [await place(1), await place(2), await place(3)];
  await page.store.cancel(orders[1].id);
  return {
    me: page.store.me,
    ids: [orders[0].id, orders[2].id],
    cancelled: orders[1].id,
    persisted: (await page.store.persistedOrders()).map((o) => o.id),
  };
}

async function afterReload() {
  for (let i = 0; i < 500 && !(window as unknown as { orderbookPage?: PageApi }).orderbookPage; i++) await new Promise((r) => setTimeout(r, 20));
  const page = (window as unknown as { orderbookPage: PageApi }).orderbookPage;
  await page.ready;
  return {
    me: page.store.me,
    peerId: page.service.id,
    mine: page.store.myOrders().map((o) => o.id),
    persisted: (await page.store.persistedOrders()).map((o) => o.id),
  };
}
