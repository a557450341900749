/**
 * FeatureController + featureFor with real widgets on real connection services: N widgets of a kind
 * on one service share one engine (each incoming message handled once), a service swap moves them,
 * and the last release closes the engine's channels.
 */
import { expect, fixture, html } from '@open-wc/testing';
import * as v from 'valibot';
import type { ConnectionService } from '../core/connection-service.js';
import { createIdentity } from '../core/identity.js';
import { destroyServices, linkedPair, openService, uniqueId, waitFor } from '../../test/harness.js';
import { featureUsers, peekFeature } from '../features/registry.js';
import { ORDERBOOK_FEATURE, OrderbookStore, type OrderbookChangeEvent } from '../features/orderbook/orderbook.store.js';
import { outpoint } from '../features/orderbook/orderbook.fixtures.js';
import { FILE_SHARE_FEATURE, type FileShareFeature } from '../features/file-share/file-share.feature.js';
import { createFileShareSession } from '../features/file-share/file-share.headless.js';
import { STORAGE_ROOT } from '../features/file-share/file-share.storage.js';
import '../components/orderbook/darkswap-orderbook.js';
import '../components/file-share/darkswap-file-share.js';
import type { DarkswapOrderbook } from '../components/orderbook/orderbook.js';

const PAIR = 'RUNE:840000:3/BTC';

/** Mount `n` widgets of one tag side by side on `service`; `setup` sets each one's options first. */
async function mountMany<K extends 'darkswap-orderbook' | 'darkswap-file-share'>(
  tag: K,
  service: ConnectionService,
  n: number,
  setup: (el: HTMLElementTagNameMap[K]) => void = () => undefined,
): Promise<{ wrap: HTMLElement; els: HTMLElementTagNameMap[K][] }> {
  const wrap = await fixture<HTMLElement>(html`<div></div>`);
  const els: HTMLElementTagNameMap[K][] = [];
  for (let i = 0; i < n; i++) {
    const el = document.createElement(tag);
    setup(el);
    el.connection = service;
    wrap.append(el);
    els.push(el);
  }
  await Promise.all(els.map((e) => e.updateComplete));
  return { wrap, els };
}

const orderbooks = async (service: ConnectionService, n: number): Promise<DarkswapOrderbook[]> =>
  (await mountMany('darkswap-orderbook', service, n, (el) => (el.pair = PAIR))).els;

describe('FeatureController: one engine per service, shared by every widget of a kind', function () {
  this.timeout(30_000);
  afterEach(destroyServices);

  it('two orderbook widgets on one service share one store; an incoming order is handled once', async () => {
    const [maker, taker] = await linkedPair({ identity: await createIdentity() }, { identity: await createIdentity() });
    const [a, b] = await orderbooks(taker, 2);
    expect(a.orderbook).to.be.instanceOf(OrderbookStore);
    expect(a.orderbook).to.equal(b.orderbook);
    expect(peekFeature(taker, ORDERBOOK_FEATURE)).to.equal(a.orderbook);
    expect(featureUsers(taker, ORDERBOOK_FEATURE)).to.equal(2);

    let adds = 0;
    for (const store of new Set([a.orderbook!, b.orderbook!])) {
      store.addEventListener('orderbook-change', (e: OrderbookChangeEvent) => {
        if (e.change.type === 'added') adds++;
      });
    }
    const makerStore = OrderbookStore.acquire(maker, { persist: false });
    try {
      await makerStore.ready;
      await makerStore.place({ base: 'RUNE:840000:3', quote: 'BTC', side: 'sell', price: 1000n, amount: 500n, outpoints: [outpoint(7)] });
      await waitFor(() => adds > 0, 10_000, 'the order reached the taker');
      await new Promise((r) => setTimeout(r, 300));
      expect(adds).to.equal(1);
      expect(a.orderbook!.book.size).to.equal(1);
    } finally {
      OrderbookStore.release(maker, makerStore);
    }
  });

  it("a service swap moves the widgets to the new service's engine and releases the old one", async () => {
    const s1 = await openService();
    const s2 = await openService();
    const [a, b] = await orderbooks(s1, 2);
    const old = a.orderbook!;
    a.connection = s2;
    b.connection = s2;
    await Promise.all([a.updateComplete, b.updateComplete]);
    expect(a.orderbook).to.equal(peekFeature(s2, ORDERBOOK_FEATURE));
    expect(b.orderbook).to.equal(a.orderbook);
    expect(a.orderbook).not.to.equal(old);
    expect(featureUsers(s1, ORDERBOOK_FEATURE)).to.equal(0);
    expect(featureUsers(s2, ORDERBOOK_FEATURE)).to.equal(2);
    expect(old.isDisposed).to.equal(true);
  });

  it("the last release closes the engine's channels: a peer's message then finds no channel", async () => {
    const [peer, me] = await linkedPair();
    const [a, b] = await orderbooks(me, 2);
    const probe = peer.channel('orderbook', { schema: v.unknown(), priority: 'high' });
    const rejects = () => me.rejects(peer.id!).byReason;

    probe.send(me.id!, { not: 'a sync message' });
    await waitFor(() => (rejects().invalid ?? 0) === 1, 5_000, 'the store refused the message as invalid');
    a.remove();
    await a.updateComplete;
    probe.send(me.id!, { not: 'a sync message' });
    await waitFor(() => (rejects().invalid ?? 0) === 2, 5_000, 'the store, still held by one widget, refused it');
    expect(rejects()['unknown-channel'] ?? 0).to.equal(0);

    b.remove();
    expect(peekFeature(me, ORDERBOOK_FEATURE)).to.equal(undefined);
    probe.send(me.id!, { not: 'a sync message' });
    await waitFor(() => (rejects()['unknown-channel'] ?? 0) === 1, 5_000, 'no orderbook channel left');
    expect(rejects().invalid).to.equal(2);
  });

  it('two file-share widgets and a headless session on one service share one engine; an offer is handled once', async () => {
    const [sender, receiver] = await linkedPair();
    const key = uniqueId('fs');
    const { wrap, els: widgets } = await mountMany('darkswap-file-share', receiver, 2, (el) => (el.storageKey = key));
    const offered: string[] = [];
    for (const w of widgets) w.addEventListener('darkswap-file-offered', (e) => offered.push(e.detail.transferId));
    const feature = peekFeature<FileShareFeature>(receiver, FILE_SHARE_FEATURE)!;
    expect(feature).to.not.equal(undefined);
    expect(featureUsers(receiver, FILE_SHARE_FEATURE)).to.equal(2);
    const headless = createFileShareSession(receiver);
    expect(headless.engine).to.equal(feature.engine);
    expect(featureUsers(receiver, FILE_SHARE_FEATURE)).to.equal(3);

    const out = createFileShareSession(sender, { memory: true });
    try {
      const id = await out.engine.offer(receiver.id!, [new File([new Uint8Array(1000)], 'a.bin')]);
      await waitFor(() => offered.length === 2, 10_000, 'both widgets told of the offer');
      await new Promise((r) => setTimeout(r, 300));
      expect(offered).to.deep.equal([id, id]);
      expect(feature.engine.transfers.filter((t) => t.id === id)).to.have.length(1);
      expect(widgets[0].transfers).to.deep.equal(widgets[1].transfers);
    } finally {
      out.close();
      headless.close();
      wrap.remove();
      expect(peekFeature(receiver, FILE_SHARE_FEATURE)).to.equal(undefined);
      const root = await navigator.storage.getDirectory();
      const base = await root.getDirectoryHandle(STORAGE_ROOT, { create: true });
      await base.removeEntry(key, { recursive: true }).catch(() => undefined);
    }
  });
});
