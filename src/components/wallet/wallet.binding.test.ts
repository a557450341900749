// Proving a wallet to peers (issue 19 item 4), in real Chromium over real WebRTC: <darkswap-wallet> connected to a
// fake Xverse (which signs BIP-322 with a MemoryWallet's keys) proves the wallet from its button; the
// counterparty's <darkswap-trade> card and <darkswap-network-status> row show "controls <address>" with the full
// address for screen readers and a copy button (in German on a lang="de" page); a replay of that binding by a third peer is refused and shown
// nowhere; "Stop proving" withdraws it; a wallet that declines says so; without a connection there is no button.
import { expect, fixture, html } from '@open-wc/testing';
import * as v from 'valibot';
import { MemoryIndexer, MemoryWallet } from '../../bitcoin/index.js';
import { fakeXverse } from '../../bitcoin/wallets/fake-providers.fixtures.js';
import { createIdentity } from '../../core/identity.js';
import { BINDING_CHANNEL, BINDING_FEATURE, type BindingEngine } from '../../features/binding/binding.engine.js';
import { peekFeature } from '../../features/registry.js';
import { destroyServices, openService, uniqueId, waitFor } from '../../../test/harness.js';
import '../network-status/darkswap-network-status.js';
import type { DarkswapNetworkStatus } from '../network-status/network-status.js';
import '../trade/darkswap-trade.js';
import type { DarkswapTrade } from '../trade/trade.js';
import './darkswap-wallet.js';
import type { DarkswapWallet } from './wallet.js';

const q = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function linked(...pairs: [Awaited<ReturnType<typeof openService>>, Awaited<ReturnType<typeof openService>>][]) {
  for (const [a, b] of pairs) {
    await a.connect(b.id!);
    await waitFor(() => b.peers.includes(a.id!), 10_000, 'link');
  }
}

describe('<darkswap-wallet>: proving the wallet to peers', function () {
  this.timeout(30_000);
  afterEach(destroyServices);

  it('the prove button binds the identity; the counterparty’s trade card and network status show "controls <address>"', async () => {
    const indexer = new MemoryIndexer('regtest');
    const [a, b, c] = await Promise.all([0, 1, 2].map(async () => openService({ identity: await createIdentity() })));
    await linked([a!, b!], [c!, b!]);
    const walletA = new MemoryWallet(uniqueId('a'));
    const walletB = new MemoryWallet(uniqueId('b'), { indexer });
    indexer.fund(walletB.address('p2wpkh'), 100_000n);
    const xverse = fakeXverse(walletA);
    const el = await fixture<DarkswapWallet>(html`<darkswap-wallet network="regtest" .providerRoot=${xverse.win} .connection=${a}></darkswap-wallet>`);
    const [trade, status] = [
      await fixture<DarkswapTrade>(
        html`<darkswap-trade store-name=${uniqueId('trade')} .connection=${b} .wallet=${walletB} .indexer=${indexer}></darkswap-trade>`,
      ),
      await fixture<DarkswapNetworkStatus>(html`<darkswap-network-status .connection=${b}></darkswap-network-status>`),
    ];
    await trade.ready;
    const id = await trade.propose(a!.id!, { role: 'buyer', asset: { kind: 'rune', id: '840000:3' }, amount: 10n, priceSats: 5_000n, feeRate: 2n });

    expect(q(el, '[part~="prove-button"]'), 'no wallet yet: nothing to prove').to.equal(null);
    q<HTMLButtonElement>(el, '[data-wallet="xverse"]')!.click();
    await waitFor(() => !!el.wallet, 10_000, 'connected');
    await el.updateComplete;
    const address = walletA.address('p2wpkh');
    q<HTMLButtonElement>(el, '[part~="prove-button"]')!.click();
    await waitFor(() => !!q(el, '[part~="proved"]'), 10_000, 'proved');
    expect(xverse.calls.find((call) => call.method === 'signMessage')?.params).to.include({ address, protocol: 'BIP322' });
    expect(text(q(el, '[part~="proved"] .visually-hidden'))).to.equal(address);
    await expect(el).shadowDom.to.be.accessible();

    // The trade card of the counterparty.
    const card = () => q(trade, `[data-trade-id="${id}"] [part~="bound-address"]`);
    await waitFor(() => !!card(), 10_000, 'the trade card’s binding');
    expect(text(card())).to.match(/^controls /);
    expect(card()!.querySelector('code')!.title).to.equal(address);
    expect(text(card()!.querySelector('code .visually-hidden'))).to.equal(address);
    expect(card()!.querySelector('[part~="copy-button"]')!.getAttribute('aria-label')).to.equal('Copy wallet address');
    // The network status row of A (and none on C's).
    const row = (peer: string) => q(status, `[part~="peer"][data-peer="${peer}"]`);
    await waitFor(() => !!row(a!.id!)?.querySelector('[part~="bound-address"]'), 10_000, 'the network status row’s binding');
    expect(row(a!.id!)!.querySelector('[part~="bound-address"] code')!.getAttribute('title')).to.equal(address);
    await expect(status).shadowDom.to.be.accessible();

    // C replays A's binding: refused, counted, shown nowhere.
    const engine = peekFeature<BindingEngine>(b!, BINDING_FEATURE)!;
    c!
      .channel<unknown>(BINDING_CHANNEL, { schema: v.unknown(), maxBytes: 2048 })
      .send(b!.id!, { t: 'bind', binding: peekFeature<BindingEngine>(a!, BINDING_FEATURE)!.mine });
    await waitFor(() => engine.rejectsFrom(c!.id!).byReason.identity === 1, 10_000, 'the replay refused');
    await waitFor(() => !!row(c!.id!), 10_000, 'C’s row');
    await status.updateComplete;
    expect(row(c!.id!)!.querySelector('[part~="bound-address"]')).to.equal(null);

    // In German on a lang="de" page.
    document.documentElement.lang = 'de';
    try {
      await waitFor(() => text(card()).startsWith('kontrolliert '), 10_000, 'German in the trade card');
      expect(text(q(el, '[part~="proved"]'))).to.match(/^Peers sehen, dass Sie .+ kontrollieren\.$/);
    } finally {
      document.documentElement.removeAttribute('lang');
    }
    await waitFor(() => text(card()).startsWith('controls '), 10_000, 'English again');

    // Stop proving: withdrawn everywhere.
    q<HTMLButtonElement>(el, '[part~="stop-proving-button"]')!.click();
    await waitFor(() => !card() && !row(a!.id!)?.querySelector('[part~="bound-address"]'), 10_000, 'withdrawn');
    await el.updateComplete;
    expect(q(el, '[part~="prove-button"]')).to.not.equal(null);
  });

  it('says so when the wallet declines to sign; offers nothing without a connection', async () => {
    const a = await openService({ identity: await createIdentity() });
    const wallet = new MemoryWallet(uniqueId('w'));
    const xverse = fakeXverse(wallet);
    const el = await fixture<DarkswapWallet>(html`<darkswap-wallet network="regtest" .providerRoot=${xverse.win} .connection=${a}></darkswap-wallet>`);
    await el.connect('xverse');
    await el.updateComplete;
    xverse.mode = 'reject';
    xverse.only = ['signMessage'];
    q<HTMLButtonElement>(el, '[part~="prove-button"]')!.click();
    await waitFor(() => !!q(el, '[part~="error"]'), 10_000, 'the error');
    expect(text(q(el, '[part~="error"]'))).to.match(/declined|reject/i);
    expect(q(el, '[part~="proved"]')).to.equal(null);

    const alone = await fixture<DarkswapWallet>(html`<darkswap-wallet network="regtest" .providerRoot=${fakeXverse(wallet).win}></darkswap-wallet>`);
    await alone.connect('xverse');
    await alone.updateComplete;
    expect(q(alone, '[part~="prove-button"]')).to.equal(null);
  });
});
