// <darkswap-orderbook> in real Chromium: a maker and a taker service linked through the real PeerServer,
// the widget on the taker's side, driven through its UI.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { createIdentity, type Identity } from '../../core/identity.js';
import type { ConnectionService } from '../../core/connection-service.js';
import { provideConnection } from '../../context/provide-connection.js';
import { destroyServices, openService, waitFor } from '../../../test/harness.js';
import './darkswap-orderbook.js';
import type { DarkswapOrderbook } from './orderbook.js';
import { OrderbookStore } from '../../features/orderbook/orderbook.store.js';
import type { DarkswapOrderCancelledEvent, DarkswapOrderTakenEvent } from './orderbook.events.js';
import { createOrder, type Order, type OrderTerms } from '../../features/orderbook/order.model.js';
import { fakeKey, outpoint, unsignedOrder } from '../../features/orderbook/orderbook.fixtures.js';

const PAIR = 'RUNE:840000:3/BTC';
const stores: OrderbookStore[] = [];

const root = (el: Element) => el.shadowRoot!;
const q = <T extends Element = HTMLElement>(el: Element, sel: string) => root(el).querySelector<T>(sel);
const qa = <T extends Element = HTMLElement>(el: Element, sel: string) => [...root(el).querySelectorAll<T>(sel)];
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
const levels = (el: Element, side: 'buy' | 'sell') => qa(el, `[data-list="${side}"] [part~="level"]`);

interface Peer {
  service: ConnectionService;
  identity: Identity;
  store: OrderbookStore;
}

async function peer(): Promise<Peer> {
  const identity = await createIdentity();
  const service = await openService({ identity });
  const store = new OrderbookStore({ service, persist: false });
  stores.push(store);
  return { service, identity, store };
}

async function linked(): Promise<[Peer, Peer]> {
  const [maker, taker] = await Promise.all([peer(), peer()]);
  await maker.service.connect(taker.service.id!);
  await waitFor(() => taker.service.peers.includes(maker.service.id!), 10_000, 'link');
  return [maker, taker];
}

async function mount(store: OrderbookStore | undefined, attrs = ''): Promise<DarkswapOrderbook> {
  const el = await fixture<DarkswapOrderbook>(html`<darkswap-orderbook pair=${PAIR}></darkswap-orderbook>`);
  if (attrs === 'decimals') {
    el.baseDecimals = 0;
    el.quoteDecimals = 8;
  }
  if (store) el.store = store;
  await el.updateComplete;
  return el;
}

const terms = (o: Partial<OrderTerms>): OrderTerms => ({
  base: 'RUNE:840000:3',
  quote: 'BTC',
  side: 'sell',
  price: 1000n,
  amount: 100n,
  outpoints: [outpoint(1)],
  ...o,
});

/** The maker's standard book: asks 1010 (100 + 200, min fill 100 on the first) and 1020 (50); a bid at 990 (300). */
async function makerBook(maker: Peer): Promise<Order[]> {
  const first = await maker.store.place(terms({ price: 1010n, amount: 100n, minFill: 20n, outpoints: [outpoint(1)] }));
  // Time priority is by `created` (ms), then id: make the second one strictly later.
  await new Promise((r) => setTimeout(r, 5));
  return [
    first,
    await maker.store.place(terms({ price: 1010n, amount: 200n, outpoints: [outpoint(2)] })),
    await maker.store.place(terms({ price: 1020n, amount: 50n, outpoints: [outpoint(3)] })),
    await maker.store.place(terms({ side: 'buy', price: 990n, amount: 300n, outpoints: [outpoint(4)] })),
  ];
}

async function withBook(): Promise<{ maker: Peer; taker: Peer; el: DarkswapOrderbook; orders: Order[] }> {
  const [maker, taker] = await linked();
  const el = await mount(taker.store);
  const orders = await makerBook(maker);
  await waitFor(() => levels(el, 'sell').length === 2 && levels(el, 'buy').length === 1, 5_000, 'levels rendered');
  return { maker, taker, el, orders };
}

async function expand(el: DarkswapOrderbook, side: 'buy' | 'sell', index = 0): Promise<void> {
  levels(el, side)[index].querySelector<HTMLButtonElement>('button')!.click();
  await waitFor(() => qa(el, `[data-list="${side}"] [part~="order"]`).length > 0, 3_000, 'order rows');
}

describe('<darkswap-orderbook>', () => {
  afterEach(() => {
    for (const s of stores.splice(0)) s.dispose();
    destroyServices();
  });

  it('renders aggregated levels, depth bars, spread, mid and a polite summary', async () => {
    const { el } = await withBook();
    const asks = levels(el, 'sell');
    expect(text(asks[0].querySelector('[part~="price"]'))).to.equal('Price 1010');
    expect(text(asks[0].querySelector('[part~="amount"]'))).to.equal(', amount 300');
    expect(text(asks[0].querySelector('[part~="total"]'))).to.equal(', total 303000');
    expect(text(asks[0].querySelector('[part~="count"]'))).to.equal(', orders: 2');
    expect(text(asks[1].querySelector('[part~="price"]'))).to.equal('Price 1020');
    expect(text(q(el, '[part~="spread"]'))).to.equal('20');
    expect(text(q(el, '[part~="mid"]'))).to.equal('1000');
    // Depth: asks 300 then 350 cumulative, bids 300; the deeper side (350) is 100 %.
    const width = (row: Element) => (row.querySelector('[part~="depth-bar"]') as HTMLElement).style.inlineSize;
    expect(width(asks[0])).to.equal('85.7%');
    expect(width(asks[1])).to.equal('100%');
    expect(width(levels(el, 'buy')[0])).to.equal('85.7%');
    expect(levels(el, 'buy')[0].querySelector('[part~="depth-bar"]')!.getAttribute('part')).to.contain('bid-depth');
    const summary = q(el, '[part~="summary"]')!;
    expect(summary.getAttribute('aria-live')).to.equal('polite');
    expect(text(summary)).to.equal(`${PAIR}: 1 bid, 3 asks. Best bid 990. Best ask 1010. Spread 20.`);
    // Expand a level: its orders in time priority, each with a take button.
    await expand(el, 'sell');
    const rows = qa(el, '[data-list="sell"] [part~="order"]');
    expect(rows.length).to.equal(2);
    expect(rows.map((r) => text(r.querySelector('[part~="amount"]')))).to.deep.equal(['100 (min 20)', '200']);
    expect(rows.every((r) => r.querySelector('[part~="take-button"]'))).to.equal(true);
    expect(levels(el, 'sell')[0].querySelector('button')!.getAttribute('aria-expanded')).to.equal('true');
  });

  it('shows validation messages on the create-order form, then places a valid order that reaches the peer', async () => {
    const [maker, taker] = await linked();
    const el = await mount(taker.store);
    const placed: Order[] = [];
    el.addEventListener('darkswap-order-placed', (e) => placed.push(e.detail.order));
    const form = q<HTMLFormElement>(el, '[part~="order-form"]')!;
    const input = (name: string) => form.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[name="${name}"]`)!;
    const error = (name: string) => text(q(el, `#f-${name}-error`));
    q<HTMLButtonElement>(el, '[part~="submit-button"]')!.click();
    await waitFor(() => error('price') !== '', 2_000, 'errors');
    expect(error('price')).to.equal('Enter a price.');
    expect(error('amount')).to.equal('Enter an amount.');
    expect(error('outpoints')).to.match(/at least one outpoint/);
    expect(input('price').getAttribute('aria-invalid')).to.equal('true');
    expect(root(el).activeElement).to.equal(input('price'));

    input('price').value = '1e3';
    input('amount').value = '10.5';
    input('outpoints').value = 'not-an-outpoint';
    q<HTMLButtonElement>(el, '[part~="submit-button"]')!.click();
    await waitFor(() => error('price').startsWith('Use digits'), 2_000, 'syntax errors');
    expect(error('amount')).to.equal('Use a whole number.');
    expect(error('outpoints')).to.contain('"not-an-outpoint" is not an outpoint');

    // 0.5 sat per unit is price 1 per lot of 2: an odd amount is refused with the reason.
    input('price').value = '0.5';
    input('amount').value = '3';
    input('outpoints').value = outpoint(7);
    q<HTMLButtonElement>(el, '[part~="submit-button"]')!.click();
    await waitFor(() => error('amount').includes('multiple of 2'), 2_000, 'lot error');
    expect(error('price')).to.equal('');
    expect(error('outpoints')).to.equal('');

    input('amount').value = '4';
    q<HTMLButtonElement>(el, '[part~="submit-button"]')!.click();
    await waitFor(() => placed.length === 1, 5_000, 'order placed');
    const order = placed[0];
    expect([order.side, order.price, order.lot, order.amount, order.outpoints]).to.deep.equal(['sell', 1n, 2n, 4n, [outpoint(7)]]);
    expect(order.maker).to.equal(taker.identity.publicKey);
    await waitFor(() => maker.store.book.has(order.id), 5_000, 'order at the other peer');
    await waitFor(() => qa(el, '[part~="my-orders"] [part~="my-order"]').length === 1, 2_000, 'my orders');
    expect(text(q(el, '[part~="order-form"] [part~="note"]'))).to.equal('Order placed: sell 4 at 0.5.');
  });

  it('cancels my order: it leaves my list and the other peer’s book', async () => {
    const [maker, taker] = await linked();
    const el = await mount(taker.store);
    const mine = await taker.store.place(terms({ price: 1500n }));
    await waitFor(() => maker.store.book.has(mine.id), 5_000, 'order at maker');
    await waitFor(() => qa(el, '[part~="my-orders"] [part~="my-order"]').length === 1, 2_000, 'listed');
    const cancelled = new Promise<DarkswapOrderCancelledEvent>((resolve) =>
      document.addEventListener('darkswap-order-cancelled', resolve as EventListener, { once: true }),
    );
    q<HTMLButtonElement>(el, '[part~="my-orders"] [part~="cancel-button"]')!.click();
    expect((await cancelled).detail.order.id).to.equal(mine.id);
    await waitFor(() => !maker.store.book.has(mine.id), 5_000, 'cancel at maker');
    await waitFor(() => qa(el, '[part~="my-orders"] [part~="my-order"]').length === 0, 2_000, 'gone from my orders');
    expect(maker.store.book.cancelOf(mine.id)?.maker).to.equal(taker.identity.publicKey);
  });

  it('withdraws my order once a trade on the page settles it (darkswap-trade-completed), and only then', async () => {
    const [maker, taker] = await linked();
    const el = await mount(taker.store);
    const mine = await taker.store.place(terms({ price: 1500n }));
    const theirs = await maker.store.place(terms({ price: 1600n, outpoints: [outpoint(2)] }));
    await waitFor(() => maker.store.book.has(mine.id) && taker.store.book.has(theirs.id), 5_000, 'orders crossed');
    const completed = (detail: Record<string, unknown>) =>
      document.body.dispatchEvent(
        new CustomEvent('darkswap-trade-completed', {
          bubbles: true,
          composed: true,
          detail: { tradeId: 'x', peer: 'p', role: 'seller', txid: 'ab'.repeat(32), ...detail },
        }),
      );
    // Not mine, or I was the taker: nothing happens.
    completed({ orderId: theirs.id, direction: 'in' });
    completed({ orderId: mine.id, direction: 'out' });
    await new Promise((r) => setTimeout(r, 300));
    expect(taker.store.book.has(mine.id) && taker.store.book.has(theirs.id)).to.equal(true);
    // My order was taken and the swap settled: withdrawn here and at the peer, with a note saying why.
    completed({ orderId: mine.id, direction: 'in' });
    await waitFor(() => !maker.store.book.has(mine.id), 5_000, 'withdrawal reached the peer');
    expect(maker.store.book.cancelOf(mine.id)?.maker).to.equal(taker.identity.publicKey);
    await el.updateComplete;
    expect(text(q(el, '[part~="order-form"] [part~="note"]'))).to.contain(`settled in transaction ${'ab'.repeat(8)}… and withdrawn`);
  });

  it('take → matching → darkswap-order-taken (bubbles, composed) with the right terms; refuses a fill below the minimum', async () => {
    const { maker, taker, el, orders } = await withBook();
    const proposals: DarkswapOrderTakenEvent[] = [];
    const listener = (e: DarkswapOrderTakenEvent) => proposals.push(e);
    document.addEventListener('darkswap-order-taken', listener);
    try {
      await expand(el, 'sell');
      qa<HTMLButtonElement>(el, '[data-list="sell"] [part~="take-button"]')[0].click();
      await waitFor(() => !!q(el, '#take-amount'), 2_000, 'take panel');
      const amount = q<HTMLInputElement>(el, '#take-amount')!;
      expect(amount.value).to.equal('100');
      amount.value = '10';
      q<HTMLButtonElement>(el, '[part~="take-submit"]')!.click();
      await waitFor(() => text(q(el, '#take-error')) !== '', 2_000, 'min fill error');
      expect(text(q(el, '#take-error'))).to.equal("The maker's minimum fill is 20.");
      expect(proposals.length).to.equal(0);
      amount.value = '60';
      q<HTMLButtonElement>(el, '[part~="take-submit"]')!.click();
      await waitFor(() => proposals.length === 1, 2_000, 'proposal');
      const e = proposals[0];
      expect(e.bubbles && e.composed).to.equal(true);
      const d = e.detail;
      expect(d.order.id).to.equal(orders[0].id);
      expect(d.orderWire.sig).to.equal(orders[0].sig);
      expect([d.maker, d.taker]).to.deep.equal([maker.identity.publicKey, taker.identity.publicKey]);
      expect([d.side, d.base, d.quote, d.amount, d.price, d.lot, d.quoteAmount]).to.deep.equal(['buy', 'RUNE:840000:3', 'BTC', 60n, 1010n, 1n, 60_600n]);
      expect(d.take).to.deep.equal({ amount: 60n, quoteAmount: 60_600n });
      expect(d.peer, 'the maker is linked directly').to.equal(maker.service.id);
      expect(d.makerPeer, 'where the order says its maker is').to.equal(maker.service.id);
      expect(q(el, '#take-amount')).to.equal(null);
      expect(text(q(el, '#take-note'))).to.equal('Trade proposed: buy 60 RUNE:840000:3 for 60600 sats.');
      // My own order cannot be taken: it shows Cancel instead, and takeOrder refuses the self-match.
      const own = await taker.store.place(terms({ price: 1030n, amount: 10n }));
      expect(() => el.takeOrder(own, '10')).to.throw('That is your own order.');
      expect(proposals.length).to.equal(1);
    } finally {
      document.removeEventListener('darkswap-order-taken', listener);
    }
  });

  it('names units as what they are (sats, or BTC with 8 decimals) and shows a departed maker’s order as not takeable', async () => {
    const { maker, taker, el } = await withBook();
    const columns = () => text(q(el, '[part~="columns"]'));
    // quote-decimals 0: amounts of BTC are sats, and say so.
    expect(columns()).to.contain('Price (sats per RUNE:840000:3)');
    expect(columns()).to.contain('Total (sats)');
    expect(columns()).to.not.match(/\(BTC/);
    el.quoteDecimals = 8;
    await el.updateComplete;
    expect(columns()).to.contain('Price (BTC per RUNE:840000:3)');
    expect(text(q(el, '[part~="order-form"]'))).to.contain('Price (BTC per RUNE:840000:3)');
    // The maker leaves: its orders stay until they expire, but cannot be taken (the hint to its peer id is dropped too).
    await expand(el, 'sell');
    expect(q(el, '[data-list="sell"] [part~="take-button"]')!.hasAttribute('disabled')).to.equal(false);
    maker.service.destroy();
    await waitFor(() => !taker.service.peers.includes(maker.service.id ?? ''), 10_000, 'maker gone');
    await waitFor(() => !!q(el, '[data-list="sell"] [part~="unreachable"]'), 5_000, 'shown as offline');
    const button = q<HTMLButtonElement>(el, '[data-list="sell"] [part~="take-button"]')!;
    expect(button.disabled).to.equal(true);
    expect(text(button)).to.contain('Maker offline');
  });

  it('is accessible: with a book, an expanded level and the take panel; and when not connected', async () => {
    const { el } = await withBook();
    await expand(el, 'sell');
    qa<HTMLButtonElement>(el, '[data-list="sell"] [part~="take-button"]')[0].click();
    await waitFor(() => !!q(el, '#take-amount'), 2_000, 'take panel');
    q<HTMLButtonElement>(el, '[part~="submit-button"]')!.click(); // validation messages showing
    await waitFor(() => text(q(el, '#f-price-error')) !== '', 2_000, 'errors');
    await expect(el).shadowDom.to.be.accessible();
    const lonely = await fixture<DarkswapOrderbook>(html`<darkswap-orderbook></darkswap-orderbook>`);
    expect(text(q(lonely, '[part~="not-connected"]'))).to.contain('Not connected');
    await expect(lonely).shadowDom.to.be.accessible();
  });

  it('is keyboard operable: one tab stop per list, arrows move, Enter expands and takes, Escape closes', async () => {
    const { el } = await withBook();
    const proposals: DarkswapOrderTakenEvent[] = [];
    el.addEventListener('darkswap-order-taken', (e) => proposals.push(e));
    const focused = () => root(el).activeElement as HTMLElement | null;
    const askButtons = () => qa<HTMLButtonElement>(el, '[data-list="sell"] [part~="level-button"]');
    expect(askButtons().map((b) => b.tabIndex)).to.deep.equal([0, -1]);
    askButtons()[0].focus();
    await sendKeys({ press: 'ArrowDown' });
    await waitFor(() => focused() === askButtons()[1], 2_000, 'second level focused');
    expect(askButtons().map((b) => b.tabIndex)).to.deep.equal([-1, 0]);
    await sendKeys({ press: 'ArrowUp' });
    await waitFor(() => focused() === askButtons()[0], 2_000, 'first level focused');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => askButtons()[0].getAttribute('aria-expanded') === 'true', 2_000, 'expanded');
    await sendKeys({ press: 'ArrowDown' });
    await waitFor(() => focused()?.getAttribute('part') === 'take-button', 2_000, 'take button focused');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => focused()?.id === 'take-amount', 2_000, 'take input focused');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !q(el, '#take-amount') && focused()?.getAttribute('part') === 'take-button', 2_000, 'closed, focus back');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => focused()?.id === 'take-amount', 2_000, 'take input focused again');
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ press: 'Backspace' });
    await sendKeys({ type: '40' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => proposals.length === 1, 2_000, 'proposal by keyboard');
    expect(proposals[0].detail.amount).to.equal(40n);
    // ArrowLeft collapses the level again.
    askButtons()[0].focus();
    await sendKeys({ press: 'ArrowLeft' });
    await waitFor(() => askButtons()[0].getAttribute('aria-expanded') === 'false', 2_000, 'collapsed');
    // Tab leaves the list (one tab stop) for the next control.
    await sendKeys({ press: 'Tab' });
    expect(focused()?.closest('[data-list="sell"]')).to.equal(null);
  });

  it('coalesces a burst of gossip into at most 10 renders per second', async () => {
    const [maker, taker] = await linked();
    const el = await mount(taker.store);
    const flushes: number[] = [];
    const flush = el.flush.bind(el);
    el.flush = () => {
      flushes.push(performance.now());
      flush();
    };
    const t0 = performance.now();
    const makers = await Promise.all(Array.from({ length: 4 }, () => createIdentity()));
    const now = Date.now();
    const orders = await Promise.all(
      Array.from({ length: 300 }, (_, i) => createOrder(makers[i % 4], terms({ price: BigInt(1000 + (i % 60)), outpoints: [outpoint(i + 10)] }), now)),
    );
    await Promise.all(orders.map((o) => maker.store.publishSigned(o)));
    await waitFor(() => taker.store.book.size === 300, 10_000, '300 orders at the taker');
    await new Promise((r) => setTimeout(r, 250));
    const elapsed = performance.now() - t0;
    expect(flushes.length).to.be.greaterThan(0);
    expect(flushes.length).to.be.at.most(Math.ceil(elapsed / 100) + 1);
    for (let i = 1; i < flushes.length; i++) expect(flushes[i] - flushes[i - 1]).to.be.at.least(95);
    expect(text(q(el, '[part~="summary"]'))).to.contain('0 bids, 300 asks');
    expect(levels(el, 'sell').length).to.be.greaterThan(0);
  });

  it('virtualizes: 10,000 orders render only the visible rows', async () => {
    const identity = await createIdentity();
    const service = await openService({ identity });
    const store = new OrderbookStore({ service, persist: false, book: { maxLivePerMaker: 100_000 } });
    stores.push(store);
    const el = await mount(store);
    const now = Date.now();
    for (let i = 0; i < 10_000; i++) {
      const sell = i % 2 === 0;
      store.book.insert(
        unsignedOrder({
          maker: fakeKey(1 + (i % 50)),
          side: sell ? 'sell' : 'buy',
          price: sell ? 2000n + BigInt(i) : 2000n - BigInt(i % 1999) - 1n,
          created: now,
          expires: now + 60_000,
          outpoints: [outpoint(i + 1)],
        }),
        now,
      );
    }
    const t0 = performance.now();
    el.flush();
    await el.updateComplete;
    await waitFor(() => levels(el, 'sell').length > 0, 2_000, 'rows');
    const ms = performance.now() - t0;
    console.log(`10k orders: first render ${Math.round(ms)} ms, ${levels(el, 'sell').length + levels(el, 'buy').length} rows in the DOM`);
    expect(text(q(el, '[part~="summary"]'))).to.contain('5000 bids, 5000 asks');
    expect(levels(el, 'sell').length).to.be.lessThan(100);
    expect(levels(el, 'sell')[0].querySelector('[part~="level-button"]')!.getAttribute('data-index')).to.equal('0');
    expect(levels(el, 'sell')[0].getAttribute('aria-setsize')).to.equal('5000');
  });

  it('finds its service through context, shares one store per service, and says when it is not connected', async () => {
    const identity = await createIdentity();
    const service = await openService({ identity });
    const host = await fixture<HTMLDivElement>(
      html`<div><darkswap-orderbook pair=${PAIR}></darkswap-orderbook><darkswap-orderbook pair=${PAIR} heading="Second"></darkswap-orderbook></div>`,
    );
    const [one, two] = [...host.querySelectorAll<DarkswapOrderbook>('darkswap-orderbook')];
    await one.updateComplete;
    expect(q(one, '[part~="not-connected"]')).to.not.equal(null);
    provideConnection(host, service);
    await waitFor(() => text(q(one, '[part~="status"]')).startsWith('Online'), 5_000, 'online');
    expect(one.orderbook).to.not.equal(undefined);
    expect(one.orderbook).to.equal(two.orderbook);
    stores.push(one.orderbook!);
    await one.orderbook!.place(terms({ price: 777n }));
    await waitFor(() => levels(one, 'sell').length === 1, 2_000, 'the first shows it');
    // The second is below the fold: a virtualized list renders rows only where the viewport is.
    await waitFor(() => text(q(two, '[part~="summary"]')).includes('1 ask'), 2_000, 'the second counts it');
    two.scrollIntoView();
    await waitFor(() => levels(two, 'sell').length === 1, 2_000, 'the second shows it once scrolled to');
    expect(text(q(two, 'h2'))).to.equal('Second');
    two.remove();
    expect(one.orderbook!.isDisposed).to.equal(false);
  });
});
