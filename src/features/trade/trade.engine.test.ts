// Trades that cannot be gamed (issue 12): two real engines with real IndexedDB stores, real in-memory wallets
// and one in-memory ledger with a mempool (replace-by-fee), joined by an in-memory pipe so a test decides what
// the counterparty does. Each test names the class of weakness it closes.
import { expect } from '@open-wc/testing';
import { finalizeSwap, prevoutsFrom, verifyThenSign, type SwapTerms } from '../../bitcoin/index.js';
import { fromBase64 } from '../../core/bytes.js';
import { loadBitcoin } from './trade.bitcoin.js';
import { parseTrade } from './trade.bridge.js';
import { enginePair, proposeBuy, RUNE, stateOf, toSellerSigned, until, waitState, type Pair } from './trade.engine-harness.js';
import { MAX_PENDING_PROPOSALS, TradeEngine, type TradeErrorEvent } from './trade.engine.js';
import { signTradeMessage, type SequencedMessage, type TradeRecord } from './trade.protocol.js';
import { createIdentity } from '../../core/identity.js';
import { StaleTradeError, TradeStore, verifyAuditExport } from './trade.store.js';

/** What a buyer holding the seller's signed PSBT can publish whenever it likes: the finalized swap. */
async function buyerFinalizes(p: Pair, id: string): Promise<{ txid: string; hex: string }> {
  const r = p.buyer.engine.get(id)!;
  const { btc } = await loadBitcoin();
  const parsed = parseTrade(btc, r);
  if (!parsed.ok) throw new Error(parsed.message);
  const { terms, seller, buyer } = parsed.trade as { terms: SwapTerms; seller: never; buyer: never };
  const signed = await verifyThenSign({
    terms,
    role: 'buyer',
    seller,
    buyer,
    wallet: p.buyer.wallet,
    indexer: p.indexer,
    policy: { feeRateBand: { min: 1n, max: 50n }, myScripts: p.buyer.wallet.scripts() },
    peerPsbt: fromBase64(r.peerPsbt!),
  });
  if (!signed.ok) throw new Error(signed.message);
  const final = finalizeSwap(signed.psbt, prevoutsFrom([...parsed.trade.seller.inputs, ...parsed.trade.buyer.inputs]), signed.txid);
  if (!final.ok) throw new Error(final.message);
  return { txid: final.txid, hex: final.txHex };
}

describe('trade engine: trades that cannot be gamed (two engines, real stores, in-memory ledger)', function () {
  this.timeout(30_000);
  let pair: Pair | undefined;
  afterEach(() => {
    pair?.close();
    pair = undefined;
  });

  it('class 1 — exposure is sticky: a failed trade keeps my signed inputs reserved, answers a resume with an abort only, and survives a reload', async () => {
    const p = (pair = await enginePair({ seller: { deadlines: () => ({ accept: 10_000, verify: 10_000, sign: 10_000, complete: 800 }) } }));
    const id = await toSellerSigned(p);
    const held = await buyerFinalizes(p, id);
    // The buyer goes quiet and holds the signed swap; the seller's completion deadline passes.
    p.buyer.mute = true;
    await waitState(p.seller, id, 'failed');
    const failed = p.seller.engine.get(id)!;
    expect(failed).to.deep.include({ mySignatureOut: true, exposed: [p.assetUtxo.outpoint] });
    expect(p.seller.engine.canCancel(id)).to.equal(false);
    // The same rune UTXO is not offered in a new trade.
    let refused = '';
    await p.seller.engine
      .propose(p.buyer.id, {
        role: 'seller',
        terms: { version: 1, network: 'regtest', asset: { kind: 'rune', id: RUNE }, amount: '100', priceSats: '5000', feeRate: '2', assetOutputValue: '546' },
      })
      .catch((e: Error) => (refused = e.message));
    expect(refused).to.contain('holds 0');
    // A resume from the buyer for my `signed` (seq 2) gets an abort at seq 2, not the signature.
    const before = p.seller.sent.length;
    p.seller.engine.onMessage({ v: 1, id, t: 'resume', next: 2, sent: 3 }, p.buyer.id);
    await until(() => p.seller.sent.length > before, 'the answer to the resume');
    const answer = p.seller.sent.slice(before) as SequencedMessage[];
    expect(answer.map((m) => [m.t, m.seq])).to.deep.equal([['abort', 2]]);
    // A reload keeps the exposure and the reservation.
    const reloaded = p.seller.reload();
    await reloaded.ready;
    expect(reloaded.get(id)).to.deep.include({ state: 'failed', mySignatureOut: true, exposed: [p.assetUtxo.outpoint] });
    // The buyer publishes late: the watcher sees the swap, and the failure turns into done.
    await p.indexer.broadcast(held.hex);
    await waitState(p.seller, id, 'done');
    expect(p.seller.engine.get(id)).to.deep.include({ txid: held.txid, settlement: 'mempool', exposureCleared: false });
    p.indexer.mine(1);
    await until(() => p.seller.engine.get(id)?.exposureCleared === true, 'exposure cleared once the swap is in a block');
  });

  it('class 2 — cancel on chain: my exposed inputs come back to me, a late broadcast of the swap is refused; auto mode does it by itself', async () => {
    const p = (pair = await enginePair({
      seller: { deadlines: () => ({ accept: 10_000, verify: 10_000, sign: 10_000, complete: 800 }), autoCancelOnChain: () => true },
    }));
    const id = await toSellerSigned(p);
    const held = await buyerFinalizes(p, id);
    p.buyer.mute = true;
    const signCalls = p.seller.wallet.signCalls;
    // The deadline fails the exposed trade; auto mode builds, verifies, signs and broadcasts the cancel.
    await until(() => !!p.seller.engine.get(id)?.cancelTx, 'the automatic cancel on chain');
    const r = p.seller.engine.get(id)!;
    expect(r.failure?.code).to.be.oneOf(['deadline', 'cancelled-on-chain']);
    expect(p.seller.wallet.signCalls).to.equal(signCalls + 1);
    await until(() => p.seller.engine.get(id)?.failure?.code === 'cancelled-on-chain', 'the watcher sees the cancel');
    const spent = await p.indexer.spentBy(p.assetUtxo.outpoint);
    expect(spent?.txid).to.equal(r.cancelTx!.txid);
    const [back] = await p.indexer.getOutputs([`${r.cancelTx!.txid}:0`]);
    expect(back!.runes).to.deep.equal([{ id: RUNE, amount: 1500n }]);
    let late = '';
    await p.indexer.broadcast(held.hex).catch((e: Error) => (late = e.message));
    expect(late).to.match(/replace/);
    p.indexer.mine(1);
    await until(() => p.seller.engine.get(id)?.exposureCleared === true, 'the cancel confirmed');
    // Called again: nothing left to cancel.
    let again = '';
    await p.seller.engine.cancelOnChain(id).catch((e: Error) => (again = e.message));
    expect(again).to.contain('nothing to cancel');
  });

  it('class 3 — settlement is seen, not told: a buyer whose broadcaster lies stays settling until the seller publishes; a later double spend is reported as replaced', async () => {
    const p = (pair = await enginePair());
    // The buyer's broadcaster claims success but publishes nothing.
    const { btc, signer } = await loadBitcoin();
    p.buyer.host = { ...p.buyer.host, broadcast: async (hex) => signer.Transaction.fromRaw(btc.fromHex(hex), btc.PARSE_TX_OPTS).id };
    const id = await toSellerSigned(p);
    // Its `complete` is held back for a moment, to show that "broadcast" alone is not "done".
    p.buyer.mute = true;
    await p.buyer.engine.confirm(id);
    await waitState(p.buyer, id, 'settling');
    const txid = p.buyer.engine.get(id)!.txid!;
    await new Promise((r) => setTimeout(r, 400));
    expect(stateOf(p.buyer, id)).to.equal('settling');
    expect((await p.indexer.txStatus(txid)).state).to.equal('unknown');
    // The link is back; the seller asks for what it missed, checks the transaction and publishes it itself.
    p.buyer.mute = false;
    p.seller.engine.onPeerConnected(p.buyer.id);
    await waitState(p.seller, id, 'done');
    await waitState(p.buyer, id, 'done');
    expect((await p.indexer.txStatus(txid)).state).to.equal('mempool');
    expect(p.buyer.engine.get(id)!.settlement).to.equal('mempool');
    // The seller double-spends its input before a block: the buyer's watcher reports the swap as replaced.
    await p.seller.engine.cancelOnChain(id);
    await until(() => p.buyer.engine.get(id)?.failure?.code === 'replaced', 'the buyer sees the replacement');
    expect(p.buyer.engine.get(id)!.state).to.equal('failed');
    expect(p.buyer.engine.get(id)!.failure!.message).to.contain('was spent by transaction');
  });

  it('class 4 — one writer per store across tabs; saves never go backwards; a failed save sends nothing; two quick accepts never share a UTXO', async () => {
    const p = (pair = await enginePair());
    // A second engine on the seller's store (another tab) waits in standby until the first closes.
    const second = new TradeEngine({
      store: new TradeStore(p.seller.storeName),
      send: () => undefined,
      identity: () => p.seller.identity,
      peerKey: () => undefined,
      peers: () => [],
      host: () => p.seller.host,
      deadlines: () => ({ accept: 10_000, verify: 10_000, sign: 10_000, complete: 10_000 }),
    });
    await until(() => second.standby, 'the second engine in standby');
    const id = await proposeBuy(p);
    await waitState(p.seller, id, 'incoming');
    await p.seller.engine.accept(id);
    await waitState(p.seller, id, 'review');
    expect(second.trades).to.deep.equal([]);
    let blocked = '';
    await second.accept('00'.repeat(16)).catch((e: Error) => (blocked = e.message));
    expect(blocked).to.contain('another tab');
    p.seller.engine.close();
    await second.ready;
    expect(second.standby).to.equal(false);
    expect(second.get(id)?.state).to.equal('review');
    second.close();
    // Compare-and-set: an older revision, or "signature out" going back, is refused by the store.
    const store = new TradeStore(p.seller.storeName);
    const stored = (await store.get(id))!;
    let stale: unknown;
    await store.save({ ...stored, rev: stored.rev! - 1 }).catch((e: unknown) => (stale = e));
    expect(stale).to.be.instanceOf(StaleTradeError);
    await store.save({ ...stored, rev: stored.rev! + 1, mySignatureOut: true });
    let backwards: unknown;
    await store.save({ ...stored, rev: stored.rev! + 2, mySignatureOut: false }).catch((e: unknown) => (backwards = e));
    expect(backwards).to.be.instanceOf(StaleTradeError);
  });

  it('class 4 — a step whose save fails sends nothing: the seller’s signature never leaves', async () => {
    class FailingStore extends TradeStore {
      override async save(record: TradeRecord): Promise<void> {
        if (record.state === 'awaiting-completion') throw new Error('QuotaExceededError: disk full');
        return super.save(record);
      }
    }
    const p = (pair = await enginePair({ sellerStore: () => new FailingStore(`trade-failing-${crypto.randomUUID()}`) }));
    const errors: string[] = [];
    p.seller.engine.addEventListener('trade-error', (e) => errors.push((e as TradeErrorEvent).message));
    const id = await proposeBuy(p);
    await waitState(p.seller, id, 'incoming');
    await p.seller.engine.accept(id);
    await waitState(p.seller, id, 'review');
    await p.seller.engine.confirm(id);
    await until(() => errors.length > 0, 'the save error reported');
    expect(errors[0]).to.contain('could not be saved');
    expect(errors[0]).to.contain('nothing was sent');
    await new Promise((r) => setTimeout(r, 300));
    expect(p.seller.sent.some((m) => m.t === 'signed')).to.equal(false);
    expect(p.buyer.engine.get(id)!.peerPsbt).to.equal(undefined);
    expect(p.seller.engine.get(id)!.mySignatureOut).to.equal(false);
  });

  it('class 4 — two quick accepts pick different UTXOs', async () => {
    const p = (pair = await enginePair());
    // A second rune UTXO for the seller and a second coin for the buyer: each is enough for one trade.
    p.indexer.fund(p.seller.wallet.address('p2tr'), 10_000n, { runes: [{ id: RUNE, amount: 1500n }] });
    p.indexer.fund(p.buyer.wallet.address('p2wpkh'), 100_000n);
    const [a, b] = [await proposeBuy(p), await proposeBuy(p)];
    await waitState(p.seller, a, 'incoming');
    await waitState(p.seller, b, 'incoming');
    await Promise.all([p.seller.engine.accept(a), p.seller.engine.accept(b)]);
    const inputs = [a, b].map((id) =>
      p.seller.engine
        .get(id)!
        .seller!.inputs.map((i) => `${i.txid}:${i.vout}`)
        .join(),
    );
    expect(inputs[0]).to.not.equal(inputs[1]);
    expect(stateOf(p.seller, a)).to.not.equal('failed');
    expect(stateOf(p.seller, b)).to.not.equal('failed');
  });

  it('class 9 — a proposal flood: unanswered proposals are capped in all and never stored; accepting one stores it', async () => {
    const p = (pair = await enginePair());
    const { buyer } = p;
    // Proposals straight onto the seller's engine from many throw-away identities (peer keys faked by the pipe).
    const keys = new Map<string, string>();
    const flood = new TradeEngine({
      store: new TradeStore(`trade-flood-${crypto.randomUUID()}`),
      send: () => undefined,
      identity: () => p.seller.identity,
      peerKey: (peer) => keys.get(peer),
      peers: () => [...keys.keys()],
      host: () => p.seller.host,
      deadlines: () => ({ accept: 60_000, verify: 10_000, sign: 10_000, complete: 10_000 }),
    });
    await flood.ready;
    const template = (await (async () => {
      const id = await proposeBuy(p);
      return buyer.sent.find((m) => m.id === id && m.t === 'propose')!;
    })()) as SequencedMessage;
    for (let i = 0; i < 40; i++) {
      const peer = `throwaway-${i}`;
      const identity = await createIdentity();
      keys.set(peer, identity.publicKey);
      const { sig: _old, ...unsigned } = template as SequencedMessage & { sig?: string };
      void _old;
      flood.onMessage(await signTradeMessage(identity, { ...unsigned, id: i.toString(16).padStart(32, '0') } as SequencedMessage), peer);
    }
    await until(() => flood.trades.length >= MAX_PENDING_PROPOSALS, 'the cap filled');
    await new Promise((r) => setTimeout(r, 200));
    expect(flood.trades.filter((r) => r.state === 'incoming')).to.have.length(MAX_PENDING_PROPOSALS);
    expect(await flood.store.list()).to.deep.equal([]);
    flood.close();
  });

  it('class 8 — two writers of one audit log (two tabs) keep one hash chain; the export verifies whole', async () => {
    const name = `trade-audit-${crypto.randomUUID()}`;
    const [a, b] = [new TradeStore(name), new TradeStore(name)];
    const identity = await createIdentity();
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).appendAudit(identity, { at: i, tradeId: 'x', event: `e${i}`, detail: '' })));
    const json = await a.exportAudit(identity, 1);
    const verdict = await verifyAuditExport(json, [identity.publicKey]);
    expect(verdict).to.deep.equal({ ok: true, entries: 40, keys: [identity.publicKey] });
  });

  it('class 7 — coin selection shows the smallest coin that covers the trade, not my largest', async () => {
    const p = (pair = await enginePair());
    // The buyer also holds a small coin (too small) and a large one; the 100 000-sat coin is the smallest that covers.
    p.indexer.fund(p.buyer.wallet.address('p2wpkh'), 20_000n);
    const large = p.indexer.fund(p.buyer.wallet.address('p2wpkh'), 5_000_000n);
    const id = await proposeBuy(p);
    const inputs = p.buyer.engine.get(id)!.buyer!.inputs;
    expect(inputs.map((i) => i.value)).to.deep.equal(['100000']);
    expect(inputs.some((i) => `${i.txid}:${i.vout}` === large.outpoint)).to.equal(false);
  });
});
