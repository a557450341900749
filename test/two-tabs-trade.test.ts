// A whole BTC ↔ rune swap between two real tabs of the demo page (built CDN bundle, real PeerServer, real
// WebRTC), driven through the widgets' UI: an order placed in one tab's orderbook, taken in the other's, accepted,
// reviewed and signed in both trade widgets, broadcast to the tabs' shared regtest ledger (TabLedger, which
// checks every signature). Then a reload of each tab mid-trade, and a counterparty that vanishes.
import { expect } from '@open-wc/testing';
import { signaling } from './harness.js';
import { tabClose, tabEval, tabLogs, tabOpen, tabReload, tabWait } from './tabs.js';

// ---- functions that run inside a tab (self-contained) ----------------------------------------------------------

function peerId(): string | null {
  const text = document.querySelector('darkswap-demo')?.shadowRoot?.querySelector('[part~="peer-id"]')?.textContent;
  return text && text !== '…' ? text : null;
}
function connectTo(id: string): void {
  const root = document.querySelector('darkswap-demo')!.shadowRoot!;
  root.querySelector<HTMLInputElement>('#peer-input')!.value = id;
  root.querySelector<HTMLButtonElement>('[part~="connect-button"]')!.click();
}
function linkedTo(id: string): boolean {
  const service = (document.querySelector('darkswap-connection') as unknown as { service?: { peers: string[] } }).service;
  return !!service?.peers.includes(id);
}
/** The first outpoint of the demo wallet holding `asset` (`rune 840000:3`, `alkane 2:1`), once listed. */
function walletOutpoint(asset: string): string | null {
  document.getElementById('refresh-wallet')!.click();
  const li = [...document.querySelectorAll<HTMLLIElement>('#utxos li')].find(
    (e) => e.textContent!.includes(`of ${asset}`) && !e.textContent!.includes('unconfirmed'),
  );
  return li?.dataset.outpoint ?? null;
}
function placeSellOrder(pair: string, price: string, amount: string, outpoint: string): void {
  const book = document.querySelector('darkswap-orderbook') as HTMLElement & { pair: string };
  book.pair = pair;
  const root = book.shadowRoot!;
  root.querySelector<HTMLInputElement>('input[name="side"][value="sell"]')!.checked = true;
  root.querySelector<HTMLInputElement>('[part~="price-input"]')!.value = price;
  root.querySelector<HTMLInputElement>('[part~="amount-input"]')!.value = amount;
  // The demo's orderbook checks orders against the ledger: the smallest fill must pay at least 546 sats (not dust).
  root.querySelector<HTMLInputElement>('[part~="min-fill-input"]')!.value = '50';
  root.querySelector<HTMLTextAreaElement>('[part~="outpoints-input"]')!.value = outpoint;
  const submit = root.querySelector<HTMLButtonElement>('[part~="submit-button"]')!;
  if (submit.disabled) throw new Error('Place order is disabled');
  submit.click();
}
function orderbookNote(): string {
  const root = document.querySelector('darkswap-orderbook')!.shadowRoot!;
  return [...root.querySelectorAll('[part~="note"], [part~="error"], [part~="field-error"]')]
    .map((e) => e.textContent!.trim())
    .filter(Boolean)
    .join(' | ');
}
/** Opens the take form on the first ask of `pair` (expanding its level first); true once the form is open. */
function openTake(pair: string): boolean {
  const book = document.querySelector('darkswap-orderbook') as HTMLElement & { pair: string };
  if (book.pair !== pair) {
    book.pair = pair; // rendered on the next update: look again then
    return false;
  }
  const root = book.shadowRoot!;
  const form = root.querySelector('[part~="take-form"]');
  if (form) return form.textContent!.includes(pair.split('/')[0]!);
  // The lists are virtualized against the window: scroll them into view, as a user would, so rows render.
  root.querySelector('[part~="asks"]')!.scrollIntoView({ block: 'center' });
  const take = root.querySelector<HTMLButtonElement>('[part~="asks"] [part~="take-button"]');
  if (take) take.click();
  else root.querySelector<HTMLButtonElement>('[part~="asks"] [part~="level-button"]')?.click();
  return false;
}
/** Proposes the trade from the open take form, then closes the form. */
function submitTake(): void {
  const root = document.querySelector('darkswap-orderbook')!.shadowRoot!;
  root.querySelector<HTMLButtonElement>('[part~="take-submit"]')!.click();
  root.querySelector<HTMLButtonElement>('[part~="take-close"]')?.click();
}
interface TradeView {
  id: string;
  state: string;
  role: string;
  txid?: string;
  failure?: { code: string; message: string };
}
function tradeIn(id: string, state: string): TradeView | null {
  const el = document.querySelector('darkswap-trade') as unknown as { trades: TradeView[] };
  const r = (el.trades ?? []).find((t) => t.id === id);
  return r && r.state === state
    ? { id: r.id, state: r.state, role: r.role, txid: r.txid, failure: r.failure && { code: r.failure.code, message: r.failure.message } }
    : null;
}
function newIncoming(known: string[]): string | null {
  const el = document.querySelector('darkswap-trade') as unknown as { trades: TradeView[] };
  return (el.trades ?? []).find((t) => t.state === 'incoming' && !known.includes(t.id))?.id ?? null;
}
/** Clicks a button of one trade in the trade widget; true if it was there and enabled. */
function clickTrade(id: string, part: string): boolean {
  const b = document.querySelector('darkswap-trade')!.shadowRoot!.querySelector<HTMLButtonElement>(`[data-trade-id="${id}"] [part~="${part}"]`);
  if (!b || b.disabled) return false;
  b.click();
  return true;
}
function reviewText(id: string): string | null {
  const r = document.querySelector('darkswap-trade')!.shadowRoot!.querySelector(`[data-trade-id="${id}"] [part~="review"]`);
  return r ? r.textContent!.replace(/\s+/g, ' ').trim() : null;
}
function signCalls(): number | null {
  const w = (window as unknown as { darkswapDemoWallet?: { wallet: { signCalls: number } } }).darkswapDemoWallet;
  return w ? w.wallet.signCalls : null;
}
async function ledgerOutput(outpoint: string): Promise<{ value: string; spent: boolean; runes: string[]; address?: string } | null> {
  const { ledger } = (
    window as unknown as {
      darkswapDemoWallet: {
        ledger: { getOutputs(o: string[]): Promise<Array<{ value: bigint; spent: boolean; address?: string; runes: { id: string; amount: bigint }[] }>> };
      };
    }
  ).darkswapDemoWallet;
  const [o] = await ledger.getOutputs([outpoint]);
  return o ? { value: o.value.toString(), spent: o.spent, address: o.address, runes: o.runes.map((r) => `${r.id}=${r.amount}`) } : null;
}
async function myAddresses(): Promise<string[]> {
  const { wallet } = (window as unknown as { darkswapDemoWallet: { wallet: { getAccounts(): Promise<{ address: string }[]> } } }).darkswapDemoWallet;
  return (await wallet.getAccounts()).map((a) => a.address);
}
function setDeadlines(d: Record<string, number>): void {
  (document.querySelector('darkswap-trade') as unknown as { deadlines: Record<string, number> }).deadlines = d;
}

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
      await tabWait(maker, 'accept', 5_000, clickTrade, id, 'accept-button');
      // Each side reads what it signs before its wallet is asked.
      const sellerReview = await tabWait<string>(maker, 'seller review', 20_000, reviewText, id);
      expect(sellerReview).to.contain('1,000 units of rune 840000:3').and.to.contain('50,000 sats');
      expect(await tabEval<number>(maker, signCalls)).to.equal(0);
      await tabEval(maker, clickTrade, id, 'confirm-button');
      const buyerReview = await tabWait<string>(taker, 'buyer review', 20_000, reviewText, id);
      expect(buyerReview).to.contain('1,000 units of rune 840000:3');
      await tabEval(taker, clickTrade, id, 'confirm-button');
      const doneBuyer = await tabWait<TradeView>(taker, 'buyer done', 20_000, tradeIn, id, 'done');
      const doneSeller = await tabWait<TradeView>(maker, 'seller done', 20_000, tradeIn, id, 'done');
      expect(doneBuyer.txid)
        .to.match(/^[0-9a-f]{64}$/)
        .and.to.equal(doneSeller.txid);
      // The shared ledger accepted the fully signed transaction (it checks every input's signature) in both tabs:
      // the rune left the maker and 1,000 units sit at the taker's address.
      const toBuyer = await tabEval<Awaited<ReturnType<typeof ledgerOutput>>>(maker, ledgerOutput, `${doneBuyer.txid}:0`);
      expect(toBuyer!.runes).to.deep.equal(['840000:3=1000']);
      expect(await tabEval<string[]>(taker, myAddresses)).to.include(toBuyer!.address);
      expect((await tabEval<Awaited<ReturnType<typeof ledgerOutput>>>(taker, ledgerOutput, runeOutpoint))!.spent).to.equal(true);
      expect(await tabEval<number>(maker, signCalls)).to.equal(1);
      expect(await tabEval<number>(taker, signCalls)).to.equal(1);

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
