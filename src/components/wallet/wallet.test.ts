// <darkswap-wallet> in real Chromium with fake wallet providers (Xverse's sats-connect JSON-RPC, UniSat's
// window.unisat, Leather's RPC) that follow each wallet's API and sign with in-memory keys: detection,
// connect/disconnect by keyboard, address and network shown, copy, errors in words, the wallet context, 320 px,
// accessibility, and a real trade whose seller signs through the Xverse adapter picked in the widget.
import { ContextEvent } from '@lit/context';
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { MemoryIndexer, MemoryWallet } from '../../bitcoin/index.js';
import { fakeLeather, fakeUnisat, fakeXverse, type FakeProvider } from '../../bitcoin/wallets/fake-providers.fixtures.js';
import type { WalletOption } from '../../bitcoin/wallets/providers.js';
import type { BitcoinNetwork } from '../../bitcoin/wire.js';
import { walletContext, type WalletProvision } from '../../context/wallet-context.js';
import { createIdentity } from '../../core/identity.js';
import { destroyServices, openService, uniqueId, waitFor } from '../../../test/harness.js';
import '../trade/darkswap-trade.js';
import type { DarkswapTrade } from '../trade/trade.js';
import './darkswap-wallet.js';
import type { DarkswapWallet } from './wallet.js';
import type { DarkswapWalletConnectedEvent, DarkswapWalletErrorEvent } from './wallet.events.js';
import { truncateAddress } from './wallet.view.js';

const q = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const qa = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

function collect<E extends Event>(el: EventTarget, type: string): E[] {
  const list: E[] = [];
  el.addEventListener(type, (e) => list.push(e as E));
  return list;
}

/** What the wallet context gives an element at `from` (subscribed: follows changes). */
function contextAt(from: Element): { value: WalletProvision | undefined } {
  const seen: { value: WalletProvision | undefined } = { value: undefined };
  from.dispatchEvent(new ContextEvent(walletContext, from, (v) => (seen.value = v), true));
  return seen;
}

/** One page-like object with all three wallets injected, each holding `wallet`'s keys. */
function allWallets(wallet: MemoryWallet): { root: Record<string, unknown>; xverse: FakeProvider; unisat: FakeProvider; leather: FakeProvider } {
  const xverse = fakeXverse(wallet);
  const unisat = fakeUnisat(wallet, 'p2wpkh');
  const leather = fakeLeather(wallet);
  return { root: { ...xverse.win, ...unisat.win, ...leather.win }, xverse, unisat, leather };
}

async function mountWallet(root: object, attrs: { network?: BitcoinNetwork; timeout?: number } = {}): Promise<DarkswapWallet> {
  const el = await fixture<DarkswapWallet>(
    html`<darkswap-wallet network=${attrs.network ?? 'regtest'} timeout=${attrs.timeout ?? 120_000} .providerRoot=${root}></darkswap-wallet>`,
  );
  await el.updateComplete;
  return el;
}

describe('<darkswap-wallet>', function () {
  this.timeout(30_000);
  afterEach(destroyServices);

  it('lists the installed wallets; with none, says so and finds one injected later on "Look again"', async () => {
    const wallet = new MemoryWallet(uniqueId('w'));
    const { root } = allWallets(wallet);
    const el = await mountWallet(root);
    expect(qa(el, '[part~="wallet-button"]').map((b) => [b.dataset.wallet, text(b)])).to.deep.equal([
      ['xverse', 'Connect Xverse'],
      ['unisat', 'Connect UniSat'],
      ['leather', 'Connect Leather'],
    ]);
    const empty: Record<string, unknown> = {};
    const bare = await mountWallet(empty);
    expect(text(q(bare, '[part~="empty"]'))).to.contain('No Bitcoin wallet was found');
    await expect(bare).shadowDom.to.be.accessible();
    Object.assign(empty, fakeLeather(wallet).win);
    q<HTMLButtonElement>(bare, '[part~="rescan-button"]')!.click();
    await bare.updateComplete;
    expect(qa(bare, '[part~="wallet-button"]').map((b) => b.dataset.wallet)).to.deep.equal(['leather']);
  });

  it('connects by keyboard: addresses (shortened, full for screen readers), network, copy, events, context; disconnects', async () => {
    const wallet = new MemoryWallet(uniqueId('w'));
    const { root, xverse } = allWallets(wallet);
    const el = await mountWallet(root);
    const connected = collect<DarkswapWalletConnectedEvent>(el, 'darkswap-wallet-connected');
    const disconnected = collect<CustomEvent>(el, 'darkswap-wallet-disconnected');
    const child = document.createElement('div');
    el.append(child);
    const ctx = contextAt(child);
    expect(ctx.value?.wallet).to.equal(undefined);

    q<HTMLButtonElement>(el, '[data-wallet="xverse"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => !!el.wallet, 5_000, 'connected');
    await el.updateComplete;
    expect(xverse.calls.map((c) => c.method)).to.deep.equal(['getAddresses']);
    expect(text(q(el, '[part~="status"]'))).to.equal('Connected: Xverse');
    expect(text(q(el, '[part~="wallet-name"]'))).to.equal('Xverse');
    expect(text(q(el, '[part~="network"]'))).to.equal('Regtest');
    const rows = qa(el, '[part~="account"]');
    expect(rows.map((r) => r.dataset.purpose)).to.deep.equal(['payment', 'ordinals']);
    const pay = wallet.address('p2wpkh');
    const address = rows[0]!.querySelector('[part~="address"]')!;
    expect(address.getAttribute('title')).to.equal(pay);
    expect(text(address.querySelector('[aria-hidden="true"]'))).to.equal(truncateAddress(pay));
    expect(truncateAddress(pay)).to.match(/^bcrt1q.{2}….{6}$/);
    expect(text(address.querySelector('.visually-hidden'))).to.equal(pay);
    expect(connected.map((e) => e.detail)).to.deep.equal([{ wallet: 'xverse', name: 'Xverse', network: 'regtest', addresses: [pay, wallet.address('p2tr')] }]);
    expect(ctx.value?.wallet, 'the context now provides the adapter').to.equal(el.wallet);
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('disconnect-button');
    await expect(el).shadowDom.to.be.accessible();

    // Copy: the full address goes to the clipboard, and the live region says so.
    const copied: string[] = [];
    Object.defineProperty(navigator.clipboard, 'writeText', { configurable: true, value: async (t: string) => void copied.push(t) });
    try {
      rows[0]!.querySelector<HTMLButtonElement>('[part~="copy-button"]')!.click();
      await waitFor(() => copied.length === 1, 2_000, 'copied');
      expect(copied).to.deep.equal([pay]);
      await el.updateComplete;
      expect(text(q(el, '[part~="live"]'))).to.equal('Address copied.');
    } finally {
      delete (navigator.clipboard as unknown as Record<string, unknown>).writeText;
    }

    await sendKeys({ press: 'Enter' }); // focus is on Disconnect
    await el.updateComplete;
    expect(el.wallet).to.equal(undefined);
    expect(disconnected.map((e) => e.detail)).to.deep.equal([{ wallet: 'xverse', name: 'Xverse' }]);
    expect(ctx.value?.wallet).to.equal(undefined);
    await waitFor(() => xverse.calls.some((c) => c.method === 'wallet_renouncePermissions'), 2_000, 'renounced');
    expect(qa(el, '[part~="wallet-button"]')).to.have.length(3);
  });

  it('says what went wrong in plain words: declined, locked, another network, no answer', async () => {
    const cases: [string, (f: FakeProvider) => void, string, string, { timeout?: number }?][] = [
      ['xverse', (f) => (f.mode = 'reject'), 'rejected', 'You declined the request in Xverse.'],
      ['unisat', (f) => (f.mode = 'locked'), 'locked', 'UniSat is locked. Unlock it and try again.'],
      ['leather', () => undefined, 'wrong-network', 'Leather is on another network than this site.'],
      ['xverse', (f) => (f.mode = 'hang'), 'timeout', 'Xverse did not answer in time.', { timeout: 200 }],
    ];
    for (const [id, setup, code, words, attrs] of cases) {
      const wallet = new MemoryWallet(uniqueId('w'), { network: code === 'wrong-network' ? 'mainnet' : 'regtest' });
      const fakes = allWallets(wallet);
      setup(fakes[id as 'xverse' | 'unisat' | 'leather']);
      const el = await mountWallet(fakes.root, attrs ?? {});
      const errors = collect<DarkswapWalletErrorEvent>(el, 'darkswap-wallet-error');
      q<HTMLButtonElement>(el, `[data-wallet="${id}"]`)!.click();
      await waitFor(() => errors.length === 1, 5_000, `${id} error`);
      await el.updateComplete;
      expect(errors[0]!.detail.code).to.equal(code);
      expect(errors[0]!.detail.wallet).to.equal(id);
      const alert = q(el, '[part~="error"]')!;
      expect(alert.getAttribute('role')).to.equal('alert');
      expect(text(alert)).to.contain(words);
      expect(el.wallet).to.equal(undefined);
      expect(
        qa(el, '[part~="wallet-button"]').every((b) => !(b as HTMLButtonElement).disabled),
        'buttons usable again',
      ).to.equal(true);
    }
  });

  it('with `page` provides to the whole document, merging an indexer given to it; host-supplied wallet options', async () => {
    const wallet = new MemoryWallet(uniqueId('w'));
    const { root } = allWallets(wallet);
    const indexer = new MemoryIndexer('regtest');
    const options: WalletOption[] = [{ id: 'unisat', kind: 'unisat', name: 'UniSat' }];
    const el = await fixture<DarkswapWallet>(
      html`<darkswap-wallet page network="regtest" .providerRoot=${root} .wallets=${options} .indexer=${indexer}></darkswap-wallet>`,
    );
    const sibling = document.createElement('div');
    document.body.append(sibling);
    try {
      const ctx = contextAt(sibling);
      expect(ctx.value?.indexer).to.equal(indexer);
      expect(qa(el, '[part~="wallet-button"]').map((b) => b.dataset.wallet)).to.deep.equal(['unisat']);
      await el.connect('unisat');
      expect(ctx.value?.wallet?.id).to.equal('unisat');
      expect(ctx.value?.indexer).to.equal(indexer);
      el.remove();
      expect(ctx.value, 'a removed widget provides nothing').to.equal(undefined);
    } finally {
      sibling.remove();
    }
  });

  it('fits 320 px connected, with 44 px targets', async () => {
    const wallet = new MemoryWallet(uniqueId('w'));
    const { root } = allWallets(wallet);
    const wrap = await fixture<HTMLDivElement>(
      html`<div style="width: 320px"><darkswap-wallet network="regtest" .providerRoot=${root}></darkswap-wallet></div>`,
    );
    const el = wrap.querySelector<DarkswapWallet>('darkswap-wallet')!;
    await el.connect('leather');
    await el.updateComplete;
    const base = q(el, '[part~="base"]')!;
    expect(base.scrollWidth, `${base.scrollWidth} > ${base.clientWidth}`).to.be.at.most(base.clientWidth);
    for (const b of qa(el, 'button')) expect(b.getBoundingClientRect().height, text(b)).to.be.at.least(44);
  });

  it('a real trade: the seller signs through the Xverse adapter picked in the widget, the ledger accepts the swap', async () => {
    const indexer = new MemoryIndexer('regtest');
    const [si, bi] = await Promise.all([createIdentity(), createIdentity()]);
    const [ss, bs] = await Promise.all([openService({ identity: si }), openService({ identity: bi })]);
    await ss.connect(bs.id!);
    await waitFor(() => bs.peers.includes(ss.id!), 10_000, 'link');
    const sellerKeys = new MemoryWallet(uniqueId('seller'), { indexer });
    const buyerWallet = new MemoryWallet(uniqueId('buyer'), { indexer });
    indexer.fund(sellerKeys.address('p2tr'), 10_000n, { runes: [{ id: '840000:3', amount: 1500n }] });
    indexer.fund(buyerWallet.address('p2wpkh'), 100_000n);
    const xverse = fakeXverse(sellerKeys);
    const broadcast = (hex: string) => indexer.broadcast(hex);
    const sellerWrap = await fixture<DarkswapWallet>(
      html`<darkswap-wallet network="regtest" .providerRoot=${xverse.win} .indexer=${indexer} .broadcast=${broadcast}>
        <darkswap-trade heading="Seller" store-name=${uniqueId('trade-seller')} .connection=${ss}></darkswap-trade>
      </darkswap-wallet>`,
    );
    const sellerEl = sellerWrap.querySelector<DarkswapTrade>('darkswap-trade')!;
    const buyerEl = await fixture<DarkswapTrade>(
      html`<darkswap-trade
        heading="Buyer"
        store-name=${uniqueId('trade-buyer')}
        .connection=${bs}
        .wallet=${buyerWallet}
        .indexer=${indexer}
      ></darkswap-trade>`,
    );
    await Promise.all([sellerEl.ready, buyerEl.ready]);
    await sellerWrap.connect('xverse');
    const id = await buyerEl.propose(ss.id!, { role: 'buyer', asset: { kind: 'rune', id: '840000:3' }, amount: 1000n, priceSats: 50_000n, feeRate: 2n });
    const state = (el: DarkswapTrade) => el.trade(id)?.state;
    await waitFor(() => state(sellerEl) === 'incoming', 10_000, 'incoming');
    await sellerEl.accept(id);
    await waitFor(() => state(sellerEl) === 'review', 10_000, `seller review (${state(sellerEl)}: ${sellerEl.trade(id)?.failure?.message ?? ''})`);
    expect(
      xverse.calls.filter((c) => c.method === 'signPsbt'),
      'no prompt before the review is confirmed',
    ).to.have.length(0);
    await sellerEl.updateComplete;
    q<HTMLButtonElement>(sellerEl, `[data-trade-id="${id}"] [part~="confirm-button"]`)!.click();
    await waitFor(() => state(buyerEl) === 'review', 10_000, `buyer review (${state(sellerEl)}: ${sellerEl.trade(id)?.failure?.message ?? ''})`);
    const sign = xverse.calls.filter((c) => c.method === 'signPsbt');
    expect(sign).to.have.length(1);
    expect((sign[0]!.params as { signInputs: unknown; broadcast: boolean }).signInputs).to.deep.equal({ [sellerKeys.address('p2tr')]: [0] });
    await buyerEl.updateComplete;
    q<HTMLButtonElement>(buyerEl, `[data-trade-id="${id}"] [part~="confirm-button"]`)!.click();
    await waitFor(() => state(buyerEl) === 'done' && state(sellerEl) === 'done', 15_000, `done (${state(buyerEl)}, ${state(sellerEl)})`);
    const txid = buyerEl.trade(id)!.txid!;
    const [assetOut, payment] = await indexer.getOutputs([`${txid}:0`, `${txid}:1`]);
    expect(assetOut!.runes).to.deep.equal([{ id: '840000:3', amount: 1000n }]);
    expect(payment!.address).to.equal(sellerKeys.address('p2wpkh'));
    expect(indexer.lost.size).to.equal(0);
  });
});
