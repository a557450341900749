/**
 * The only path by which the kit asks a wallet to sign a swap: "never ask a wallet to sign a PSBT the kit
 * has not verified against the agreed trade". Pure apart from the two host calls (indexer, wallet).
 *
 * 1. fetch every input's prevout and assets from the indexer;
 * 2. build the swap PSBT locally and verify it (a bad contribution from the peer is caught here);
 * 3. if the peer sent a PSBT, verify it too (same txid as my build; its signatures valid);
 * 4. only then hand the wallet **my own** PSBT, asking for exactly my inputs with ALL/DEFAULT;
 * 5. check what the wallet returns (§4 E): same transaction, only my inputs signed, each signature valid
 *    with ALL/DEFAULT;
 * 6. add the peer's (checked) signatures, so the last signer can finalize.
 */
import { Transaction } from '@scure/btc-signer';
import { equalBytes, fromHex, outpointKey } from './bytes.js';
import { prevoutsFrom, takePeerSignatures, type FinalizeCode } from './finalize.js';
import { buildSwapPsbt, PARSE_TX_OPTS, SWAP_TX_OPTS } from './psbt-build.js';
import { verifySwapPsbt, type SwapSummary, type VerifyCode, type VerifyContext, type VerifyPolicy } from './psbt-verify.js';
import { scriptToAddress, type BitcoinNetwork } from './network.js';
import { checkPsbtInputSignature, hasSignature, type Prevout } from './signature.js';
import type { BuyerContribution, SellerContribution, SwapInput, SwapRole, SwapTerms } from './terms.js';
import type { AssetIndexer, SignInputRequest, WalletAdapter } from './wallet.js';
import { isWalletError } from './wallets/wallet-error.js';

export interface VerifyThenSignOptions {
  readonly terms: SwapTerms;
  readonly role: SwapRole;
  readonly seller: SellerContribution;
  readonly buyer: BuyerContribution;
  readonly wallet: WalletAdapter;
  readonly indexer: AssetIndexer;
  readonly policy: VerifyPolicy;
  /** The PSBT the peer sent (the maker's signed PSBT, for the taker). Only its signatures are ever used. */
  readonly peerPsbt?: Uint8Array;
}

export const WALLET_CHECK_CODES = [
  'WALLET_REJECTED',
  'WALLET_RETURNED_GARBAGE',
  'WALLET_TX_CHANGED',
  'WALLET_SIGNED_OTHER_INPUT',
  'WALLET_SIGNATURE_MISSING',
  'WALLET_SIGNATURE_INVALID',
  'WALLET_SIGHASH_NOT_ALL',
] as const;
export type WalletCheckCode = (typeof WALLET_CHECK_CODES)[number];

export interface SignFailure {
  readonly ok: false;
  /** Where it stopped: before the wallet (`verify-own`, `verify-peer`), in it, or after (`wallet-result`, `combine`). */
  readonly stage: 'indexer' | 'verify-own' | 'verify-peer' | 'wallet' | 'wallet-result' | 'combine';
  readonly code: VerifyCode | WalletCheckCode | FinalizeCode | 'INDEXER_FAILED';
  readonly message: string;
  readonly input?: number;
  readonly output?: number;
}

export interface SignSuccess {
  readonly ok: true;
  /** My PSBT with my signatures (and the peer's, when a peer PSBT was given). */
  readonly psbt: Uint8Array;
  readonly txid: string;
  readonly summary: SwapSummary;
}

export async function verifyThenSign(o: VerifyThenSignOptions): Promise<SignSuccess | SignFailure> {
  const all = [...o.seller.inputs, ...o.buyer.inputs];
  let infos;
  try {
    infos = await o.indexer.getOutputs(all.map((i) => outpointKey(i.txid, i.vout)));
  } catch (e) {
    return { ok: false, stage: 'indexer', code: 'INDEXER_FAILED', message: (e as Error).message };
  }
  const ctx: VerifyContext = { terms: o.terms, role: o.role, seller: o.seller, buyer: o.buyer, prevouts: infos, policy: o.policy };
  const built = buildSwapPsbt(o.terms, o.seller, o.buyer);
  const own = verifySwapPsbt(built.ok ? built.psbt : new Uint8Array(), ctx);
  if (!own.ok) return { ...own, stage: 'verify-own' };
  if (o.peerPsbt) {
    const peer = verifySwapPsbt(o.peerPsbt, ctx);
    if (!peer.ok) return { ...peer, stage: 'verify-peer' };
  }
  const { built: mine, summary } = own;
  if (o.role === 'buyer') {
    // The seller signs first: no wallet prompt for a transaction that could never be completed.
    const missing = unsignedSellerInput(o.peerPsbt, mine.sellerInputIndexes);
    if (missing !== undefined) {
      return { ok: false, stage: 'verify-peer', code: 'SIGNATURE_MISSING', message: `the seller's input ${missing} is not signed`, input: missing };
    }
  }
  const contribution = o.role === 'seller' ? o.seller : o.buyer;
  const myIndexes = o.role === 'seller' ? mine.sellerInputIndexes : mine.buyerInputIndexes;
  const requests: SignInputRequest[] = myIndexes.map((index, n) => signRequest(contribution.inputs[n]!, index, o.terms.network));

  let returned: Uint8Array;
  try {
    returned = await o.wallet.signPsbt(mine.psbt, { inputs: requests, finalize: false });
  } catch (e) {
    // A wallet adapter that already refused the wallet's answer (wallets/*) says which check failed.
    const check = isWalletError(e) ? (WALLET_CHECK_CODES as readonly string[]).find((c) => c === e.check) : undefined;
    if (check) return { ok: false, stage: 'wallet-result', code: check as WalletCheckCode, message: (e as Error).message };
    return { ok: false, stage: 'wallet', code: 'WALLET_REJECTED', message: (e as Error).message };
  }

  const prevouts = prevoutsFrom(all);
  const checked = checkWalletResult(mine.psbt, returned, myIndexes, prevouts);
  if (!checked.ok) return checked;
  // Only the signatures go on: whatever else the wallet added (key derivations, proprietary fields) stays here.
  let psbt = onlySignatures(mine.psbt, checked.signed, myIndexes);
  if (o.peerPsbt) {
    const peerTx = Transaction.fromPSBT(o.peerPsbt, PARSE_TX_OPTS);
    const peerIndexes = Array.from({ length: peerTx.inputsLength }, (_, i) => i).filter((i) => !myIndexes.includes(i) && hasSignature(peerTx.getInput(i)));
    const combined = takePeerSignatures(psbt, o.peerPsbt, peerIndexes, prevouts);
    if (!combined.ok) return { ...combined, stage: 'combine' };
    psbt = combined.psbt;
  }
  return { ok: true, psbt, txid: mine.txid, summary };
}

/** The first seller input without a signature in the seller's PSBT (all of them when there is none). */
function unsignedSellerInput(peerPsbt: Uint8Array | undefined, indexes: readonly number[]): number | undefined {
  if (!peerPsbt) return indexes[0] ?? 0;
  const tx = Transaction.fromPSBT(peerPsbt, PARSE_TX_OPTS);
  return indexes.find((i) => !hasSignature(tx.getInput(i)));
}

/** What the wallet is asked for one of my inputs: that input, its address and key, sighash DEFAULT (taproot) or ALL. */
export function signRequest(input: SwapInput, index: number, network: BitcoinNetwork): SignInputRequest {
  return {
    index,
    address: scriptToAddress(fromHex(input.scriptPubKey), network) ?? '',
    publicKey: input.publicKey,
    sighash: input.addressType === 'p2tr' ? 'DEFAULT' : 'ALL',
  };
}

/**
 * `unsigned` (my own build) with just the signatures of `indexes` taken from the wallet's PSBT: whatever else
 * the wallet added (BIP32 derivations, proprietary fields) never reaches the peer.
 */
export function onlySignatures(unsigned: Uint8Array, signed: Transaction, indexes: readonly number[]): Uint8Array {
  const tx = Transaction.fromPSBT(unsigned, SWAP_TX_OPTS);
  for (const i of indexes) {
    const input = signed.getInput(i);
    tx.updateInput(
      i,
      {
        ...(input.partialSig ? { partialSig: input.partialSig } : {}),
        ...(input.tapKeySig ? { tapKeySig: input.tapKeySig } : {}),
        // A wallet that finalized: the final witness is nothing but the signature (and, for P2WPKH, the key).
        ...(input.finalScriptWitness ? { finalScriptWitness: input.finalScriptWitness } : {}),
      },
      true,
    );
  }
  return tx.toPSBT(0);
}

/**
 * What a wallet returned for `original`, checked (§4 E): a readable PSBT of the same transaction, every
 * input in `myIndexes` signed with a valid ALL/DEFAULT signature and no other input signed.
 */
export function checkWalletResult(
  original: Uint8Array,
  returned: Uint8Array,
  myIndexes: readonly number[],
  prevouts: readonly Prevout[],
): { ok: true; signed: Transaction } | SignFailure {
  const walletFail = (code: WalletCheckCode, message: string, input?: number): SignFailure => ({
    ok: false,
    stage: 'wallet-result',
    code,
    message,
    ...(input !== undefined ? { input } : {}),
  });
  let signed: Transaction;
  try {
    signed = Transaction.fromPSBT(returned, PARSE_TX_OPTS);
  } catch (e) {
    return walletFail('WALLET_RETURNED_GARBAGE', `the wallet returned no readable PSBT: ${(e as Error).message}`);
  }
  const before = Transaction.fromPSBT(original, PARSE_TX_OPTS);
  if (!equalBytes(signed.unsignedTx, before.unsignedTx)) {
    return walletFail('WALLET_TX_CHANGED', `the wallet returned transaction ${signed.id}, not ${before.id}`);
  }
  for (let i = 0; i < signed.inputsLength; i++) {
    const input = signed.getInput(i);
    if (!myIndexes.includes(i)) {
      if (hasSignature(input)) return walletFail('WALLET_SIGNED_OTHER_INPUT', `the wallet signed input ${i}, which is not mine to sign`, i);
      continue;
    }
    if (!hasSignature(input)) return walletFail('WALLET_SIGNATURE_MISSING', `the wallet did not sign input ${i}`, i);
    const check = checkPsbtInputSignature(signed, i, prevouts, input);
    if (!check.ok) {
      return walletFail(check.code === 'SIGHASH_NOT_ALL' ? 'WALLET_SIGHASH_NOT_ALL' : 'WALLET_SIGNATURE_INVALID', check.message, i);
    }
  }
  return { ok: true, signed };
}
