/**
 * A ready-made swap between two in-memory wallets on one in-memory ledger, for tests, the demo and the
 * bench: fund both sides, agree terms, then `runSwap` walks the real path (seller verifies and signs, buyer
 * verifies the seller's PSBT and signs, finalize, broadcast). Regtest; no network.
 */
import { finalizeSwap, prevoutsFrom, type FinalizedSwap, type FinalizeFailure } from './finalize.js';
import { MemoryIndexer, MemoryWallet } from './memory-wallet.js';
import type { SpendableType } from './network.js';
import type { VerifyPolicy } from './psbt-verify.js';
import {
  DEFAULT_ASSET_OUTPUT_VALUE,
  TERMS_VERSION,
  type AssetKind,
  type BuyerContribution,
  type SellerContribution,
  type SwapRole,
  type SwapTerms,
} from './terms.js';
import { verifyThenSign, type SignFailure, type SignSuccess } from './verify-then-sign.js';
import type { OutputInfo } from './wallet.js';

export interface SwapScenarioOptions {
  readonly kind?: AssetKind;
  /** Key type of the seller's asset UTXO and asset change. */
  readonly sellerType?: SpendableType;
  /** Key type of the buyer's funding UTXO and asset output. */
  readonly buyerType?: SpendableType;
  /** Units traded (default 1000). */
  readonly amount?: bigint;
  /** Units the seller's asset UTXO holds (default 1500). */
  readonly held?: bigint;
  readonly priceSats?: bigint;
  readonly feeRate?: bigint;
  /** Sats of each buyer funding UTXO (default one of 100 000). */
  readonly buyerFunding?: readonly bigint[];
  /** Seller and buyer share one wallet (tests of a wallet signing inputs it was not asked to). */
  readonly sameWallet?: boolean;
  /** The ledger to fund (default: a new `MemoryIndexer`). */
  readonly indexer?: MemoryIndexer;
}

export interface SwapScenario {
  readonly terms: SwapTerms;
  readonly seller: SellerContribution;
  readonly buyer: BuyerContribution;
  readonly sellerWallet: MemoryWallet;
  readonly buyerWallet: MemoryWallet;
  readonly indexer: MemoryIndexer;
  readonly sellerAssetUtxo: OutputInfo;
  readonly buyerUtxos: readonly OutputInfo[];
  /** A policy for one side: fee band 1–10 sat/vB and that wallet's scripts. */
  policy(role: SwapRole): VerifyPolicy;
  wallet(role: SwapRole): MemoryWallet;
}

export const SCENARIO_RUNE_ID = '840000:3';
export const SCENARIO_ALKANE_ID = '2:1';

export function createSwapScenario(o: SwapScenarioOptions = {}): SwapScenario {
  const kind = o.kind ?? 'rune';
  const sellerType = o.sellerType ?? 'p2tr';
  const buyerType = o.buyerType ?? 'p2wpkh';
  const indexer = o.indexer ?? new MemoryIndexer('regtest');
  const sellerWallet = new MemoryWallet('seller', { indexer });
  const buyerWallet = o.sameWallet ? sellerWallet : new MemoryWallet('buyer', { indexer });
  const id = kind === 'rune' ? SCENARIO_RUNE_ID : SCENARIO_ALKANE_ID;
  const held = [{ id, amount: o.held ?? 1500n }];
  const sellerAssetUtxo = indexer.fund(sellerWallet.address(sellerType), 10_000n, kind === 'rune' ? { runes: held } : { alkanes: held });
  const buyerUtxos = (o.buyerFunding ?? [100_000n]).map((sats) => indexer.fund(buyerWallet.address(buyerType), sats));
  const terms: SwapTerms = {
    version: TERMS_VERSION,
    network: 'regtest',
    asset: { kind, id },
    amount: o.amount ?? 1000n,
    priceSats: o.priceSats ?? 50_000n,
    feeRate: o.feeRate ?? 2n,
    assetOutputValue: DEFAULT_ASSET_OUTPUT_VALUE,
  };
  const seller: SellerContribution = {
    inputs: [sellerWallet.swapInput(sellerAssetUtxo)],
    paymentAddress: sellerWallet.address('p2wpkh'),
    assetChangeAddress: sellerWallet.address(sellerType),
  };
  const buyer: BuyerContribution = {
    inputs: buyerUtxos.map((u) => buyerWallet.swapInput(u)),
    assetAddress: buyerWallet.address(buyerType),
    changeAddress: buyerWallet.address('p2wpkh'),
  };
  const wallet = (role: SwapRole): MemoryWallet => (role === 'seller' ? sellerWallet : buyerWallet);
  return {
    terms,
    seller,
    buyer,
    sellerWallet,
    buyerWallet,
    indexer,
    sellerAssetUtxo,
    buyerUtxos,
    wallet,
    policy: (role) => ({ feeRateBand: { min: 1n, max: 10n }, myScripts: wallet(role).scripts() }),
  };
}

export interface SwapRun {
  readonly sellerSigned: SignSuccess | SignFailure;
  readonly buyerSigned?: SignSuccess | SignFailure;
  readonly final?: FinalizedSwap | FinalizeFailure;
  /** Txid from the ledger's broadcast, when it got that far. */
  readonly broadcastTxid?: string;
}

/**
 * Runs the whole swap: seller signs first, buyer verifies the seller's PSBT, signs last, finalizes, broadcasts
 * (unless `broadcast: false`).
 */
export async function runSwap(s: SwapScenario, options: { broadcast?: boolean } = {}): Promise<SwapRun> {
  const base = { terms: s.terms, seller: s.seller, buyer: s.buyer, indexer: s.indexer };
  const sellerSigned = await verifyThenSign({ ...base, role: 'seller', wallet: s.sellerWallet, policy: s.policy('seller') });
  if (!sellerSigned.ok) return { sellerSigned };
  const buyerSigned = await verifyThenSign({
    ...base,
    role: 'buyer',
    wallet: s.buyerWallet,
    policy: s.policy('buyer'),
    peerPsbt: sellerSigned.psbt,
  });
  if (!buyerSigned.ok) return { sellerSigned, buyerSigned };
  const final = finalizeSwap(buyerSigned.psbt, prevoutsFrom([...s.seller.inputs, ...s.buyer.inputs]), buyerSigned.txid);
  if (!final.ok || options.broadcast === false) return { sellerSigned, buyerSigned, final };
  const broadcastTxid = await s.indexer.broadcast(final.txHex);
  return { sellerSigned, buyerSigned, final, broadcastTxid };
}
