// A whole BTC ↔ rune swap between two real tabs of the demo page (built CDN bundle, real PeerServer, real
// WebRTC), with both tabs' wallets reading the chain through the kit's Esplora + ord (+ alkanes) adapters from a
// local HTTP chain server (scripts/chain-server.mjs, 127.0.0.1, ephemeral port) that serves the in-memory
// ledger in those formats: coin selection, the review's input values, the broadcast and the settlement watch
// all go over HTTP. The server's own ledger (which checks every signature on broadcast) has the final word.
import { expect } from '@open-wc/testing';
import { signaling } from './harness.js';
import { startChain } from './chain-server.js';
import { tabClose, tabEval, tabLogs, tabOpen, tabWait } from './tabs.js';
import { completeRuneSale } from './tab-swap.js';
import {
  connectTo,
  linkedTo,
  myAddresses,
  newIncoming,
  openTake,
  orderbookNote,
  peerId,
  placeSellOrder,
  submitTake,
  tradeIn,
  walletOutpoint,
  type TradeView,
} from './demo-tab.js';

const RUNE_PAIR = 'RUNE:840000:3/BTC';

/** In the tab: the demo wallet's addresses (p2wpkh, p2tr) once it is set up, else null. */
async function walletAddresses(): Promise<string[] | null> {
  const demo = (window as unknown as { darkswapDemoWallet?: { wallet: { getAccounts(): Promise<{ address: string }[]> } } }).darkswapDemoWallet;
  return demo ? (await demo.wallet.getAccounts()).map((a) => a.address) : null;
}

/** In the tab: whether the demo wallet lists an output of exactly `text` (e.g. `100,000 sats`), after a refresh. */
function walletLists(text: string): boolean {
  document.getElementById('refresh-wallet')!.click();
  return [...document.querySelectorAll('#utxos li')].some((li) => li.textContent!.includes(`— ${text} `));
}

/** In the tab: the chain fee estimate line of the trade's review (empty until shown). */
function reviewChainFee(id: string): string {
  const root = document.querySelector('darkswap-trade')!.shadowRoot!;
  const card = [...root.querySelectorAll<HTMLElement>('[data-trade-id]')].find((e) => e.dataset.tradeId === id) ?? root;
  return card.querySelector('[part~="review-chain-fee"]')?.textContent?.trim() ?? '';
}

describe('demo page in two tabs: trading over the chain adapters', function () {
  this.timeout(180_000);

  it('a rune sale settles on the local chain server through Esplora + ord', async () => {
    const chain = await startChain({ autoMine: true });
    const s = await signaling();
    const path = `/demo/index.html?signaling=${encodeURIComponent(s.url)}&key=${encodeURIComponent(s.key)}&chain=${encodeURIComponent(chain.url)}`;
    const maker = await tabOpen(path);
    const taker = await tabOpen(path);
    try {
      const makerId = await tabWait<string>(maker, 'peer id', 15_000, peerId);
      const takerId = await tabWait<string>(taker, 'peer id', 15_000, peerId);
      // Each tab's test wallet, funded on the chain server (the demo funds nobody in this mode).
      const [makerP2wpkh, makerP2tr] = await tabWait<string[]>(maker, 'maker wallet', 15_000, walletAddresses);
      const [takerP2wpkh] = await tabWait<string[]>(taker, 'taker wallet', 15_000, walletAddresses);
      const rune = await chain.fund(makerP2tr!, 10_000, { runes: [{ id: '840000:3', amount: '1500' }] });
      await chain.fund(makerP2wpkh!, 20_000);
      await chain.fund(takerP2wpkh!, 100_000);
      await chain.fees({ 1: 7.5, 3: 6.2, 6: 4, 144: 1 });

      await tabEval(taker, connectTo, makerId);
      await tabWait(maker, 'link', 15_000, linkedTo, takerId);
      const runeOutpoint = await tabWait<string>(maker, 'funded rune output (via Esplora + ord)', 15_000, walletOutpoint, 'rune 840000:3');
      expect(runeOutpoint).to.equal(rune.outpoint);
      await tabEval(maker, placeSellOrder, RUNE_PAIR, '50', '1000', runeOutpoint);
      expect(await tabWait<string>(maker, 'order placed', 10_000, orderbookNote)).to.contain('Order placed');
      // Coin selection reads the taker's UTXOs over HTTP (cached for a moment): wait until its wallet sees them.
      await tabWait(taker, 'taker funds (via Esplora)', 15_000, walletLists, '100,000 sats');
      await tabWait(taker, 'take form', 15_000, openTake, RUNE_PAIR);
      await tabEval(taker, submitTake);
      const id = await tabWait<string>(maker, 'incoming trade', 15_000, newIncoming, []);
      expect((await tabWait<TradeView>(taker, 'outgoing trade', 5_000, tradeIn, id, 'proposed')).role).to.equal('buyer');

      const txid = await completeRuneSale(maker, taker, id, runeOutpoint, async () => {
        // The seller's review shows the chain's fee estimate (3 blocks: 6.2 → 7 sat/vB) beside the swap's own rate.
        expect(await tabWait<string>(maker, 'chain fee line', 10_000, reviewChainFee, id)).to.contain('7 sat/vB');
      });
      // The server's ledger accepted the swap: the rune sits at the taker's address, the maker's output is spent,
      // and both sides published that one transaction (the buyer, then the seller as a backup: the protocol's
      // design), each once: a broadcast is never retried.
      const toBuyer = await chain.output(`${txid}:0`);
      expect(toBuyer!.runes).to.deep.equal(['840000:3=1000']);
      expect(await tabEval<string[]>(taker, myAddresses)).to.include(toBuyer!.address);
      expect((await chain.output(runeOutpoint))!.spent).to.equal(true);
      const posts = (await chain.requests()).filter((r) => r.method === 'POST' && r.path === '/esplora/tx');
      expect(posts).to.have.length(2);
      expect(posts[0]!.body).to.equal(posts[1]!.body);
      for (const tab of [maker, taker]) expect((await tabLogs(tab)).filter((l) => l.startsWith('pageerror'))).to.deep.equal([]);
    } finally {
      await tabClose(maker);
      await tabClose(taker);
      await chain.stop();
    }
  });
});
