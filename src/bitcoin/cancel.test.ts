// Cancel on chain against the in-memory ledger's mempool (replace-by-fee): a late broadcast of a signed swap is
// replaced by the seller's cancel, a cancel that pays too little cannot replace it, a spend already in a block
// cannot be cancelled, and the cancel PSBT is verified before the wallet sees it. Also: only signatures leave.
import { expect } from '@open-wc/testing';
import { Transaction } from '@scure/btc-signer';
import { buildCancelPsbt, cancelThenSign, verifyCancelPsbt, type CancelContext, type CancelPlan } from './cancel.js';
import { outpointKey } from './bytes.js';
import { PARSE_TX_OPTS } from './psbt-build.js';
import { createSwapScenario, runSwap, SCENARIO_ALKANE_ID, SCENARIO_RUNE_ID, type SwapScenario } from './swap-scenario.js';
import { verifyThenSign } from './verify-then-sign.js';

/** The seller's cancel of scenario `s`'s swap, at twice the swap's rate, replacing a swap that paid `swapFee`. */
async function sellerCancel(s: SwapScenario, swapFee: bigint, feeRate = s.terms.feeRate * 2n): Promise<CancelContext> {
  const prevouts = await s.indexer.getOutputs(s.seller.inputs.map((i) => outpointKey(i.txid, i.vout)));
  const confirmedSpends = new Set<string>();
  for (const p of prevouts) {
    const by = await s.indexer.spentBy(p.outpoint);
    if (by && by.confirmations > 0) confirmedSpends.add(p.outpoint);
  }
  const plan: CancelPlan = {
    network: 'regtest',
    inputs: s.seller.inputs,
    destination: s.seller.assetChangeAddress,
    feeRate,
    replaceFee: swapFee,
    carries: { runes: prevouts.some((p) => p.runes.length > 0), alkanes: prevouts.some((p) => p.alkanes.length > 0) },
  };
  return { plan, prevouts, confirmedSpends, myScripts: s.sellerWallet.scripts() };
}

/** A swap both signed and finalized, not broadcast yet (the counterparty holds it). */
async function heldSwap(s: SwapScenario) {
  const run = await runSwap(s, { broadcast: false });
  if (!run.final?.ok || !run.buyerSigned?.ok) throw new Error('the swap did not finalize');
  return { txid: run.final.txid, hex: run.final.txHex, fee: run.buyerSigned.summary.fee };
}

describe('bitcoin: cancel on chain (in-memory mempool with replace-by-fee)', () => {
  it('replaces a late broadcast of the swap: the runes come back to the seller, the swap is gone', async () => {
    const s = createSwapScenario();
    const swap = await heldSwap(s);
    // The buyer publishes late…
    expect(await s.indexer.broadcast(swap.hex)).to.equal(swap.txid);
    expect(await s.indexer.txStatus(swap.txid)).to.deep.equal({ state: 'mempool', confirmations: 0 });
    // …and the seller's cancel replaces it.
    const ctx = await sellerCancel(s, swap.fee);
    const signed = await cancelThenSign(s.sellerWallet, ctx);
    if (!signed.ok) throw new Error(signed.message);
    expect(signed.fee > swap.fee).to.equal(true);
    expect(await s.indexer.broadcast(signed.txHex)).to.equal(signed.txid);
    expect(await s.indexer.txStatus(swap.txid)).to.deep.equal({ state: 'unknown', confirmations: 0 });
    expect(s.indexer.replaced.get(swap.txid)).to.equal(signed.txid);
    expect(await s.indexer.spentBy(s.sellerAssetUtxo.outpoint)).to.deep.equal({ txid: signed.txid, confirmations: 0 });
    const [back] = await s.indexer.getOutputs([`${signed.txid}:0`]);
    expect(back).to.deep.include({ address: s.seller.assetChangeAddress, value: signed.value, runes: [{ id: SCENARIO_RUNE_ID, amount: 1500n }] });
    // The buyer's coins are free again (the swap that spent them is gone).
    const [coin] = await s.indexer.getOutputs([s.buyerUtxos[0]!.outpoint]);
    expect(coin!.spent).to.equal(false);
    expect(s.indexer.lost.size).to.equal(0);
  });

  it('once the cancel is out first, a late broadcast of the swap is refused', async () => {
    const s = createSwapScenario();
    const swap = await heldSwap(s);
    const signed = await cancelThenSign(s.sellerWallet, await sellerCancel(s, swap.fee));
    if (!signed.ok) throw new Error(signed.message);
    await s.indexer.broadcast(signed.txHex);
    let error = '';
    await s.indexer.broadcast(swap.hex).catch((e: Error) => (error = e.message));
    expect(error).to.match(/replace/);
    expect(await s.indexer.txStatus(swap.txid)).to.deep.equal({ state: 'unknown', confirmations: 0 });
  });

  it('a cancel that pays no more than the swap cannot replace it; a swap already in a block cannot be cancelled', async () => {
    const s = createSwapScenario();
    const swap = await heldSwap(s);
    await s.indexer.broadcast(swap.hex);
    const cheap = await cancelThenSign(s.sellerWallet, await sellerCancel(s, 0n, 1n));
    if (!cheap.ok) throw new Error(cheap.message);
    let error = '';
    await s.indexer.broadcast(cheap.txHex).catch((e: Error) => (error = e.message));
    expect(error).to.match(/insufficient fee to replace|fee rate is not above/);
    expect(await s.indexer.txStatus(swap.txid)).to.deep.equal({ state: 'mempool', confirmations: 0 });
    s.indexer.mine(1);
    const late = await cancelThenSign(s.sellerWallet, await sellerCancel(s, swap.fee));
    expect(late).to.deep.include({ ok: false, stage: 'verify', code: 'CANCEL_CONFIRMED_SPEND' });
  });

  it('takes alkanes back too (protostone pointer 0): nothing stranded', async () => {
    const s = createSwapScenario({ kind: 'alkane' });
    const swap = await heldSwap(s);
    await s.indexer.broadcast(swap.hex);
    const signed = await cancelThenSign(s.sellerWallet, await sellerCancel(s, swap.fee));
    if (!signed.ok) throw new Error(signed.message);
    await s.indexer.broadcast(signed.txHex);
    const [back] = await s.indexer.getOutputs([`${signed.txid}:0`]);
    expect(back!.alkanes).to.deep.equal([{ id: SCENARIO_ALKANE_ID, amount: 1500n }]);
    expect(s.indexer.lost.size).to.equal(0);
  });

  it('is verified before the wallet signs: a cancel paying someone else, or a wallet that changes it, is refused', async () => {
    const s = createSwapScenario();
    const ctx = await sellerCancel(s, 0n);
    // A plan whose destination is not my address never reaches the wallet.
    const elsewhere = { ...ctx, plan: { ...ctx.plan, destination: s.buyer.assetAddress } };
    const before = s.sellerWallet.signCalls;
    expect(await cancelThenSign(s.sellerWallet, elsewhere)).to.deep.include({ ok: false, stage: 'verify', code: 'CANCEL_OUTPUTS' });
    expect(s.sellerWallet.signCalls).to.equal(before);
    // A PSBT with a different fee than planned is refused by the verifier.
    const built = buildCancelPsbt(ctx.plan);
    if (!built.ok) throw new Error(built.message);
    const tx = Transaction.fromPSBT(built.psbt, PARSE_TX_OPTS);
    tx.updateOutput(0, { amount: built.value - 1_000n }, true);
    expect(verifyCancelPsbt(tx.toPSBT(0), ctx)).to.deep.include({ ok: false, code: 'CANCEL_FEE' });
    s.sellerWallet.fault = 'modify-tx';
    expect(await cancelThenSign(s.sellerWallet, ctx)).to.deep.include({ ok: false, stage: 'wallet-result', code: 'WALLET_TX_CHANGED' });
  });

  it('only signatures leave: what a wallet adds to the PSBT (BIP32 derivations) is not passed on', async () => {
    const s = createSwapScenario({ sellerType: 'p2wpkh' });
    s.sellerWallet.fault = 'extra-fields';
    const signed = await verifyThenSign({
      terms: s.terms,
      role: 'seller',
      seller: s.seller,
      buyer: s.buyer,
      wallet: s.sellerWallet,
      indexer: s.indexer,
      policy: s.policy('seller'),
    });
    if (!signed.ok) throw new Error(signed.message);
    const input = Transaction.fromPSBT(signed.psbt, PARSE_TX_OPTS).getInput(0);
    expect(input.partialSig?.length).to.equal(1);
    expect(input.bip32Derivation).to.equal(undefined);
  });
});
