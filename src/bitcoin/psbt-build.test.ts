import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { Transaction } from '@scure/btc-signer';
import { toHex } from './bytes.js';
import { prevoutsFrom, verifyTransactionSignatures } from './finalize.js';
import { addressToScript, type SpendableType } from './network.js';
import { decodeProtostones } from './protostone.js';
import { buildSwapPsbt, estimateVsize, PARSE_TX_OPTS } from './psbt-build.js';
import { verifySwapPsbt } from './psbt-verify.js';
import { decipherRunestone, Tag } from './runestone.js';
import { createSwapScenario, runSwap, type SwapScenario } from './swap-scenario.js';
import type { AssetKind } from './terms.js';

const parse = (psbt: Uint8Array): Transaction => Transaction.fromPSBT(psbt, PARSE_TX_OPTS);

async function ctxFor(s: SwapScenario, role: 'seller' | 'buyer') {
  const prevouts = await s.indexer.getOutputs([...s.seller.inputs, ...s.buyer.inputs].map((i) => `${i.txid}:${i.vout}`));
  return { terms: s.terms, role, seller: s.seller, buyer: s.buyer, prevouts, policy: s.policy(role) };
}

const combos: [AssetKind, SpendableType, SpendableType][] = [
  ['rune', 'p2wpkh', 'p2wpkh'],
  ['rune', 'p2tr', 'p2tr'],
  ['rune', 'p2tr', 'p2wpkh'],
  ['alkane', 'p2wpkh', 'p2tr'],
  ['alkane', 'p2tr', 'p2tr'],
];

describe('bitcoin: swap PSBT build', () => {
  for (const [kind, sellerType, buyerType] of combos) {
    it(`BTC ↔ ${kind} (seller ${sellerType}, buyer ${buyerType}): layout, amounts and fee`, () => {
      const s = createSwapScenario({ kind, sellerType, buyerType });
      const built = buildSwapPsbt(s.terms, s.seller, s.buyer);
      if (!built.ok) throw new Error(built.message);
      const tx = parse(built.psbt);
      expect(tx.version).to.equal(2);
      expect(tx.lockTime).to.equal(0);
      expect(tx.inputsLength).to.equal(2);
      expect(toHex(tx.getInput(0).txid!)).to.equal(s.seller.inputs[0]!.txid);
      expect(toHex(tx.getInput(1).txid!)).to.equal(s.buyer.inputs[0]!.txid);
      for (let i = 0; i < 2; i++) expect(tx.getInput(i).sequence).to.equal(0xfffffffd);
      expect(tx.outputsLength).to.equal(5);
      const out = (i: number) => tx.getOutput(i);
      const script = (a: string) => toHex(addressToScript(a, 'regtest')!);
      expect(toHex(out(0).script!)).to.equal(script(s.buyer.assetAddress));
      expect(out(0).amount).to.equal(546n);
      expect(toHex(out(1).script!)).to.equal(script(s.seller.paymentAddress));
      expect(out(1).amount).to.equal(10_000n + 50_000n - 546n);
      expect(toHex(out(2).script!)).to.equal(script(s.seller.assetChangeAddress));
      expect(out(2).amount).to.equal(546n);
      expect(toHex(out(3).script!)).to.equal(script(s.buyer.changeAddress));
      // Conservation: everything the buyer put in minus price, asset output and fee comes back as change.
      expect(out(3).amount).to.equal(100_000n - 50_000n - 546n - built.fee);
      const vsize = estimateVsize(tx.unsignedTx.length, [sellerType, buyerType]);
      expect(built.vsize).to.equal(vsize);
      expect(built.fee).to.equal(2n * BigInt(vsize));
      if (kind === 'rune') {
        expect(toHex(out(4).script!)).to.equal('6a5d0a160200c0a23303e80700'); // TRADING.md §6 swap vector
      } else {
        const a = decipherRunestone(Array.from({ length: 5 }, (_, i) => out(i).script!));
        if (a?.kind !== 'runestone') throw new Error('no runestone');
        expect(a.runestone.pointer).to.equal(2);
        expect(a.runestone.edicts).to.have.length(0);
        const p = decodeProtostones(a.runestone.otherFields.get(Tag.Protocol)!);
        if (!p.ok) throw new Error(p.error);
        expect(p.protostones).to.have.length(1);
        expect(p.protostones[0]).to.include({ protocolTag: 1n, pointer: 2, refund: 2 });
        expect(p.protostones[0]!.edicts).to.deep.equal([{ id: { block: 2n, tx: 1n }, amount: 1000n, output: 0 }]);
      }
    });
  }

  it('is deterministic: both sides build the same bytes and txid', () => {
    const s = createSwapScenario({ kind: 'rune', sellerType: 'p2tr', buyerType: 'p2wpkh' });
    const a = buildSwapPsbt(s.terms, s.seller, s.buyer);
    const b = buildSwapPsbt({ ...s.terms }, { ...s.seller, inputs: [...s.seller.inputs] }, { ...s.buyer });
    if (!a.ok || !b.ok) throw new Error('build failed');
    expect(toHex(a.psbt)).to.equal(toHex(b.psbt));
    expect(a.txid).to.equal(b.txid);
    const other = buildSwapPsbt({ ...s.terms, priceSats: 50_001n }, s.seller, s.buyer);
    if (!other.ok) throw new Error('build failed');
    expect(other.txid).to.not.equal(a.txid);
  });

  it('drops buyer change below dust into the fee, and refuses when the buyer is short', () => {
    const probe = createSwapScenario();
    const full = buildSwapPsbt(probe.terms, probe.seller, probe.buyer);
    if (!full.ok) throw new Error('build failed');
    // Fund the buyer with exactly price + asset output + fee + 100 sats (change 100 < 294 dust).
    const tight = createSwapScenario({ buyerFunding: [50_000n + 546n + full.fee + 100n] });
    const built = buildSwapPsbt(tight.terms, tight.seller, tight.buyer);
    if (!built.ok) throw new Error(built.message);
    expect(built.hasBuyerChange).to.equal(false);
    expect(built.outputs.map((o) => o.role)).to.deep.equal(['buyer-asset', 'seller-payment', 'seller-asset-change', 'op-return']);
    expect(built.fee).to.equal(full.fee + 100n);
    expect(built.fee >= 2n * BigInt(built.vsize)).to.equal(true);
    const short = createSwapScenario({ buyerFunding: [50_000n + 546n + 10n] });
    const r = buildSwapPsbt(short.terms, short.seller, short.buyer);
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.code).to.equal('INSUFFICIENT_FUNDS');
  });

  it('uses several buyer inputs in contribution order', () => {
    const s = createSwapScenario({ buyerFunding: [30_000n, 40_000n] });
    const built = buildSwapPsbt(s.terms, s.seller, s.buyer);
    if (!built.ok) throw new Error(built.message);
    expect(built.buyerInputIndexes).to.deep.equal([1, 2]);
    const tx = parse(built.psbt);
    expect(toHex(tx.getInput(2).txid!)).to.equal(s.buyer.inputs[1]!.txid);
    expect(tx.getOutput(3).amount).to.equal(70_000n - 50_000n - 546n - built.fee);
  });

  it('both sides verify the built PSBT, each seeing its own side of the trade', async () => {
    const s = createSwapScenario({ kind: 'rune' });
    const built = buildSwapPsbt(s.terms, s.seller, s.buyer);
    if (!built.ok) throw new Error(built.message);
    const asSeller = verifySwapPsbt(built.psbt, await ctxFor(s, 'seller'));
    const asBuyer = verifySwapPsbt(built.psbt, await ctxFor(s, 'buyer'));
    if (!asSeller.ok || !asBuyer.ok) throw new Error(JSON.stringify([asSeller, asBuyer], (_k, v) => (typeof v === 'bigint' ? `${v}` : v)));
    expect(asSeller.summary.btcDelta).to.equal(50_000n);
    expect(asSeller.summary.assetDelta).to.equal(-1000n);
    expect(asSeller.summary.myInputs).to.deep.equal([0]);
    expect(asBuyer.summary.btcDelta).to.equal(-50_000n - built.fee);
    expect(asBuyer.summary.assetDelta).to.equal(1000n);
    expect(asBuyer.summary.myInputs).to.deep.equal([1]);
    expect(asBuyer.summary.txid).to.equal(built.txid);
  });
});

describe('bitcoin: full swap, signed, finalized, broadcast to the in-memory ledger', () => {
  for (const [kind, sellerType, buyerType] of combos) {
    it(`BTC ↔ ${kind} (seller ${sellerType}, buyer ${buyerType})`, async () => {
      const s = createSwapScenario({ kind, sellerType, buyerType });
      const run = await runSwap(s);
      if (!run.final?.ok) throw new Error(JSON.stringify(run, (_k, v) => (typeof v === 'bigint' ? `${v}` : v instanceof Uint8Array ? toHex(v) : v)));
      expect(s.sellerWallet.signCalls).to.equal(1);
      expect(s.buyerWallet.signCalls).to.equal(1);
      const prevouts = prevoutsFrom([...s.seller.inputs, ...s.buyer.inputs]);
      // Every input signature of the final transaction is valid …
      const raw = Uint8Array.from(run.final.txHex.match(/../g)!.map((h) => parseInt(h, 16)));
      expect(verifyTransactionSignatures(raw, prevouts)).to.deep.equal({ ok: true });
      // … and one flipped bit in any signature is caught.
      const final = Transaction.fromRaw(raw, PARSE_TX_OPTS);
      for (let i = 0; i < final.inputsLength; i++) {
        const w = final.getInput(i).finalScriptWitness!;
        const bad = w.map((x) => x.slice());
        bad[0]![10]! ^= 1;
        const copy = Transaction.fromRaw(raw, PARSE_TX_OPTS);
        copy.updateInput(i, { finalScriptWitness: bad }, true);
        const r = verifyTransactionSignatures(copy.toBytes(true, true), prevouts);
        expect(r.ok, `input ${i}`).to.equal(false);
        if (!r.ok) expect(r.input).to.equal(i);
      }
      // The ledger accepted it (its own signature checks) and moved the asset as agreed.
      expect(run.broadcastTxid).to.equal(run.final.txid);
      const txid = run.final.txid;
      const outs = await s.indexer.getOutputs([0, 1, 2, 3].map((v) => `${txid}:${v}`));
      const held = (o: (typeof outs)[number]) => (kind === 'rune' ? o.runes : o.alkanes);
      expect(held(outs[0]!)).to.deep.equal([{ id: s.terms.asset.id, amount: 1000n }]);
      expect(held(outs[2]!)).to.deep.equal([{ id: s.terms.asset.id, amount: 500n }]);
      expect(held(outs[1]!)).to.deep.equal([]);
      expect(held(outs[3]!)).to.deep.equal([]);
      expect(outs[1]!.value).to.equal(10_000n + 50_000n - 546n);
      expect([...s.indexer.lost]).to.deep.equal([]);
      const spent = await s.indexer.getOutputs([s.sellerAssetUtxo.outpoint]);
      expect(spent[0]!.spent).to.equal(true);
      // The actual fee rate after signing is at least the agreed rate and within 1 vB of the estimate.
      const fee = 10_000n + 100_000n - final.getOutput(0).amount! - final.getOutput(1).amount! - final.getOutput(2).amount! - final.getOutput(3).amount!;
      expect(final.vsize <= Number(fee / 2n)).to.equal(true);
      expect(Number(fee / 2n) - final.vsize <= 2).to.equal(true);
    });
  }

  it('independent decoders read the final runestone as the agreed transfer', async () => {
    const s = createSwapScenario({ kind: 'rune', sellerType: 'p2tr', buyerType: 'p2tr' });
    const run = await runSwap(s);
    if (!run.final?.ok) throw new Error('swap failed');
    const tx = Transaction.fromRaw(Uint8Array.from(run.final.txHex.match(/../g)!.map((h) => parseInt(h, 16))), PARSE_TX_OPTS);
    const scripts = Array.from({ length: tx.outputsLength }, (_, i) => toHex(tx.getOutput(i).script!));
    const me = (await executeServerCommand('runes-oracle', { op: 'decode', scripts })) as { result: unknown };
    expect(me.result).to.deep.equal({ pointer: 2, edicts: [{ id: { block: '840000', tx: 3 }, amount: '1000', output: 0 }] });
    const rl = (await executeServerCommand('runes-oracle', { op: 'runelib', txHex: run.final.txHex })) as {
      result: { pointer: number; edicts: unknown[] };
    };
    expect(rl.result.pointer).to.equal(2);
    expect(rl.result.edicts).to.deep.equal([{ block: 840000, tx: 3, amount: '1000', output: 0 }]);
  });
});
