// Every widget fits a 320 px wide container without horizontal scrolling, populated: long peer ids, order rows,
// transfer rows (issue 18 item 2).
import { expect, fixture, html } from '@open-wc/testing';
// Every element registered at once (the all-in-one, src/darkswap.ts, defines some only on first sight).
import '../src/darkswap-iife.js';
import type { DarkswapDemo } from '../src/components/demo/demo.js';
import type { DarkswapFileShare } from '../src/components/file-share/file-share.js';
import type { DarkswapOrderbook } from '../src/components/orderbook/orderbook.js';
import { OrderbookStore } from '../src/features/orderbook/orderbook.store.js';
import { provideConnection } from '../src/context/provide-connection.js';
import { destroyServices, linkedPair, waitFor } from './harness.js';

function overflow(el: Element): { scroll: number; client: number } {
  const base = el.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')!;
  return { scroll: base.scrollWidth, client: base.clientWidth };
}

describe('widgets at 320 px', function () {
  this.timeout(40_000);
  afterEach(destroyServices);

  it('demo, orderbook and file share, populated, scroll no wider than they are', async () => {
    const [a, b] = await linkedPair();
    const wrap = await fixture<HTMLDivElement>(
      html`<div style="width: 320px">
        <darkswap-demo></darkswap-demo>
        <darkswap-orderbook pair="RUNE:840000:3/BTC"></darkswap-orderbook>
        <darkswap-file-share></darkswap-file-share>
      </div>`,
    );
    provideConnection(wrap, a);
    const demo = wrap.querySelector<DarkswapDemo>('darkswap-demo')!;
    const book = wrap.querySelector<DarkswapOrderbook>('darkswap-orderbook')!;
    const share = wrap.querySelector<DarkswapFileShare>('darkswap-file-share')!;
    const store = new OrderbookStore({ service: a, persist: false });
    const terms = (side: 'buy' | 'sell', price: bigint, n: number) => ({
      base: 'RUNE:840000:3',
      quote: 'BTC',
      side,
      price,
      amount: 123_456_789n,
      outpoints: [`${'cd'.repeat(32)}:${n}`],
    });
    await store.place(terms('sell', 1_234_567n, 1));
    await store.place(terms('buy', 1_000_001n, 2));
    book.store = store;
    await demo.connectTo(b.id!).catch(() => undefined);
    demo.send('x'.repeat(300));
    const file = new File([new Uint8Array(1024)], `${'a-very-long-file-name-'.repeat(6)}.bin`);
    await share.sendFiles([file], [b.id!]);
    await waitFor(() => share.transfers.length === 1, 5_000, 'a transfer row');
    for (const el of [demo, book, share]) await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    await new Promise((r) => setTimeout(r, 300));
    for (const el of [demo, book, share]) {
      const o = overflow(el);
      expect(o.scroll, `${el.localName} (${o.scroll} > ${o.client})`).to.be.at.most(o.client);
    }
  });
});

describe('more widgets at 320 px', function () {
  this.timeout(40_000);
  afterEach(destroyServices);

  it('every other widget scrolls no wider than it is, and its buttons and fields are 44 px touch targets', async () => {
    const [a] = await linkedPair();
    const wrap = await fixture<HTMLDivElement>(
      html`<div style="width: 320px">
        <darkswap-network-status dashboard></darkswap-network-status>
        <darkswap-settings></darkswap-settings>
        <darkswap-trade></darkswap-trade>
        <darkswap-av-call></darkswap-av-call>
        <darkswap-peer-discovery></darkswap-peer-discovery>
        <darkswap-group-chat></darkswap-group-chat>
        <darkswap-demo></darkswap-demo>
        <darkswap-orderbook pair="RUNE:840000:3/BTC"></darkswap-orderbook>
        <darkswap-file-share></darkswap-file-share>
      </div>`,
    );
    provideConnection(wrap, a);
    const tags = [
      'darkswap-network-status',
      'darkswap-settings',
      'darkswap-trade',
      'darkswap-av-call',
      'darkswap-peer-discovery',
      'darkswap-group-chat',
      'darkswap-demo',
      'darkswap-orderbook',
      'darkswap-file-share',
    ];
    const els = tags.map((t) => wrap.querySelector(t)!);
    // Populated where it is cheap: the network status lists the linked peer (its long id and code).
    await waitFor(() => !!els[0]!.shadowRoot?.querySelector('[part~="peer"]'), 10_000, 'network status lists the peer');
    for (const el of els) await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    await new Promise((r) => setTimeout(r, 500));
    for (const el of els) {
      const o = overflow(el);
      expect(o.scroll, `${el.localName} (${o.scroll} > ${o.client})`).to.be.at.most(o.client);
    }
    // Touch targets: every visible button, select and text field is at least 44 px tall.
    for (const el of els) {
      for (const target of el.shadowRoot!.querySelectorAll<HTMLElement>(
        'button, select, input:not([type="checkbox"]):not([type="radio"]):not([type="file"])',
      )) {
        const h = target.getBoundingClientRect().height;
        if (h === 0) continue; // not shown
        expect(h, `${el.localName} ${target.getAttribute('part') ?? target.localName}`).to.be.at.least(44);
      }
    }
  });
});
