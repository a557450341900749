// Languages, below the widgets (issue 18 item 5): on a lang="de" page the feature layer's messages a widget shows —
// the trade review's lines, trade failure reasons, file-share refusals — are German too. Real widgets, real peers.
import { expect, fixture, html } from '@open-wc/testing';
import { MemoryIndexer, MemoryWallet } from '../src/bitcoin/index.js';
import { createIdentity } from '../src/core/identity.js';
import '../src/components/trade/darkswap-trade.js';
import '../src/components/network-status/darkswap-network-status.js';
import type { DarkswapTrade } from '../src/components/trade/trade.js';
import { activeLocale, followPageLanguage, localeReady } from '../src/internal/localize.js';
import { clearStorage, makeFile, mountWidget, part, text as fsText, waitStatus } from '../src/components/file-share/file-share.fixtures.test.js';
import { destroyServices, linkedPair, openService, uniqueId, waitFor } from './harness.js';

const RUNE = '840000:3';
const root = document.documentElement;
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function german(): Promise<void> {
  root.lang = 'de';
  followPageLanguage(); // what a widget does when it connects (none is on the page yet)
  await waitFor(() => activeLocale() === 'de', 10_000, 'German messages');
  await localeReady();
}

describe('languages: feature messages', function () {
  this.timeout(40_000);
  afterEach(async () => {
    await destroyServices();
    await clearStorage();
  });
  after(() => root.removeAttribute('lang'));

  it('shows the trade review and the failure reasons in German', async () => {
    await german();
    const indexer = new MemoryIndexer('regtest');
    const [si, bi] = await Promise.all([createIdentity(), createIdentity()]);
    const [ss, bs] = await Promise.all([openService({ identity: si }), openService({ identity: bi })]);
    await ss.connect(bs.id!);
    await waitFor(() => bs.peers.includes(ss.id!), 10_000, 'link');
    const sellerWallet = new MemoryWallet(uniqueId('seller'), { indexer });
    const buyerWallet = new MemoryWallet(uniqueId('buyer'), { indexer });
    indexer.fund(sellerWallet.address('p2tr'), 10_000n, { runes: [{ id: RUNE, amount: 1500n }] });
    indexer.fund(buyerWallet.address('p2wpkh'), 100_000n);
    const mount = (service: typeof ss, wallet: MemoryWallet, store: string) =>
      fixture<DarkswapTrade>(
        html`<darkswap-trade store-name=${uniqueId(store)} .connection=${service} .wallet=${wallet} .indexer=${indexer}></darkswap-trade>`,
      );
    const [sellerEl, buyerEl] = await Promise.all([mount(ss, sellerWallet, 'trade-de-seller'), mount(bs, buyerWallet, 'trade-de-buyer')]);
    await Promise.all([sellerEl.ready, buyerEl.ready]);
    const q = (el: DarkswapTrade, sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel);

    const id = await buyerEl.propose(ss.id!, { role: 'buyer', asset: { kind: 'rune', id: RUNE }, amount: 1000n, priceSats: 50_000n, feeRate: 2n });
    await waitFor(() => !!q(sellerEl, `[data-trade-id="${id}"] [part~="accept-button"]`), 10_000, 'incoming proposal');
    q(sellerEl, `[data-trade-id="${id}"] [part~="accept-button"]`)!.click();
    await waitFor(() => !!q(sellerEl, `[data-trade-id="${id}"] [part~="review"]`), 10_000, 'review shown');

    // The review's lines, in German (their amounts keep the feature's own number format).
    const review = q(sellerEl, `[data-trade-id="${id}"] [part~="review"]`)!;
    expect(text(review.querySelector('[part~="review-send"]'))).to.contain(`Einheiten von rune ${RUNE} an den Käufer (Ausgang #0)`);
    expect(text(review.querySelector('[part~="review-runestone"]'))).to.contain('Pointer: alles Übrige geht an Ausgang #2');
    expect(text(review.querySelector('[part~="review-fee"]'))).to.match(/für ~\d+ vB \(2 sat\/vB\), bezahlt vom Käufer/);
    expect(text(review)).not.to.contain('units of');

    // Cancelled at the review: each side's failure reason, in German (the record keeps the English text).
    await sellerEl.updateComplete;
    q(sellerEl, `[data-trade-id="${id}"] [part~="cancel-button"]`)!.click();
    await waitFor(() => buyerEl.trade(id)?.state === 'failed' && sellerEl.trade(id)?.state === 'failed', 10_000, 'both failed');
    await Promise.all([sellerEl.updateComplete, buyerEl.updateComplete]);
    expect(sellerEl.trade(id)!.failure!.message).to.equal('You cancelled the trade before signing.');
    expect(text(q(sellerEl, `[part~="history-item"][data-trade-id="${id}"] [part~="failure"]`))).to.equal(
      'Sie haben den Handel vor dem Signieren abgebrochen.',
    );
    expect(text(q(buyerEl, `[part~="history-item"][data-trade-id="${id}"] [part~="failure"]`))).to.equal(
      'Die Gegenseite hat den Handel abgebrochen (cancelled by the user).',
    );
  });

  it('shows a file-share refusal in German on both sides', async () => {
    await german();
    const [a, b] = await linkedPair();
    const wa = await mountWidget(a);
    const wb = await mountWidget(b, { maxFiles: 1 });
    const [id] = await wa.sendFiles([makeFile('x', 1, 1), makeFile('y', 1, 2)], [b.id!]);
    await waitStatus(wa, id!, 'rejected');
    await waitFor(() => wb.transfers.some((t) => t.id === id && t.status === 'rejected'), 5_000, 'refusal listed');
    await Promise.all([wa.updateComplete, wb.updateComplete]);
    const reason = (el: typeof wa) => fsText(part(el, `[part~="transfer"][data-id="${id}"] [part~="reason"]`));
    // The record keeps the English text; the widget shows it in German.
    expect(wb.transfers.find((t) => t.id === id)!.reason!.message).to.equal(
      'Refused automatically: The offer has 2 files; this receiver accepts at most 1 per offer.',
    );
    expect(reason(wb)).to.equal('Automatisch abgelehnt: Das Angebot umfasst 2 Dateien; dieser Empfänger nimmt höchstens 1 pro Angebot an.');
    expect(reason(wa)).to.equal('Das Angebot umfasst 2 Dateien; dieser Empfänger nimmt höchstens 1 pro Angebot an.');
  });

  it("shows the connection doctor's findings in German", async () => {
    await german();
    const [a] = await linkedPair();
    const el = await fixture<HTMLElement>(html`<darkswap-network-status .connection=${a}></darkswap-network-status>`);
    const q = (sel: string) => el.shadowRoot!.querySelector<HTMLElement>(sel);
    await waitFor(() => !!q('[part~="check-button"]') && !(q('[part~="check-button"]') as HTMLButtonElement).disabled, 10_000, 'check button');
    q('[part~="check-button"]')!.click();
    // No STUN or TURN servers are configured in the test page.
    await waitFor(() => !!q('[part~="finding"][data-code="no-ice-servers"]'), 10_000, 'findings');
    expect(text(q('[part~="finding"][data-code="no-ice-servers"]'))).to.equal(
      'Kein STUN- oder TURN-Server eingerichtet: Nur Peers auf diesem Rechner oder in diesem Netzwerk sind erreichbar. ' +
        'Trage deine STUN- und TURN-Server ein (ice-servers, oder ice-credentials-url für kurzlebige TURN-Zugangsdaten).',
    );
  });
});
