// Reach any maker: three real tabs of the demo page (built CDN bundle, real PeerServer, real WebRTC), linked only
// A–B and B–C through the demo's Connect UI. C's order crosses B to A by gossip with C's peer id beside it; A takes it
// in its orderbook, A's trade widget dials C by itself, checks C's identity key there, and the swap completes on the
// tabs' shared ledger, driven through the widgets as a user would. Before that, a relay that lies — C's genuine order
// handed to A with a hint pointing at B — costs A one dial (opened, found to be someone else, hung up) and a clear
// error, never a trade.
import { expect } from '@open-wc/testing';
import { createIdentity } from '../src/core/identity.js';
import { decodeOrder, type OrderWire } from '../src/features/orderbook/order.model.js';
import { SyncMessageSchema, type SyncMessage } from '../src/features/orderbook/sync.model.js';
import { MAX_MESSAGE_BYTES, ORDERBOOK_CHANNEL } from '../src/features/orderbook/orderbook.types.js';
import { destroyServices, openService, signaling, waitFor } from './harness.js';
import { tabClose, tabEval, tabLogs, tabOpen, tabWait } from './tabs.js';
import { completeRuneSale } from './tab-swap.js';
import {
  bookOrder,
  connectTo,
  linkedPeers,
  linkedTo,
  newIncoming,
  openTake,
  orderbookNote,
  peerId,
  placeSellOrder,
  recordTakes,
  submitTake,
  takesSeen,
  tradeCount,
  tradeErrors,
  tradeIn,
  unlinkedFrom,
  walletOutpoint,
  type TradeView,
} from './demo-tab.js';

const RUNE_PAIR = 'RUNE:840000:3/BTC';
const ALKANE_PAIR = 'ALKANE:2:1/BTC';

describe('demo page in three tabs: taking an order from a maker two hops away', function () {
  this.timeout(180_000);
  afterEach(destroyServices);

  it("C's order reaches A through B; A's take dials C and the swap completes; a lying hint costs a dial and a clear error, no trade", async () => {
    const s = await signaling();
    const ledger = `t${crypto.randomUUID().slice(0, 8)}`;
    const path = `/demo/index.html?signaling=${encodeURIComponent(s.url)}&key=${encodeURIComponent(s.key)}&ledger=${ledger}`;
    const a = await tabOpen(path);
    const b = await tabOpen(path);
    const c = await tabOpen(path);
    try {
      const [aId, bId, cId] = [
        await tabWait<string>(a, 'peer id', 15_000, peerId),
        await tabWait<string>(b, 'peer id', 15_000, peerId),
        await tabWait<string>(c, 'peer id', 15_000, peerId),
      ];
      await tabEval(c, connectTo, bId);
      await tabWait(b, 'link B–C', 15_000, linkedTo, cId);
      await tabEval(a, recordTakes);

      // 1. A lying relay. H (a bare peer of this page, speaking the orderbook protocol by hand) is linked to C and
      // gets C's alkane order by gossip, then hands it to A — its only link — saying the maker is at B.
      const h = await openService({ identity: await createIdentity() });
      const raw = h.channel<SyncMessage>(ORDERBOOK_CHANNEL, { schema: SyncMessageSchema, maxBytes: MAX_MESSAGE_BYTES, priority: 'high' });
      const fromC: OrderWire[] = [];
      raw.on((m, from) => {
        if (m.t === 'orders' && from === cId) fromC.push(...m.orders);
      });
      await h.connect(cId);
      const alkaneOutpoint = await tabWait<string>(c, 'funded alkane output', 15_000, walletOutpoint, 'alkane 2:1');
      await tabEval(c, placeSellOrder, ALKANE_PAIR, '20', '1000', alkaneOutpoint);
      expect(await tabWait<string>(c, 'alkane order placed', 10_000, orderbookNote)).to.contain('Order placed');
      await waitFor(() => fromC.some((o) => o.base === 'ALKANE:2:1'), 10_000, "C's order at H");
      const lied = fromC.find((o) => o.base === 'ALKANE:2:1')!;
      expect(await tabWait(b, "C's order at B, with C's peer id", 10_000, bookOrder, decodeOrder(lied).id)).to.deep.equal({ reach: cId });
      const hId = h.id!;
      await h.connect(aId);
      await tabWait(a, 'link A–H', 10_000, linkedTo, hId);
      raw.send(aId, { t: 'orders', orders: [lied], reach: [{ peer: bId }] });
      expect(await tabWait(a, 'the relayed order at A', 10_000, bookOrder, decodeOrder(lied).id)).to.deep.equal({ reach: bId });
      expect(await tabEval<string[]>(a, linkedPeers)).to.deep.equal([hId]);
      // A takes it: the trade widget dials B (where the hint points), finds B's key is not the maker's, hangs up.
      await tabWait(a, 'take form (alkane)', 15_000, openTake, ALKANE_PAIR);
      await tabEval(a, submitTake);
      expect(await tabWait<string>(a, 'the clear error', 20_000, tradeErrors)).to.contain("The peer at that address is not the order's maker");
      const lie = await tabEval<ReturnType<typeof takesSeen>>(a, takesSeen);
      expect(lie.takes).to.deep.equal([{ peer: null, makerPeer: bId }]);
      expect(lie.status).to.deep.equal(['Connecting to the maker…']);
      await tabWait(a, 'the link to B opened for the take is closed', 10_000, unlinkedFrom, bId);
      expect(await tabEval<number>(a, tradeCount), 'no trade at A').to.equal(0);
      expect(await tabEval<number>(b, tradeCount), 'no trade at B').to.equal(0);
      expect(await tabEval<number>(c, tradeCount), 'no trade at C').to.equal(0);
      h.destroy();
      await tabWait(a, 'H gone from A', 10_000, unlinkedFrom, hId);
      await tabWait(c, 'H gone from C', 10_000, unlinkedFrom, hId);

      // 2. The real thing. A links to B (the demo's Connect); C offers 1,000 units of the rune at 50 sats each.
      await tabEval(a, connectTo, bId);
      await tabWait(b, 'link A–B', 15_000, linkedTo, aId);
      const runeOutpoint = await tabWait<string>(c, 'funded rune output', 15_000, walletOutpoint, 'rune 840000:3');
      await tabEval(c, placeSellOrder, RUNE_PAIR, '50', '1000', runeOutpoint);
      expect(await tabWait<string>(c, 'rune order placed', 10_000, orderbookNote)).to.contain('Order placed');
      // The order crosses B by gossip; A has no link to C.
      await tabWait(a, 'take form (rune)', 15_000, openTake, RUNE_PAIR);
      expect((await tabEval<string[]>(a, linkedPeers)).sort()).to.deep.equal([bId]);
      expect(await tabEval<string[]>(c, linkedPeers)).to.deep.equal([bId]);
      await tabEval(a, submitTake);
      // A's trade widget dialed C by itself: the proposal arrives at C straight from A.
      const id = await tabWait<string>(c, 'incoming trade at C', 20_000, newIncoming, []);
      const taken = await tabEval<ReturnType<typeof takesSeen>>(a, takesSeen);
      expect(taken.takes[1]).to.deep.equal({ peer: null, makerPeer: cId });
      expect(taken.status).to.deep.equal(['Connecting to the maker…', 'Connecting to the maker…']);
      expect((await tabEval<string[]>(a, linkedPeers)).sort()).to.deep.equal([bId, cId].sort());
      const takerSide = await tabWait<TradeView>(a, 'outgoing trade', 5_000, tradeIn, id, 'proposed');
      expect(takerSide.role).to.equal('buyer');
      // C accepts; each side reads its review and signs; the swap lands on the shared ledger (A holds the rune).
      await completeRuneSale(c, a, id, runeOutpoint);
      expect(await tabEval<number>(b, tradeCount), 'B only relayed').to.equal(0);
      for (const tab of [a, b, c]) expect((await tabLogs(tab)).filter((l) => l.startsWith('pageerror'))).to.deep.equal([]);
    } finally {
      await tabClose(a);
      await tabClose(b);
      await tabClose(c);
    }
  });
});
