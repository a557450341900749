/**
 * The agreed trade: terms and each side's contribution (inputs and addresses), their wire form (JSON with
 * decimal strings for every integer that counts money) and their validation. Pure, no DOM.
 *
 * Version 1 swaps BTC for one rune or alkane: the asset seller gives `amount` units of `asset` and receives
 * `priceSats`; the asset buyer pays the price and the whole fee, at `feeRate` sat/vB.
 */
import * as v from 'valibot';
import { p2tr, p2wpkh } from '@scure/btc-signer';
import { equalBytes, fromHex, outpointKey } from './bytes.js';
import { U128_MAX } from './leb128.js';
import { addressToScript, type BitcoinNetwork, type SpendableType } from './network.js';
import { parseRuneId, type RuneId } from './runestone.js';
import {
  BuyerContributionWireSchema,
  MAX_INPUTS_PER_SIDE,
  SellerContributionWireSchema,
  SwapInputWireSchema,
  SwapTermsWireSchema,
  TERMS_VERSION,
  type AssetKind,
  type SwapRole,
  type SwapTermsWire,
} from './wire.js';

export {
  ASSET_KINDS,
  BuyerContributionWireSchema,
  MAX_INPUTS_PER_SIDE,
  SellerContributionWireSchema,
  SWAP_ROLES,
  SwapInputWireSchema,
  SwapTermsWireSchema,
  TERMS_VERSION,
  type AssetKind,
  type SwapRole,
  type SwapTermsWire,
} from './wire.js';

/** Transaction constants of every swap: version 2, locktime 0, RBF-signalling sequence. */
export const SWAP_TX_VERSION = 2;
export const SWAP_LOCKTIME = 0;
export const SWAP_SEQUENCE = 0xffff_fffd;
/** Value of an output that carries runes or alkanes. */
export const DEFAULT_ASSET_OUTPUT_VALUE = 546n;
export const MAX_SATS = 21_000_000n * 100_000_000n;
export const MAX_FEE_RATE = 100_000n;

export interface SwapAsset {
  readonly kind: AssetKind;
  /** `block:tx` */
  readonly id: string;
}

export interface SwapTerms {
  readonly version: typeof TERMS_VERSION;
  readonly network: BitcoinNetwork;
  readonly asset: SwapAsset;
  /** Asset base units moved from the seller to the buyer. */
  readonly amount: bigint;
  /** Sats the seller receives. */
  readonly priceSats: bigint;
  /** Agreed fee rate in sat/vB (the buyer pays the fee). */
  readonly feeRate: bigint;
  /** Value of each asset-carrying output (the buyer's and the seller's change). */
  readonly assetOutputValue: bigint;
}

/** One UTXO a side puts in. `value` and `scriptPubKey` are checked against the indexer before any use. */
export interface SwapInput {
  /** Display (big-endian) hex. */
  readonly txid: string;
  readonly vout: number;
  readonly value: bigint;
  /** Hex. */
  readonly scriptPubKey: string;
  readonly addressType: SpendableType;
  /** Hex: compressed (33 bytes) for p2wpkh; x-only (32 bytes) or compressed for p2tr (the internal key). */
  readonly publicKey: string;
}

export interface SellerContribution {
  /** UTXOs holding the asset (and any sats they carry). */
  readonly inputs: readonly SwapInput[];
  /** Receives the price plus the sats of the seller's inputs minus the asset change output. */
  readonly paymentAddress: string;
  /** Receives the asset left over and the runestone/protostone pointer. */
  readonly assetChangeAddress: string;
}

export interface BuyerContribution {
  /** BTC-only UTXOs funding the price, the asset output and the fee. */
  readonly inputs: readonly SwapInput[];
  /** Receives the asset. */
  readonly assetAddress: string;
  /** Receives the BTC left over (omitted when below dust). */
  readonly changeAddress: string;
}

export interface Problem {
  readonly ok: false;
  readonly code: 'TERMS_INVALID';
  readonly message: string;
}

const problem = (message: string): Problem => ({ ok: false, code: 'TERMS_INVALID', message });

/** Parses wire terms (JSON value) into terms, then checks their ranges. */
export function parseTerms(wire: unknown): { ok: true; terms: SwapTerms } | Problem {
  const r = v.safeParse(SwapTermsWireSchema, wire);
  if (!r.success) return problem(`terms: ${r.issues[0].message}`);
  const w = r.output;
  const terms: SwapTerms = {
    version: TERMS_VERSION,
    network: w.network,
    asset: { kind: w.asset.kind, id: w.asset.id },
    amount: BigInt(w.amount),
    priceSats: BigInt(w.priceSats),
    feeRate: BigInt(w.feeRate),
    assetOutputValue: BigInt(w.assetOutputValue),
  };
  const bad = checkTerms(terms);
  return bad ?? { ok: true, terms };
}

export function termsToWire(t: SwapTerms): SwapTermsWire {
  return {
    version: TERMS_VERSION,
    network: t.network,
    asset: { kind: t.asset.kind, id: t.asset.id },
    amount: t.amount.toString(),
    priceSats: t.priceSats.toString(),
    feeRate: t.feeRate.toString(),
    assetOutputValue: t.assetOutputValue.toString(),
  };
}

const inputFromWire = (w: v.InferOutput<typeof SwapInputWireSchema>): SwapInput => ({ ...w, value: BigInt(w.value) });
const inputToWire = (i: SwapInput): v.InferOutput<typeof SwapInputWireSchema> => ({ ...i, value: i.value.toString() });

export function parseSellerContribution(wire: unknown, network: BitcoinNetwork): { ok: true; seller: SellerContribution } | Problem {
  const r = v.safeParse(SellerContributionWireSchema, wire);
  if (!r.success) return problem(`seller: ${r.issues[0].message}`);
  const seller: SellerContribution = { ...r.output, inputs: r.output.inputs.map(inputFromWire) };
  return checkInputs(seller.inputs, 'seller') ?? checkAddresses(network, [seller.paymentAddress, seller.assetChangeAddress], 'seller') ?? { ok: true, seller };
}

export function parseBuyerContribution(wire: unknown, network: BitcoinNetwork): { ok: true; buyer: BuyerContribution } | Problem {
  const r = v.safeParse(BuyerContributionWireSchema, wire);
  if (!r.success) return problem(`buyer: ${r.issues[0].message}`);
  const buyer: BuyerContribution = { ...r.output, inputs: r.output.inputs.map(inputFromWire) };
  return checkInputs(buyer.inputs, 'buyer') ?? checkAddresses(network, [buyer.assetAddress, buyer.changeAddress], 'buyer') ?? { ok: true, buyer };
}

export const sellerToWire = (s: SellerContribution): v.InferOutput<typeof SellerContributionWireSchema> => ({
  inputs: s.inputs.map(inputToWire),
  paymentAddress: s.paymentAddress,
  assetChangeAddress: s.assetChangeAddress,
});
export const buyerToWire = (b: BuyerContribution): v.InferOutput<typeof BuyerContributionWireSchema> => ({
  inputs: b.inputs.map(inputToWire),
  assetAddress: b.assetAddress,
  changeAddress: b.changeAddress,
});

// ---- semantic checks -----------------------------------------------------------------------------------------

/** The asset id as a rune id (alkane ids share the `block:tx` form), or undefined. */
export function assetRuneId(asset: SwapAsset): RuneId | undefined {
  const id = parseRuneId(asset.id);
  if (!id || id.block === 0n) return undefined;
  return id;
}

export function checkTerms(t: SwapTerms): Problem | undefined {
  if (!assetRuneId(t.asset)) return problem(`asset id "${t.asset.id}" is not block:tx with block ≥ 1`);
  if (t.amount <= 0n || t.amount > U128_MAX) return problem('amount must be between 1 and u128::MAX');
  if (t.priceSats <= 0n || t.priceSats > MAX_SATS) return problem('priceSats must be between 1 and 21e14');
  if (t.feeRate < 1n || t.feeRate > MAX_FEE_RATE) return problem(`feeRate must be between 1 and ${MAX_FEE_RATE} sat/vB`);
  if (t.assetOutputValue < 330n || t.assetOutputValue > 100_000n) return problem('assetOutputValue must be between 330 and 100000 sats');
  return undefined;
}

/** The output script an input's key pays to, for its address type. */
export function inputKeyScript(input: Pick<SwapInput, 'addressType' | 'publicKey'>): Uint8Array | undefined {
  try {
    const key = fromHex(input.publicKey);
    if (input.addressType === 'p2wpkh') return key.length === 33 ? p2wpkh(key).script : undefined;
    const xonly = key.length === 33 ? key.subarray(1) : key;
    return xonly.length === 32 ? p2tr(xonly).script : undefined;
  } catch {
    return undefined;
  }
}

function checkInputs(inputs: readonly SwapInput[], side: SwapRole): Problem | undefined {
  if (inputs.length === 0 || inputs.length > MAX_INPUTS_PER_SIDE) return problem(`${side}: 1 to ${MAX_INPUTS_PER_SIDE} inputs`);
  for (const [i, input] of inputs.entries()) {
    if (input.value <= 0n || input.value > MAX_SATS) return problem(`${side} input ${i}: value out of range`);
    const script = inputKeyScript(input);
    let given: Uint8Array;
    try {
      given = fromHex(input.scriptPubKey);
    } catch {
      return problem(`${side} input ${i}: scriptPubKey is not hex`);
    }
    if (!script || !equalBytes(script, given)) {
      return problem(`${side} input ${i}: scriptPubKey is not the ${input.addressType} script of its public key`);
    }
  }
  return undefined;
}

function checkAddresses(network: BitcoinNetwork, addresses: readonly string[], side: SwapRole): Problem | undefined {
  for (const a of addresses) if (!addressToScript(a, network)) return problem(`${side}: "${a}" is not a ${network} address`);
  return undefined;
}

/** Checks terms and both contributions together (ranges, keys, addresses, no outpoint used twice). */
export function checkSwap(terms: SwapTerms, seller: SellerContribution, buyer: BuyerContribution): Problem | undefined {
  const bad =
    checkTerms(terms) ??
    checkInputs(seller.inputs, 'seller') ??
    checkInputs(buyer.inputs, 'buyer') ??
    checkAddresses(terms.network, [seller.paymentAddress, seller.assetChangeAddress], 'seller') ??
    checkAddresses(terms.network, [buyer.assetAddress, buyer.changeAddress], 'buyer');
  if (bad) return bad;
  const seen = new Set<string>();
  for (const input of [...seller.inputs, ...buyer.inputs]) {
    const key = outpointKey(input.txid, input.vout);
    if (seen.has(key)) return problem(`outpoint ${key} appears twice`);
    seen.add(key);
  }
  return undefined;
}
