/**
 * Builds the one swap transaction both sides sign, deterministically from the agreed terms and both
 * contributions: the same inputs give the same bytes (and txid) on both sides. Pure, no DOM, no keys.
 *
 * Layout (TRADING.md §3 BUILD):
 * - inputs: the seller's, then the buyer's, each in contribution order; nSequence 0xfffffffd; version 2;
 *   locktime 0;
 * - outputs: 0 buyer asset (assetOutputValue), 1 seller payment (price + seller input sats − asset change),
 *   2 seller asset change (assetOutputValue), 3 buyer change (omitted below dust: it goes to the fee),
 *   last the OP_RETURN runestone;
 * - runes: runestone `pointer 2`, one edict `(asset, amount → 0)`;
 *   alkanes: runestone `pointer 2` + one protostone (tag 1) `pointer 2, refund 2, edict (asset, amount → 0)`;
 * - fee = feeRate × the estimated vsize of the signed transaction (72-byte ECDSA, 64-byte Schnorr signatures).
 */
import { Transaction, type TxOpts } from '@scure/btc-signer';
import { fromHex } from './bytes.js';
import { addressToScript, dustThreshold, type SpendableType } from './network.js';
import { ALKANES_PROTOCOL_TAG, encodeProtostones } from './protostone.js';
import { encodeRunestone, type RunestoneSpec } from './runestone.js';
import {
  assetRuneId,
  checkSwap,
  SWAP_LOCKTIME,
  SWAP_SEQUENCE,
  SWAP_TX_VERSION,
  type BuyerContribution,
  type SellerContribution,
  type SwapInput,
  type SwapTerms,
} from './terms.js';

/** Options every swap PSBT is parsed and built with: OP_RETURN outputs allowed, unknown fields stripped. */
export const SWAP_TX_OPTS: TxOpts = { allowUnknownOutputs: true, version: SWAP_TX_VERSION, lockTime: SWAP_LOCKTIME };
/**
 * Options for parsing a PSBT or transaction someone else made, for inspection: version and locktime come
 * from the bytes, an unusual version parses, unknown and proprietary fields are stripped, and the library's
 * own script-consistency checks are off so that the verifier can name what is wrong (it checks taproot keys
 * and scripts itself). Never sign a transaction parsed with these options: signers use `SWAP_TX_OPTS`.
 */
export const PARSE_TX_OPTS: TxOpts = { allowUnknownOutputs: true, allowUnknownVersion: true, unknown: 'strip', disableScriptCheck: true };

/** Output indexes of a swap. */
export const BUYER_ASSET_OUTPUT = 0;
export const SELLER_PAYMENT_OUTPUT = 1;
export const SELLER_ASSET_CHANGE_OUTPUT = 2;
export const BUYER_CHANGE_OUTPUT = 3;
/** Relay limit for OP_RETURN scripts under the old data-carrier policy. */
export const MAX_OP_RETURN_SCRIPT = 83;

/** Witness weight of one signed input: P2WPKH [72-byte sig, 33-byte key], P2TR key path [64-byte sig]. */
const WITNESS_WEIGHT: Record<SpendableType, number> = { p2wpkh: 1 + 1 + 72 + 1 + 33, p2tr: 1 + 1 + 64 };

/** vsize of the signed transaction from its unsigned (witness-less) size and its input types. */
export function estimateVsize(unsignedLength: number, inputTypes: readonly SpendableType[]): number {
  let weight = 4 * unsignedLength + 2;
  for (const t of inputTypes) weight += WITNESS_WEIGHT[t];
  return Math.ceil(weight / 4);
}

export interface ExpectedOutput {
  readonly script: Uint8Array;
  readonly amount: bigint;
  readonly role: 'buyer-asset' | 'seller-payment' | 'seller-asset-change' | 'buyer-change' | 'op-return';
}

export interface BuiltSwap {
  readonly ok: true;
  /** PSBT v0 bytes, no signatures. */
  readonly psbt: Uint8Array;
  readonly txid: string;
  readonly fee: bigint;
  readonly vsize: number;
  readonly outputs: readonly ExpectedOutput[];
  readonly opReturnIndex: number;
  readonly hasBuyerChange: boolean;
  readonly sellerInputIndexes: readonly number[];
  readonly buyerInputIndexes: readonly number[];
  readonly runestone: RunestoneSpec;
}

export interface BuildFailure {
  readonly ok: false;
  readonly code: 'TERMS_INVALID' | 'INSUFFICIENT_FUNDS' | 'PAYMENT_BELOW_DUST' | 'RUNESTONE_TOO_LARGE';
  readonly message: string;
}

/** The runestone (and, for alkanes, protostone) of a swap: exactly `amount` to output 0, the rest to 2. */
export function swapRunestone(terms: SwapTerms): RunestoneSpec {
  const id = assetRuneId(terms.asset);
  if (!id) throw new RangeError(`bad asset id ${terms.asset.id}`);
  const edicts = [{ id, amount: terms.amount, output: BUYER_ASSET_OUTPUT }];
  if (terms.asset.kind === 'rune') return { pointer: SELLER_ASSET_CHANGE_OUTPUT, edicts };
  const protocol = encodeProtostones([{ protocolTag: ALKANES_PROTOCOL_TAG, pointer: SELLER_ASSET_CHANGE_OUTPUT, refund: SELLER_ASSET_CHANGE_OUTPUT, edicts }]);
  return { pointer: SELLER_ASSET_CHANGE_OUTPUT, protocol };
}

/** Adds one contribution input with the PSBT fields its signer needs. */
function addSwapInput(tx: Transaction, input: SwapInput): void {
  const script = fromHex(input.scriptPubKey);
  const key = fromHex(input.publicKey);
  tx.addInput({
    txid: fromHex(input.txid),
    index: input.vout,
    sequence: SWAP_SEQUENCE,
    witnessUtxo: { script, amount: input.value },
    ...(input.addressType === 'p2tr' ? { tapInternalKey: key.length === 33 ? key.subarray(1) : key } : {}),
  });
}

function assemble(inputs: readonly SwapInput[], outputs: readonly ExpectedOutput[]): Transaction {
  const tx = new Transaction(SWAP_TX_OPTS);
  for (const input of inputs) addSwapInput(tx, input);
  for (const o of outputs) tx.addOutput({ script: o.script, amount: o.amount });
  return tx;
}

const sum = (inputs: readonly SwapInput[]): bigint => inputs.reduce((a, i) => a + i.value, 0n);

/** Builds the unsigned swap PSBT, or says precisely why it cannot be built. */
export function buildSwapPsbt(terms: SwapTerms, seller: SellerContribution, buyer: BuyerContribution): BuiltSwap | BuildFailure {
  const bad = checkSwap(terms, seller, buyer);
  if (bad) return bad;
  const net = terms.network;
  const script = (a: string): Uint8Array => addressToScript(a, net)!;
  const runestone = swapRunestone(terms);
  const opReturn = encodeRunestone(runestone);
  if (opReturn.length > MAX_OP_RETURN_SCRIPT) {
    return { ok: false, code: 'RUNESTONE_TOO_LARGE', message: `runestone script is ${opReturn.length} bytes (max ${MAX_OP_RETURN_SCRIPT})` };
  }
  const paymentScript = script(seller.paymentAddress);
  const payment = sum(seller.inputs) + terms.priceSats - terms.assetOutputValue;
  if (payment < dustThreshold(paymentScript)) {
    return { ok: false, code: 'PAYMENT_BELOW_DUST', message: `seller payment ${payment} sats is below dust` };
  }
  const head: ExpectedOutput[] = [
    { script: script(buyer.assetAddress), amount: terms.assetOutputValue, role: 'buyer-asset' },
    { script: paymentScript, amount: payment, role: 'seller-payment' },
    { script: script(seller.assetChangeAddress), amount: terms.assetOutputValue, role: 'seller-asset-change' },
  ];
  const tail: ExpectedOutput = { script: opReturn, amount: 0n, role: 'op-return' };
  const inputs = [...seller.inputs, ...buyer.inputs];
  const types = inputs.map((i) => i.addressType);
  const available = sum(buyer.inputs) - terms.priceSats - terms.assetOutputValue;

  const changeScript = script(buyer.changeAddress);
  let outputs: ExpectedOutput[] = [...head, { script: changeScript, amount: 0n, role: 'buyer-change' }, tail];
  let vsize = estimateVsize(assemble(inputs, outputs).unsignedTx.length, types);
  let fee = terms.feeRate * BigInt(vsize);
  const change = available - fee;
  let hasBuyerChange = true;
  if (change >= dustThreshold(changeScript)) {
    outputs[BUYER_CHANGE_OUTPUT] = { script: changeScript, amount: change, role: 'buyer-change' };
  } else {
    hasBuyerChange = false;
    outputs = [...head, tail];
    vsize = estimateVsize(assemble(inputs, outputs).unsignedTx.length, types);
    fee = available;
    if (fee < terms.feeRate * BigInt(vsize)) {
      const need = terms.feeRate * BigInt(vsize) - available;
      return { ok: false, code: 'INSUFFICIENT_FUNDS', message: `buyer inputs are ${need} sats short of price + asset output + fee` };
    }
  }
  const tx = assemble(inputs, outputs);
  return {
    ok: true,
    psbt: tx.toPSBT(0),
    txid: tx.id,
    fee,
    vsize,
    outputs,
    opReturnIndex: outputs.length - 1,
    hasBuyerChange,
    sellerInputIndexes: seller.inputs.map((_, i) => i),
    buyerInputIndexes: buyer.inputs.map((_, i) => seller.inputs.length + i),
    runestone,
  };
}

/** Unsigned txid of PSBT bytes (throws on bytes that are not a PSBT). */
export const psbtTxid = (psbt: Uint8Array): string => Transaction.fromPSBT(psbt, PARSE_TX_OPTS).id;
