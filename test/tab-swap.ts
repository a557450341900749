// A rune sale between two demo tabs, driven through the trade widgets (test side: runs the in-tab functions of
// demo-tab.ts). Shared by the tab tests that end in a completed swap.
import { expect } from '@open-wc/testing';
import { tabEval, tabWait } from './tabs.js';
import { clickTrade, ledgerOutput, myAddresses, reviewText, signCalls, tradeIn, type TradeView } from './demo-tab.js';

/**
 * Trade `id` is a proposal to buy 1,000 units of rune 840000:3 at 50 sats from `maker`: the maker accepts, each
 * side reads what it signs and confirms, and the fully signed swap lands on the tabs' shared ledger (the rune left
 * `runeOutpoint` and sits at the taker's address; one wallet signature each). `atSellerReview` runs while the
 * seller's review is shown, before anything is signed. Resolves to the txid.
 */
export async function completeRuneSale(maker: number, taker: number, id: string, runeOutpoint: string, atSellerReview?: () => Promise<void>): Promise<string> {
  await tabWait(maker, 'accept', 5_000, clickTrade, id, 'accept-button');
  const sellerReview = await tabWait<string>(maker, 'seller review', 20_000, reviewText, id);
  expect(sellerReview).to.contain('1,000 units of rune 840000:3').and.to.contain('50,000 sats');
  expect(await tabEval<number>(maker, signCalls), 'nothing signed before the review').to.equal(0);
  await atSellerReview?.();
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
  return doneBuyer.txid!;
}
