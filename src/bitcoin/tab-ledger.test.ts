// TabLedger replicas in one page behave like two tabs: each has its own in-memory state and they meet only
// through the shared IndexedDB log and the Web Lock (both per origin, like separate tabs).
import { expect } from '@open-wc/testing';
import { createSwapScenario, runSwap, SCENARIO_RUNE_ID } from './swap-scenario.js';
import { TabLedger } from './tab-ledger.js';

const uniqueName = () => `test-${crypto.randomUUID().slice(0, 8)}`;

describe('bitcoin: TabLedger (one regtest ledger shared by the tabs of an origin)', () => {
  const opened: TabLedger[] = [];
  const open = (name: string, autoMine = false) => {
    const l = new TabLedger(name, { autoMine });
    opened.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((l) => l.clear()));
  });

  it('a swap broadcast in one tab is seen by the other, and by a replica created after a reload', async () => {
    const name = uniqueName();
    const one = open(name);
    const two = open(name);
    const s = createSwapScenario({ indexer: one });
    // The other tab sees both funding outputs, with the rune balance.
    const [asset] = await two.getOutputs([s.sellerAssetUtxo.outpoint]);
    expect(asset).to.deep.include({ value: 10_000n, spent: false, runes: [{ id: SCENARIO_RUNE_ID, amount: 1500n }] });
    expect((await two.listSpendable(s.buyerWallet.address('p2wpkh'))).map((o) => o.outpoint)).to.deep.equal(s.buyerUtxos.map((u) => u.outpoint));

    const run = await runSwap(s);
    expect(run.broadcastTxid).to.match(/^[0-9a-f]{64}$/);
    for (const ledger of [two, open(name)]) {
      const [spent] = await ledger.getOutputs([s.sellerAssetUtxo.outpoint]);
      expect(spent!.spent).to.equal(true);
      const [toBuyer] = await ledger.getOutputs([`${run.broadcastTxid}:0`]);
      expect(toBuyer).to.deep.include({ address: s.buyerWallet.address('p2wpkh'), runes: [{ id: SCENARIO_RUNE_ID, amount: 1000n }] });
    }
  });

  it('the same transaction broadcast from two tabs at once is accepted once and logged once', async () => {
    const name = uniqueName();
    const one = open(name);
    const two = open(name);
    const s = createSwapScenario({ indexer: one });
    const signed = await runSwap(s, { broadcast: false });
    if (!signed.final?.ok) throw new Error('the swap did not finalize');
    const hex = signed.final.txHex;
    // Broadcasting a transaction the ledger already has is a no-op that returns its txid (idempotent).
    const txids = await Promise.all([one.broadcast(hex), two.broadcast(hex)]);
    expect(txids[0]).to.equal(signed.final.txid);
    expect(txids[1]).to.equal(signed.final.txid);
    // Both replicas, and a fresh one, agree on the one accepted transaction (in the mempool).
    for (const ledger of [one, two, open(name)]) {
      const [out] = await ledger.getOutputs([`${signed.final.txid}:0`]);
      expect(out?.runes).to.deep.equal([{ id: SCENARIO_RUNE_ID, amount: 1000n }]);
      expect(await ledger.txStatus(signed.final.txid)).to.deep.equal({ state: 'mempool', confirmations: 0 });
    }
  });

  it('mines on every replica: outputs of an accepted transaction are confirmed at once with autoMine', async () => {
    const name = uniqueName();
    const one = open(name, true);
    const two = open(name);
    const s = createSwapScenario({ indexer: one });
    const run = await runSwap(s);
    const [paid] = await two.getOutputs([`${run.broadcastTxid}:1`]);
    expect(paid!.confirmations).to.equal(1);
    await two.mine(2);
    const [again] = await one.getOutputs([`${run.broadcastTxid}:1`]);
    expect(again!.confirmations).to.equal(3);
    const [funding] = await open(name).getOutputs([s.sellerAssetUtxo.outpoint]);
    expect(funding!.confirmations).to.equal(6 + 3);
  });

  it('refuses a name it cannot store', () => {
    expect(() => new TabLedger('no spaces please')).to.throw('A ledger name');
  });
});
