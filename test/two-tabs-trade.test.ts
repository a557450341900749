// A whole BTC ↔ rune swap between two real tabs of the demo page (built CDN bundle, real PeerServer, real
// WebRTC), driven through the widgets' UI: an order placed in one tab's orderbook, taken in the other's, accepted,
// reviewed and signed in both trade widgets, broadcast to the tabs' shared regtest ledger (TabLedger, which
// checks every signature). Then a reload of each tab mid-trade, and a counterparty that vanishes.
import { expect } from '@open-wc/testing';
import { signaling } from './harness.js';
import { tabClose, tabEval, tabLogs, tabOpen, tabReload, tabWait } from './tabs.js';
import { completeRuneSale } from './tab-swap.js';
import {
  clickTrade,
  connectTo,
  ledgerOutput,
  linkedTo,
  newIncoming,
  openTake,
  orderbookNote,
  peerId,
  placeSellOrder,
  reviewText,
  tradeAt320,
  setDeadlines,
  signCalls,
  submitTake,
  tradeIn,
  walletOutpoint,
  type TradeView,
} from './demo-tab.js';

// ---- the test ------------------------------------------------------------------------------------------------

const RUNE_PAIR = 'RUNE:840000:3/BTC';
const ALKANE_PAIR = 'ALKANE:2:1/BTC';

describe('demo page in two tabs: trading', function () {
  this.timeout(180_000);

  it('orderbook take → signed swap on the shared ledger; a reload of either tab mid-trade resumes; a vanished counterparty fails the trade unsigned', async () => {
    const s = await signaling();
    const ledger = `t${crypto.randomUUID().slice(0, 8)}`;
    const path = `/demo/index.html?signaling=${encodeURIComponent(s.url)}&key=${encodeURIComponent(s.key)}&ledger=${ledger}`;
    const maker = await tabOpen(path);
    const taker = await tabOpen(path);
    try {
      const makerId = await tabWait<string>(maker, 'peer id', 15_000, peerId);
      const takerId = await tabWait<string>(taker, 'peer id', 15_000, peerId);
      await tabEval(taker, connectTo, makerId);
      await tabWait(maker, 'link', 15_000, linkedTo, takerId);

      // 1. The maker sells 1,000 units of the rune at 50 sats each; the taker buys them from its orderbook.
      const runeOutpoint = await tabWait<string>(maker, 'funded rune output', 15_000, walletOutpoint, 'rune 840000:3');
      await tabEval(maker, placeSellOrder, RUNE_PAIR, '50', '1000', runeOutpoint);
      expect(await tabWait<string>(maker, 'order placed', 10_000, orderbookNote)).to.contain('Order placed');
      await tabWait(taker, 'take form', 15_000, openTake, RUNE_PAIR);
      await tabEval(taker, submitTake);
      const id = await tabWait<string>(maker, 'incoming trade', 15_000, newIncoming, []);
      const takerSide = await tabWait<TradeView>(taker, 'outgoing trade', 5_000, tradeIn, id, 'proposed');
      expect(takerSide.role).to.equal('buyer');
      // Each side reads what it signs before its wallet is asked; the review (addresses, txids, amounts) fits a
      // phone: no sideways scrolling at 320 px, 44 px buttons.
      await completeRuneSale(maker, taker, id, runeOutpoint, async () => {
        expect(await tabEval(maker, tradeAt320)).to.deep.equal({ over: 0, shortestButton: 44 });
      });

      // 2. An alkane sale, with the maker's tab reloaded at its review and the taker's at its own.
      const alkaneOutpoint = await tabWait<string>(maker, 'funded alkane output', 15_000, walletOutpoint, 'alkane 2:1');
      await tabEval(maker, placeSellOrder, ALKANE_PAIR, '20', '1000', alkaneOutpoint);
      expect(await tabWait<string>(maker, 'alkane order placed', 10_000, orderbookNote)).to.contain('Order placed');
      await tabWait(taker, 'take form (alkane)', 15_000, openTake, ALKANE_PAIR);
      await tabEval(taker, submitTake);
      const id2 = await tabWait<string>(maker, 'incoming alkane trade', 15_000, newIncoming, [id]);
      await tabWait(maker, 'accept', 5_000, clickTrade, id2, 'accept-button');
      await tabWait(maker, 'seller review', 20_000, reviewText, id2);
      await tabReload(maker);
      await tabWait(maker, 'resumed at review after reload', 20_000, reviewText, id2);
      await tabWait(maker, 'link back', 20_000, linkedTo, takerId);
      await tabWait(maker, 'confirm after reload', 5_000, clickTrade, id2, 'confirm-button');
      await tabWait(taker, 'buyer review', 20_000, reviewText, id2);
      await tabReload(taker);
      await tabWait(taker, 'buyer resumed at review after reload', 20_000, reviewText, id2);
      await tabWait(taker, 'confirm after reload', 5_000, clickTrade, id2, 'confirm-button');
      const done2 = await tabWait<TradeView>(taker, 'buyer done (alkane)', 30_000, tradeIn, id2, 'done');
      await tabWait(maker, 'seller done (alkane)', 30_000, tradeIn, id2, 'done');
      const alkaneOut = await tabEval<Awaited<ReturnType<typeof ledgerOutput>>>(maker, ledgerOutput, `${done2.txid}:0`);
      expect(alkaneOut!.value).to.equal('546');

      // 3. The maker's remaining runes are offered; the taker proposes, then the maker's tab goes away for good.
      const lastRunes = await tabWait<string>(maker, 'rune change output', 15_000, walletOutpoint, 'rune 840000:3');
      await tabEval(maker, placeSellOrder, RUNE_PAIR, '50', '500', lastRunes);
      expect(await tabWait<string>(maker, 'last order placed', 10_000, orderbookNote)).to.contain('Order placed');
      await tabWait(taker, 'take form (last)', 15_000, openTake, RUNE_PAIR);
      await tabEval(taker, setDeadlines, { accept: 4_000, verify: 4_000, sign: 4_000, complete: 4_000 });
      const signedBefore = await tabEval<number>(taker, signCalls);
      await tabEval(taker, submitTake);
      const id3 = await tabWait<string>(maker, 'incoming last trade', 15_000, newIncoming, [id, id2]);
      await tabClose(maker);
      const failed = await tabWait<TradeView>(taker, 'failed after the deadline', 20_000, tradeIn, id3, 'failed');
      expect(failed.failure!.code).to.be.oneOf(['peer-left', 'deadline']);
      expect(failed.failure!.message).to.match(/counterparty left|did not finish/);
      expect(await tabEval<number>(taker, signCalls)).to.equal(signedBefore);
      expect((await tabLogs(taker)).filter((l) => l.startsWith('pageerror'))).to.deep.equal([]);
    } finally {
      await tabClose(maker);
      await tabClose(taker);
    }
  });
});
