// <darkswap-trade> in real Chromium: two connection services in the page linked through the real PeerServer,
// a widget on each side (or a hand-driven hostile peer), in-memory wallets on one in-memory ledger.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import {
  buildSwapPsbt,
  MemoryIndexer,
  MemoryWallet,
  parseBuyerContribution,
  parseTerms,
  sellerToWire,
  type AssetIndexer,
  type OutputInfo,
} from '../../bitcoin/index.js';
import type { ConnectionService } from '../../core/connection-service.js';
import { createIdentity, type Identity } from '../../core/identity.js';
import { destroyServices, openService, uniqueId, waitFor } from '../../../test/harness.js';
import './darkswap-trade.js';
import type { DarkswapTrade } from './trade.js';
import { toBase64 } from '../../features/trade/trade.bitcoin.js';
import { provideWallet } from '../../context/wallet-context.js';
import type { DarkswapTradeCompletedEvent, DarkswapTradeFailedEvent } from './trade.events.js';
import { signTradeMessage, TradeMessageSchema, type ProposeMessage, type SequencedMessage, type TradeMessage } from '../../features/trade/trade.protocol.js';
import { TradeStore, verifyAuditExport } from '../../features/trade/trade.store.js';
import { TRADE_CHANNEL, TRADE_MAX_BYTES, type TradeState } from '../../features/trade/trade.types.js';

const RUNE = '840000:3';
const ALKANE = '2:1';
const root = (el: Element) => el.shadowRoot!;
const q = <T extends Element = HTMLElement>(el: Element, sel: string) => root(el).querySelector<T>(sel);
const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
const inTrade = (el: DarkswapTrade, id: string, part: string) => q<HTMLButtonElement>(el, `[data-trade-id="${id}"] [part~="${part}"]`);
const stateOf = (el: DarkswapTrade, id: string): TradeState | undefined => el.trade(id)?.state;
const waitState = (el: DarkswapTrade, id: string, state: TradeState, ms = 10_000) =>
  waitFor(() => stateOf(el, id) === state, ms, `${el.heading}: ${state} (is ${stateOf(el, id)}: ${el.trade(id)?.failure?.message ?? ''})`);

interface Side {
  service: ConnectionService;
  identity: Identity;
  wallet: MemoryWallet;
  store: string;
}

interface World {
  indexer: MemoryIndexer;
  seller: Side;
  buyer: Side;
  assetUtxo: OutputInfo;
}

/** A seller holding 1500 units of a rune (or alkane) and a buyer holding 100 000 sats, linked. */
async function world(kind: 'rune' | 'alkane' = 'rune'): Promise<World> {
  const indexer = new MemoryIndexer('regtest');
  const [si, bi] = await Promise.all([createIdentity(), createIdentity()]);
  const [ss, bs] = await Promise.all([openService({ identity: si }), openService({ identity: bi })]);
  await ss.connect(bs.id!);
  await waitFor(() => bs.peers.includes(ss.id!), 10_000, 'link');
  const seller: Side = { service: ss, identity: si, wallet: new MemoryWallet(uniqueId('seller'), { indexer }), store: uniqueId('trade-seller') };
  const buyer: Side = { service: bs, identity: bi, wallet: new MemoryWallet(uniqueId('buyer'), { indexer }), store: uniqueId('trade-buyer') };
  const held = [{ id: kind === 'rune' ? RUNE : ALKANE, amount: 1500n }];
  const assetUtxo = indexer.fund(seller.wallet.address('p2tr'), 10_000n, kind === 'rune' ? { runes: held } : { alkanes: held });
  indexer.fund(buyer.wallet.address('p2wpkh'), 100_000n);
  return { indexer, seller, buyer, assetUtxo };
}

async function mount(side: Side, indexer: AssetIndexer, heading: string, extra: Partial<DarkswapTrade> = {}): Promise<DarkswapTrade> {
  const el = await fixture<DarkswapTrade>(
    html`<darkswap-trade heading=${heading} store-name=${side.store} .connection=${side.service} .wallet=${side.wallet} .indexer=${indexer}></darkswap-trade>`,
  );
  Object.assign(el, extra);
  await el.ready;
  await el.updateComplete;
  return el;
}

const proposeBuy = (buyer: DarkswapTrade, sellerPeer: string, kind: 'rune' | 'alkane' = 'rune') =>
  buyer.propose(sellerPeer, { role: 'buyer', asset: { kind, id: kind === 'rune' ? RUNE : ALKANE }, amount: 1000n, priceSats: 50_000n, feeRate: 2n });

function collect<E extends Event>(el: EventTarget, type: string): E[] {
  const list: E[] = [];
  el.addEventListener(type, (e) => list.push(e as E));
  return list;
}

/** Runs one trade from proposal to the seller's review (seller accepted, both verified). */
async function toSellerReview(w: World, sellerEl: DarkswapTrade, buyerEl: DarkswapTrade, kind: 'rune' | 'alkane' = 'rune'): Promise<string> {
  const id = await proposeBuy(buyerEl, w.seller.service.id!, kind);
  await waitState(sellerEl, id, 'incoming');
  await waitFor(() => !!inTrade(sellerEl, id, 'accept-button'), 5_000, 'accept button');
  inTrade(sellerEl, id, 'accept-button')!.click();
  await waitState(sellerEl, id, 'review');
  await waitState(buyerEl, id, 'awaiting-signature');
  return id;
}

describe('<darkswap-trade>', function () {
  this.timeout(30_000);
  afterEach(destroyServices);

  it('runs a full BTC ↔ rune swap between two widgets, driven by keyboard, ending with a txid the ledger accepted', async () => {
    const w = await world();
    const sellerEl = await mount(w.seller, w.indexer, 'Seller');
    const buyerEl = await mount(w.buyer, w.indexer, 'Buyer');
    const completed = collect<DarkswapTradeCompletedEvent>(sellerEl, 'darkswap-trade-completed');
    const buyerCompleted = collect<DarkswapTradeCompletedEvent>(buyerEl, 'darkswap-trade-completed');
    const proposedIn = collect<CustomEvent>(sellerEl, 'darkswap-trade-proposed');
    const signed = collect<CustomEvent>(document, 'darkswap-trade-signed');

    const id = await proposeBuy(buyerEl, w.seller.service.id!);
    await waitState(sellerEl, id, 'incoming');
    await waitFor(() => proposedIn.length === 1, 5_000, 'proposed event');
    expect(proposedIn[0]!.detail).to.include({ tradeId: id, direction: 'in', role: 'seller', peer: w.buyer.service.id });
    await sellerEl.updateComplete;
    // Keyboard: focus the accept button, press Enter.
    inTrade(sellerEl, id, 'accept-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitState(sellerEl, id, 'review');
    await waitFor(() => !!inTrade(sellerEl, id, 'review'), 5_000, 'review shown');

    // The review is shown before any wallet prompt, in plain words.
    const review = q(sellerEl, `[data-trade-id="${id}"] [part~="review"]`)!;
    expect(text(review.querySelector('[part~="review-send"]'))).to.contain(`1,000 units of rune ${RUNE}`);
    expect(text(review.querySelector('[part~="review-receive"]'))).to.contain('50,000 sats');
    expect(text(review.querySelector('[part~="review-runestone"]'))).to.contain(`Edict: move 1,000 of ${RUNE} to output #0`);
    expect(text(review.querySelector('[part~="review-runestone"]'))).to.contain('Pointer: everything else goes to output #2');
    expect(text(review.querySelector('[part~="review-fee"]'))).to.match(/sats for ~\d+ vB \(2 sat\/vB\), paid by the buyer/);
    expect(w.seller.wallet.signCalls).to.equal(0);
    await expect(sellerEl).shadowDom.to.be.accessible();

    inTrade(sellerEl, id, 'confirm-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitState(buyerEl, id, 'review');
    expect(w.seller.wallet.signCalls).to.equal(1);
    expect(w.buyer.wallet.signCalls, 'the buyer is not asked before it confirms').to.equal(0);
    expect(stateOf(sellerEl, id)).to.equal('awaiting-completion');
    await waitFor(() => !!inTrade(buyerEl, id, 'review'), 5_000, "buyer's review shown");
    expect(text(q(buyerEl, `[data-trade-id="${id}"] [part~="review-receive"]`))).to.contain(`1,000 units of rune ${RUNE}`);
    inTrade(buyerEl, id, 'confirm-button')!.click();

    await waitState(buyerEl, id, 'done');
    await waitState(sellerEl, id, 'done');
    const txid = buyerEl.trade(id)!.txid!;
    expect(txid).to.match(/^[0-9a-f]{64}$/);
    expect(sellerEl.trade(id)!.txid).to.equal(txid);
    expect(w.buyer.wallet.signCalls).to.equal(1);
    // The ledger applied it: the buyer's output holds the runes, the seller's change the rest, inputs spent.
    const [assetOut, payment, change] = await w.indexer.getOutputs([`${txid}:0`, `${txid}:1`, `${txid}:2`]);
    expect(assetOut!.runes).to.deep.equal([{ id: RUNE, amount: 1000n }]);
    expect(assetOut!.address).to.equal(w.buyer.wallet.address('p2tr'));
    expect(payment!.address).to.equal(w.seller.wallet.address('p2wpkh'));
    expect(payment!.value).to.equal(10_000n + 50_000n - 546n);
    expect(change!.runes).to.deep.equal([{ id: RUNE, amount: 500n }]);
    expect((await w.indexer.getOutputs([w.assetUtxo.outpoint]))[0]!.spent).to.equal(true);
    expect(w.indexer.lost.size).to.equal(0);
    // Events, history.
    await waitFor(() => completed.length === 1 && buyerCompleted.length === 1, 5_000, 'completed events');
    expect(completed[0]!.detail).to.deep.equal({ tradeId: id, peer: w.buyer.service.id, role: 'seller', txid, direction: 'in' });
    expect(signed.map((e) => e.detail.role).sort()).to.deep.equal(['buyer', 'seller']);
    await sellerEl.updateComplete;
    expect(text(q(sellerEl, `[part~="history-item"][data-trade-id="${id}"] [part~="txid"]`))).to.equal(txid);
    const history = await new TradeStore(w.seller.store).history();
    expect(history.map((r) => [r.id, r.state, r.txid])).to.deep.equal([[id, 'done', txid]]);
  });

  it('trades an alkane too (protostone shown in the review), with the wallet and indexer from the wallet context', async () => {
    const w = await world('alkane');
    const host = await fixture<HTMLDivElement>(
      html`<div>
        <darkswap-trade heading="Seller" store-name=${w.seller.store}></darkswap-trade>
      </div>`,
    );
    provideWallet(host, { wallet: w.seller.wallet, indexer: w.indexer });
    const sellerEl = host.querySelector('darkswap-trade')!;
    sellerEl.connection = w.seller.service;
    await sellerEl.ready;
    const buyerEl = await mount(w.buyer, w.indexer, 'Buyer');
    const id = await toSellerReview(w, sellerEl, buyerEl, 'alkane');
    await sellerEl.updateComplete;
    const runestone = text(q(sellerEl, `[data-trade-id="${id}"] [part~="review"]`));
    expect(runestone).to.contain('Protocol tag 1 (alkanes)');
    expect(runestone).to.contain(`Edict: move 1,000 of alkane ${ALKANE} to output #0`);
    expect(runestone).to.contain('Pointer: output #2; refund: output #2');
    await sellerEl.confirm(id);
    await waitState(buyerEl, id, 'review');
    await buyerEl.confirm(id);
    await waitState(sellerEl, id, 'done');
    const txid = sellerEl.trade(id)!.txid!;
    const [assetOut] = await w.indexer.getOutputs([`${txid}:0`]);
    expect(assetOut!.alkanes).to.deep.equal([{ id: ALKANE, amount: 1000n }]);
    expect(w.indexer.lost.size).to.equal(0);
  });

  it('cancel before signing, from each side: the other side fails visibly and no wallet was asked', async () => {
    const w = await world();
    w.indexer.fund(w.seller.wallet.address('p2tr'), 10_000n, { runes: [{ id: RUNE, amount: 1500n }] });
    w.indexer.fund(w.buyer.wallet.address('p2wpkh'), 100_000n);
    const sellerEl = await mount(w.seller, w.indexer, 'Seller');
    const buyerEl = await mount(w.buyer, w.indexer, 'Buyer');
    const failed = collect<DarkswapTradeFailedEvent>(buyerEl, 'darkswap-trade-failed');

    // 1. The seller cancels at its review (the last step before its signature).
    const first = await toSellerReview(w, sellerEl, buyerEl);
    await sellerEl.updateComplete;
    inTrade(sellerEl, first, 'cancel-button')!.click();
    await waitState(sellerEl, first, 'failed');
    await waitState(buyerEl, first, 'failed');
    expect(sellerEl.trade(first)!.failure).to.include({ code: 'cancelled', by: 'me' });
    expect(buyerEl.trade(first)!.failure).to.include({ code: 'peer-cancelled', by: 'peer' });
    await waitFor(() => failed.length === 1, 5_000, 'failed event');
    expect(failed[0]!.detail.failure.code).to.equal('peer-cancelled');
    expect(failed[0]!.detail.exposed).to.equal(false);
    await buyerEl.updateComplete;
    expect(text(q(buyerEl, `[part~="history-item"][data-trade-id="${first}"] [part~="failure"]`))).to.contain('The counterparty cancelled the trade');

    // 2. The buyer cancels while waiting for the seller's signature (after both verified).
    const second = await toSellerReview(w, sellerEl, buyerEl);
    await buyerEl.updateComplete;
    inTrade(buyerEl, second, 'cancel-button')!.click();
    await waitState(buyerEl, second, 'failed');
    await waitState(sellerEl, second, 'failed');
    expect(sellerEl.trade(second)!.failure!.code).to.equal('peer-cancelled');
    // The seller can no longer confirm: nothing reaches its wallet.
    let refused = '';
    await sellerEl.confirm(second).catch((e: Error) => (refused = e.message));
    expect(refused).to.contain('Cannot confirm');
    expect(w.seller.wallet.signCalls).to.equal(0);
    expect(w.buyer.wallet.signCalls).to.equal(0);

    // 3. After its signature the seller cannot cancel any more (it could only spend its input on-chain).
    const third = await toSellerReview(w, sellerEl, buyerEl);
    await sellerEl.confirm(third);
    await waitState(sellerEl, third, 'awaiting-completion');
    let late = '';
    await sellerEl.cancel(third).catch((e: Error) => (late = e.message));
    expect(late).to.contain('my signature already left');
  });

  it('a step deadline passes → failed with the reason on both sides; a vanished peer → "peer left"', async () => {
    const w = await world();
    // The buyer's deadline passes first; the seller learns it from the buyer's abort (its own would come later).
    const sellerEl = await mount(w.seller, w.indexer, 'Seller', { deadlines: { accept: 4_000 } });
    const buyerEl = await mount(w.buyer, w.indexer, 'Buyer', { deadlines: { accept: 1_200 } });
    const id = await proposeBuy(buyerEl, w.seller.service.id!);
    await waitState(sellerEl, id, 'incoming');
    await sellerEl.updateComplete;
    await waitFor(() => !!inTrade(sellerEl, id, 'deadline'), 5_000, 'deadline shown');
    expect(text(inTrade(sellerEl, id, 'deadline'))).to.match(/Step deadline: [34] s left/);
    await waitState(buyerEl, id, 'failed', 3_000);
    await waitState(sellerEl, id, 'failed', 1_000);
    expect(buyerEl.trade(id)!.failure).to.include({ code: 'deadline', by: 'peer' });
    expect(buyerEl.trade(id)!.failure!.message).to.contain('The counterparty did not finish within 1 s');
    expect(sellerEl.trade(id)!.failure).to.include({
      code: 'deadline',
      by: 'peer',
      message: "The counterparty's deadline passed (deadline for accept passed).",
    });

    // The seller accepts, then vanishes before its verification reaches the buyer's deadline.
    sellerEl.deadlines = buyerEl.deadlines = { accept: 5_000, verify: 1_500 };
    const gone = await proposeBuy(buyerEl, w.seller.service.id!);
    await waitState(sellerEl, gone, 'incoming');
    w.seller.service.destroy();
    await waitFor(() => buyerEl.trade(gone)?.peerOnline === false, 5_000, 'peer offline');
    await waitState(buyerEl, gone, 'failed', 8_000);
    expect(buyerEl.trade(gone)!.failure!.code).to.equal('peer-left');
    expect(buyerEl.trade(gone)!.failure!.message).to.contain('The counterparty left and did not come back');
    expect(w.buyer.wallet.signCalls + w.seller.wallet.signCalls).to.equal(0);
  });

  it('after my signature left and the buyer vanished: the trade says so, keeps no Cancel, and Cancel on chain takes my runes back', async () => {
    const w = await world();
    const sellerEl = await mount(w.seller, w.indexer, 'Seller', { deadlines: { complete: 1_500 } });
    const buyerEl = await mount(w.buyer, w.indexer, 'Buyer');
    const id = await toSellerReview(w, sellerEl, buyerEl);
    await sellerEl.confirm(id);
    await waitState(sellerEl, id, 'awaiting-completion');
    await sellerEl.updateComplete;
    // Exposed: no Cancel button, a notice and the way out on chain instead.
    expect(inTrade(sellerEl, id, 'cancel-button')).to.equal(null);
    expect(text(q(sellerEl, `[data-trade-id="${id}"] [part~="exposure"]`))).to.contain('Your signature was sent');
    // The buyer vanishes with the signed PSBT; the seller's completion deadline passes.
    w.buyer.service.destroy();
    await waitState(sellerEl, id, 'failed', 8_000);
    await sellerEl.updateComplete;
    const button = q<HTMLButtonElement>(sellerEl, `[part~="history-item"][data-trade-id="${id}"] [part~="cancel-on-chain-button"]`)!;
    expect(button).to.not.equal(null);
    await expect(sellerEl).shadowDom.to.be.accessible();
    button.click();
    await waitFor(() => !!sellerEl.trade(id)?.cancelTx, 10_000, 'the cancel broadcast');
    await waitFor(() => sellerEl.trade(id)?.failure?.code === 'cancelled-on-chain', 10_000, 'the watcher sees the cancel');
    const cancel = sellerEl.trade(id)!.cancelTx!;
    const [back] = await w.indexer.getOutputs([`${cancel.txid}:0`]);
    expect(back!.runes).to.deep.equal([{ id: RUNE, amount: 1500n }]);
    expect(w.seller.wallet.signCalls).to.equal(2);
    await sellerEl.updateComplete;
    expect(text(q(sellerEl, `[part~="history-item"][data-trade-id="${id}"] [part~="exposure"]`))).to.contain(cancel.txid);
  });

  it('a reload mid-trade resumes from IndexedDB and recovers a message that arrived while no widget listened', async () => {
    const w = await world();
    // The buyer's indexer can be held, to pin the moment its "ready" goes out.
    // eslint-disable-next-line prefer-const -- assigned below, after the gated indexer that reads it is built
    let hold: Promise<void> | undefined;
    let release = () => {};
    const gated: AssetIndexer = {
      getOutputs: async (o) => (await hold, w.indexer.getOutputs(o)),
      listSpendable: (a) => w.indexer.listSpendable(a),
    };
    const sellerEl = await mount(w.seller, w.indexer, 'Seller');
    const buyerEl = await mount(w.buyer, gated, 'Buyer');
    const id = await proposeBuy(buyerEl, w.seller.service.id!);
    await waitState(sellerEl, id, 'incoming');
    hold = new Promise((r) => (release = r));
    await sellerEl.accept(id);
    await waitState(sellerEl, id, 'awaiting-ready');
    await waitFor(() => !!buyerEl.trade(id)?.peerTxid, 5_000, "seller's ready reached the buyer");
    // "Reload": the seller's widget goes away (its channel closes) …
    sellerEl.remove();
    release();
    // … the buyer verifies and sends "ready" to nobody …
    await waitState(buyerEl, id, 'awaiting-signature');
    await waitFor(() => w.seller.service.rejects(w.buyer.service.id!).byReason['unknown-channel'] === 1, 5_000, 'ready lost');
    // … and a new widget instance on the same store (same service, same wallet) resumes the trade.
    const again = await mount(w.seller, w.indexer, 'Seller again');
    expect(again.trade(id), 'loaded from IndexedDB').to.not.equal(undefined);
    await waitState(again, id, 'review');
    await again.confirm(id);
    await waitState(buyerEl, id, 'review');
    await buyerEl.confirm(id);
    await waitState(again, id, 'done');
    await waitState(buyerEl, id, 'done');
    expect(again.trade(id)!.txid).to.equal(buyerEl.trade(id)!.txid);
    expect(w.seller.wallet.signCalls).to.equal(1);
  });

  it('exports a signed, hash-chained audit log that verifies, and detects tampering', async () => {
    const w = await world();
    const sellerEl = await mount(w.seller, w.indexer, 'Seller');
    const buyerEl = await mount(w.buyer, w.indexer, 'Buyer');
    const id = await toSellerReview(w, sellerEl, buyerEl);
    await sellerEl.confirm(id);
    await waitState(buyerEl, id, 'review');
    await buyerEl.confirm(id);
    await waitState(sellerEl, id, 'done');
    const json = await sellerEl.exportAudit();
    const verdict = await verifyAuditExport(json, [w.seller.identity.publicKey]);
    expect(verdict).to.deep.include({ ok: true, keys: [w.seller.identity.publicKey] });
    const doc = JSON.parse(json) as { entries: { event: string; detail: string; tradeId: string }[] };
    const events = doc.entries.filter((e) => e.tradeId === id).map((e) => e.event);
    expect(events).to.include.members([
      'state:incoming',
      'sent:accept',
      'sent:ready',
      'received:ready',
      'state:review',
      'sent:signed',
      'received:complete',
      'state:done',
    ]);
    expect(doc.entries.find((e) => e.event === 'state:done')!.detail).to.contain(sellerEl.trade(id)!.txid!);
    // Someone else's key is not trusted; an edited entry breaks its signature.
    expect((await verifyAuditExport(json, [w.buyer.identity.publicKey])).ok).to.equal(false);
    // An export cut short at the tail no longer matches its signed head.
    const cut = { ...doc, entries: doc.entries.slice(0, -2) };
    const truncated = await verifyAuditExport(JSON.stringify(cut), [w.seller.identity.publicKey]);
    expect(truncated).to.deep.include({ ok: false, index: doc.entries.length - 2 });
    expect((truncated as { reason: string }).reason).to.match(/^the head says \d+ entries/);
    // Without its head it does not verify at all.
    const { head: _head, ...headless } = doc as typeof doc & { head: unknown };
    void _head;
    expect((await verifyAuditExport(JSON.stringify(headless))).ok).to.equal(false);
    doc.entries[1]!.detail = 'edited';
    const edited = await verifyAuditExport(JSON.stringify(doc));
    expect(edited).to.deep.equal({ ok: false, index: 1, reason: 'entry 1 has a bad signature' });
  });

  it("takes an orderbook's darkswap-order-taken (order + take) and sends it to the maker found by identity key", async () => {
    const w = await world();
    const sellerEl = await mount(w.seller, w.indexer, 'Maker');
    const buyerEl = await mount(w.buyer, w.indexer, 'Taker', { fromOrderbook: true });
    const order = { id: 'd'.repeat(64), maker: w.seller.identity.publicKey, base: `RUNE:${RUNE}`, quote: 'BTC', side: 'sell', price: 50n, lot: 1n };
    const book = document.createElement('div');
    document.body.append(book);
    // What <darkswap-orderbook> fires on a take (no peer id: the trade widget finds the maker by its key).
    book.dispatchEvent(
      new CustomEvent('darkswap-order-taken', {
        bubbles: true,
        composed: true,
        detail: { order, take: { amount: 1000n, quoteAmount: 50_000n }, peer: undefined },
      }),
    );
    book.remove();
    await waitFor(() => sellerEl.trades.length === 1, 5_000, 'proposal at the maker');
    const incoming = sellerEl.trades[0]!;
    expect(incoming).to.include({ state: 'incoming', role: 'seller', orderId: order.id, peer: w.buyer.service.id });
    expect(incoming.terms).to.deep.include({ amount: '1000', priceSats: '50000', asset: { kind: 'rune', id: RUNE } });
    expect(buyerEl.trades[0]).to.include({ id: incoming.id, role: 'buyer', direction: 'out' });
  });

  it('takes an order of a maker it has no link to: dials makerPeer, checks the key there, proposes; a wrong address is hung up, nothing proposed', async () => {
    const w = await world();
    const sellerEl = await mount(w.seller, w.indexer, 'Maker');
    const buyerEl = await mount(w.buyer, w.indexer, 'Taker');
    const sellerId = w.seller.service.id!;
    w.buyer.service.disconnect(sellerId);
    await waitFor(() => w.buyer.service.peers.length === 0 && w.seller.service.peers.length === 0, 10_000, 'unlinked');
    const stranger = await openService({ identity: await createIdentity() });
    const order = { id: 'e'.repeat(64), maker: w.seller.identity.publicKey, base: `RUNE:${RUNE}`, quote: 'BTC', side: 'sell' as const, price: 50n, lot: 1n };
    const take = { amount: 1000n, quoteAmount: 50_000n };
    // No link and no hint: nothing to dial.
    let refused = await buyerEl.takeProposal({ order, take }).catch((e: Error) => e.message);
    expect(refused).to.equal('The maker is not connected: connect to its peer first.');
    // A hint pointing at someone else: dialed, the key there is not the maker's → hung up, nothing proposed.
    const lying = buyerEl.takeProposal({ order, take, makerPeer: stranger.id! }).catch((e: Error) => e.message);
    await buyerEl.updateComplete;
    expect(text(q(buyerEl, '[part~="take-status"]'))).to.equal('Connecting to the maker…');
    refused = await lying;
    expect(refused).to.contain("The peer at that address is not the order's maker").and.contain(stranger.id!);
    await buyerEl.updateComplete;
    expect(text(q(buyerEl, '[part~="take-status"]'))).to.equal('');
    await waitFor(() => !w.buyer.service.peers.includes(stranger.id!) && !stranger.peers.includes(w.buyer.service.id!), 5_000, 'link to the stranger closed');
    // A hint nobody answers at: a clear error.
    const nobody = uniqueId('nobody');
    refused = await buyerEl.takeProposal({ order, take, makerPeer: nobody }).catch((e: Error) => e.message);
    expect(refused).to.contain(`Could not reach the maker at ${nobody}`);
    expect(buyerEl.trades).to.deep.equal([]);
    expect(sellerEl.trades).to.deep.equal([]);
    // The right hint: dialed, the maker's key checks out, the proposal goes to it.
    const id = await buyerEl.takeProposal({ order, take, makerPeer: sellerId });
    expect(w.buyer.service.peers).to.include(sellerId);
    await waitState(sellerEl, id, 'incoming');
    expect(sellerEl.trade(id)).to.include({ role: 'seller', orderId: order.id, peer: w.buyer.service.id });
    expect(buyerEl.trade(id)).to.include({ role: 'buyer', direction: 'out', peer: sellerId });
    // An already linked peer that is not the maker is not hung up (the link was not opened for this take).
    const other = await openService({ identity: await createIdentity() });
    await w.buyer.service.connect(other.id!);
    const second = { ...order, id: 'f'.repeat(64), maker: (await createIdentity()).publicKey };
    refused = await buyerEl.takeProposal({ order: second, take, makerPeer: other.id! }).catch((e: Error) => e.message);
    expect(refused).to.contain("not the order's maker");
    expect(w.buyer.service.peers).to.include(other.id!);
  });

  it('is accessible and says so when there is no connection or no wallet', async () => {
    const lonely = await fixture<DarkswapTrade>(html`<darkswap-trade store-name=${uniqueId('t')}></darkswap-trade>`);
    await lonely.ready;
    expect(text(q(lonely, '[part~="not-connected"]'))).to.contain('Not connected');
    expect(text(q(lonely, '[part~="no-wallet"]'))).to.contain('No wallet');
    await expect(lonely).shadowDom.to.be.accessible();
  });
});

// ---- a hostile counterparty -----------------------------------------------------------------------------------

describe('<darkswap-trade> against a tampering counterparty', function () {
  this.timeout(30_000);
  afterEach(destroyServices);

  /** The victim is the buyer's widget; the "seller" is a bare service speaking the protocol by hand. */
  async function hostileSetup() {
    const w = await world();
    const buyerEl = await mount(w.buyer, w.indexer, 'Victim');
    const inbox: TradeMessage[] = [];
    const channel = w.seller.service.channel<TradeMessage>(TRADE_CHANNEL, { schema: TradeMessageSchema, maxBytes: TRADE_MAX_BYTES, priority: 'high' });
    channel.on((m) => inbox.push(m));
    const id = await proposeBuy(buyerEl, w.seller.service.id!);
    await waitFor(() => inbox.some((m) => m.t === 'propose'), 5_000, 'proposal');
    const proposal = inbox.find((m) => m.t === 'propose') as ProposeMessage;
    // The hostile peer signs what it says with its own identity key (it is authenticated: it lies, it does not forge).
    const send = async (m: unknown) => channel.send(w.buyer.service.id!, await signTradeMessage(w.seller.identity, m as SequencedMessage));
    const sendUnsigned = (m: unknown) => channel.send(w.buyer.service.id!, m as TradeMessage);
    const honestSeller = {
      inputs: [w.seller.wallet.swapInput(w.assetUtxo)],
      paymentAddress: w.seller.wallet.address('p2wpkh'),
      assetChangeAddress: w.seller.wallet.address('p2tr'),
    };
    return { w, buyerEl, inbox, id, proposal, send, sendUnsigned, honestSeller };
  }

  it('a contribution that lies about its input value → PREVOUT_MISMATCH, failed visibly, the victim wallet never asked', async () => {
    const { w, buyerEl, inbox, id, send, honestSeller } = await hostileSetup();
    const failed = collect<DarkswapTradeFailedEvent>(buyerEl, 'darkswap-trade-failed');
    const lying = sellerToWire({ ...honestSeller, inputs: [{ ...honestSeller.inputs[0]!, value: 90_000n }] });
    await send({ v: 1, id, seq: 0, t: 'accept', body: { seller: lying } });
    await waitState(buyerEl, id, 'failed');
    const failure = buyerEl.trade(id)!.failure!;
    expect(failure).to.include({ code: 'verification-failed', verifyCode: 'PREVOUT_MISMATCH', stage: 'verify-own', by: 'me' });
    expect(failure.message).to.contain('PREVOUT_MISMATCH');
    await waitFor(() => failed.length === 1, 5_000, 'failed event');
    expect(failed[0]!.detail.failure.verifyCode).to.equal('PREVOUT_MISMATCH');
    await buyerEl.updateComplete;
    expect(text(q(buyerEl, `[part~="history-item"][data-trade-id="${id}"] [part~="failure"]`))).to.contain('failed verification (PREVOUT_MISMATCH)');
    expect(text(q(buyerEl, '[part~="announcement"]'))).to.contain('PREVOUT_MISMATCH');
    expect(w.buyer.wallet.signCalls).to.equal(0);
    // The hostile side is told why.
    await waitFor(() => inbox.some((m) => m.t === 'abort'), 5_000, 'abort');
    expect(inbox.find((m) => m.t === 'abort')).to.deep.include({
      body: { code: 'verification-failed', message: 'PREVOUT_MISMATCH: ' + failure.message.split('): ')[1] },
    });
  });

  it('a signed PSBT that differs from the agreed terms (more to the seller) → refused before the review, wallet never asked', async () => {
    const { w, buyerEl, inbox, id, proposal, send, honestSeller } = await hostileSetup();
    await send({ v: 1, id, seq: 0, t: 'accept', body: { seller: sellerToWire(honestSeller) } });
    // The victim's coins arrive only now, after the accept.
    await waitFor(() => inbox.some((m) => m.t === 'contribute'), 5_000, "victim's contribution");
    const contribution = inbox.find((m) => m.t === 'contribute') as Extract<TradeMessage, { t: 'contribute' }>;
    expect(proposal.body).to.not.have.property('buyer');
    const terms = parseTerms(proposal.body.terms);
    const buyer = parseBuyerContribution(contribution.body.buyer, 'regtest');
    if (!terms.ok || !buyer.ok) throw new Error('bad proposal');
    const honest = buildSwapPsbt(terms.terms, honestSeller, buyer.buyer);
    if (!honest.ok) throw new Error(honest.message);
    await waitFor(() => inbox.some((m) => m.t === 'ready'), 5_000, "victim's ready");
    expect(inbox.find((m) => m.t === 'ready')).to.deep.include({ body: { txid: honest.txid } });
    await send({ v: 1, id, seq: 1, t: 'ready', body: { txid: honest.txid } });
    await waitState(buyerEl, id, 'awaiting-signature');
    // The hostile seller signs a transaction that pays it 10 000 sats more, and claims the agreed txid.
    const greedy = buildSwapPsbt({ ...terms.terms, priceSats: terms.terms.priceSats + 10_000n }, honestSeller, buyer.buyer);
    if (!greedy.ok) throw new Error(greedy.message);
    const signedPsbt = await w.seller.wallet.signPsbt(greedy.psbt, {
      inputs: [{ index: 0, address: w.seller.wallet.address('p2tr'), publicKey: honestSeller.inputs[0]!.publicKey, sighash: 'DEFAULT' }],
      finalize: false,
    });
    await send({ v: 1, id, seq: 2, t: 'signed', body: { txid: honest.txid, psbt: toBase64(signedPsbt) } });
    await waitState(buyerEl, id, 'failed');
    const failure = buyerEl.trade(id)!.failure!;
    expect(failure.stage).to.equal('verify-peer');
    expect(failure.verifyCode).to.equal('OUTPUT_VALUE');
    expect(failure.message).to.match(/^The counterparty's signed transaction failed verification \(OUTPUT_VALUE\)/);
    // Through the widget's own store, so the read waits for every queued (signed) append.
    const buyerAudit = (JSON.parse(await buyerEl.exportAudit()) as { entries: { tradeId: string; event: string }[] }).entries
      .filter((e) => e.tradeId === id)
      .map((e) => e.event);
    expect(buyerAudit).to.include('state:awaiting-signature');
    expect(buyerAudit, 'the review was never shown').to.not.include('state:review');
    expect(w.buyer.wallet.signCalls).to.equal(0);
  });

  it('drops a message that is not signed by the peer, or signed over other content', async () => {
    const { w, buyerEl, id, sendUnsigned } = await hostileSetup();
    sendUnsigned({ v: 1, id, seq: 0, t: 'reject', body: { reason: 'unsigned' } });
    const forged = await signTradeMessage(w.seller.identity, { v: 1, id, seq: 0, t: 'reject', body: { reason: 'signed' } });
    sendUnsigned({ ...forged, body: { reason: 'changed after signing' } });
    await new Promise((r) => setTimeout(r, 500));
    expect(buyerEl.trade(id)!.state).to.equal('proposed');
    // The same message properly signed is taken, and the log names its signature.
    sendUnsigned(forged);
    await waitState(buyerEl, id, 'failed');
    const entries = (JSON.parse(await buyerEl.exportAudit()) as { entries: { tradeId: string; event: string; detail: string }[] }).entries;
    const received = entries.find((e) => e.tradeId === id && e.event === 'received:reject')!;
    expect(received.detail).to.contain(`sig ${forged.sig}`);
    expect(received.detail).to.contain(`by ${w.seller.identity.publicKey}`);
  });

  it('shows a hostile reject reason as text only', async () => {
    const { buyerEl, id, send } = await hostileSetup();
    await send({ v: 1, id, seq: 0, t: 'reject', body: { reason: '<img src=x onerror="window.pwned=1">' } });
    await waitState(buyerEl, id, 'failed');
    await buyerEl.updateComplete;
    const failure = q(buyerEl, `[part~="history-item"][data-trade-id="${id}"] [part~="failure"]`)!;
    expect(text(failure)).to.contain('<img src=x onerror="window.pwned=1">');
    expect(failure.querySelector('img')).to.equal(null);
    expect(buyerEl.trade(id)!.failure).to.include({ code: 'rejected', by: 'peer' });
  });

  it('keeps at most 5 unanswered proposals from one peer', async () => {
    const { buyerEl, proposal, send } = await hostileSetup();
    const ids = Array.from({ length: 7 }, (_, i) => i.toString(16).padStart(32, 'f'));
    // The hostile peer proposes to its victim in turn (it sells; the body is a valid seller proposal).
    const sellerBody = { terms: proposal.body.terms, role: 'seller' };
    for (const id of ids) await send({ v: 1, id, seq: 0, t: 'propose', body: sellerBody });
    await waitFor(() => buyerEl.trades.filter((r) => r.direction === 'in').length === 5, 5_000, 'five incoming');
    await new Promise((r) => setTimeout(r, 300));
    expect(
      buyerEl.trades
        .filter((r) => r.direction === 'in')
        .map((r) => r.id)
        .sort(),
    ).to.deep.equal(ids.slice(0, 5).sort());
  });
});
