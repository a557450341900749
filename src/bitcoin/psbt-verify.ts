/**
 * Verifies a swap PSBT against the agreed terms from one side's point of view (TRADING.md §4). Never throws
 * for a bad PSBT: it returns the first failure as a machine-readable code plus a human message. Pure.
 *
 * Order of the checks (each names what it found):
 * A. shape: the bytes parse as a PSBT; version 2; locktime 0;
 * B. inputs: each exactly once; every input agreed (an input of mine that I did not agree to is named apart);
 *    none missing; seller's then buyer's in contribution order; sequence 0xfffffffd; the value and script of
 *    every input confirmed by the indexer (the contribution and the PSBT's witnessUtxo must both match it);
 *    unspent, confirmed, no inscription; my inputs are a kind I sign, taproot with my internal key and no
 *    script path; no sighash type other than ALL/DEFAULT declared;
 * D. outputs: the agreed count; exactly one OP_RETURN, last, ≤ 83 bytes; every other output pays the agreed
 *    script and is above dust; the fee rate lies inside my band; every value is the agreed one;
 * F. assets: the runestone is no cenotaph, etches and mints nothing, has the pointer at the seller's asset
 *    change and exactly the agreed edict (rune trade) or exactly one tag-1 protostone with that edict,
 *    pointer and refund (alkane trade), and no other field; then the transfer is simulated over the indexer
 *    balances of every input: the seller holds enough with the fewest inputs (none it could leave out, each
 *    holding only the traded asset: the buyer pays the fee), nothing is burned or stranded, and each party's change
 *    per asset is exactly the trade (so runes or alkanes hidden on a buyer input are caught);
 * E. signatures already present (the peer's) verify, with hash type ALL/DEFAULT;
 * and last, the txid equals my own deterministic rebuild.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { RawTx, Transaction } from '@scure/btc-signer';
import { equalBytes, fromHex, outpointKey, toHex } from './bytes.js';
import { dustThreshold, scriptKind, type SpendableType } from './network.js';
import { ALKANES_PROTOCOL_TAG, decodeProtostones, type Protostone } from './protostone.js';
import {
  BUYER_ASSET_OUTPUT,
  BUYER_CHANGE_OUTPUT,
  buildSwapPsbt,
  estimateVsize,
  MAX_OP_RETURN_SCRIPT,
  PARSE_TX_OPTS,
  SELLER_ASSET_CHANGE_OUTPUT,
  SELLER_PAYMENT_OUTPUT,
  type BuiltSwap,
} from './psbt-build.js';
import { decipherRunestone, isOpReturn, sameRuneId, Tag, type Edict, type Runestone } from './runestone.js';
import { checkPsbtInputSignature, hasSignature, SIGHASH_ALL, SIGHASH_DEFAULT, type Prevout } from './signature.js';
import { simulateAlkanes, simulateRunes, type Balances } from './simulate.js';
import {
  assetRuneId,
  checkSwap,
  inputKeyScript,
  SWAP_LOCKTIME,
  SWAP_SEQUENCE,
  SWAP_TX_VERSION,
  type BuyerContribution,
  type SellerContribution,
  type SwapInput,
  type SwapRole,
  type SwapTerms,
} from './terms.js';
import type { OutputInfo } from './wallet.js';

/** The largest dust threshold of the output types we build (p2pkh-like 546), and a change output's vbytes (p2tr). */
const MAX_DUST = 546n;
const CHANGE_OUTPUT_VBYTES = 43n;

export const VERIFY_CODES = [
  'TERMS_INVALID',
  'BUILD_FAILED',
  'PSBT_INVALID',
  'TX_VERSION',
  'TX_LOCKTIME',
  'INPUT_DUPLICATE',
  'INPUT_MINE_NOT_AGREED',
  'INPUT_NO_ASSET',
  'INPUT_NOT_NEEDED',
  'INPUT_FOREIGN_ASSET',
  'INPUT_UNKNOWN',
  'INPUT_MISSING',
  'INPUT_ORDER',
  'INPUT_SEQUENCE',
  'PREVOUT_UNKNOWN',
  'PREVOUT_MISMATCH',
  'INPUT_SPENT',
  'INPUT_UNCONFIRMED',
  'INPUT_INSCRIPTION',
  'INPUT_TYPE_UNSUPPORTED',
  'INPUT_TAPROOT_KEY',
  'INPUT_TAPROOT_SCRIPT',
  'SIGHASH_NOT_ALL',
  'OUTPUT_COUNT',
  'OP_RETURN_COUNT',
  'OP_RETURN_POSITION',
  'OP_RETURN_TOO_LARGE',
  'OUTPUT_SCRIPT',
  'OUTPUT_DUST',
  'FEE_NEGATIVE',
  'FEE_RATE_OUT_OF_BAND',
  'OUTPUT_VALUE',
  'RUNESTONE_MISSING',
  'RUNESTONE_CENOTAPH',
  'RUNESTONE_ETCHING',
  'RUNESTONE_MINT',
  'RUNESTONE_POINTER_MISSING',
  'RUNESTONE_POINTER',
  'RUNESTONE_PROTOCOL_UNEXPECTED',
  'RUNESTONE_UNKNOWN_FIELD',
  'EDICT_COUNT',
  'EDICT_ID',
  'EDICT_AMOUNT',
  'EDICT_OUTPUT',
  'PROTOSTONE_MISSING',
  'PROTOSTONE_MALFORMED',
  'PROTOSTONE_COUNT',
  'PROTOSTONE_FIELD',
  'PROTOSTONE_POINTER',
  'PROTOSTONE_REFUND',
  'ASSET_INSUFFICIENT',
  'ASSET_UNSUPPORTED',
  'ASSET_BURNED',
  'ASSET_STRANDED',
  'ASSET_DELTA',
  'SIGNATURE_INVALID',
  'SIGNATURE_MISSING',
  'TXID_MISMATCH',
] as const;
export type VerifyCode = (typeof VERIFY_CODES)[number];

export interface FeeRateBand {
  /** sat/vB, inclusive. */
  readonly min: bigint;
  /** sat/vB, inclusive. */
  readonly max: bigint;
}

export interface VerifyPolicy {
  /** The fee rates I accept (fee ÷ estimated vsize of the signed transaction). */
  readonly feeRateBand: FeeRateBand;
  /** Confirmations every input needs (default 1; 0 with a mempool-aware indexer). */
  readonly minConfirmations?: number;
  /** Hex scripts of every address of my wallet: an input paying one of them that I did not agree to is refused. */
  readonly myScripts?: readonly string[];
}

export interface VerifyContext {
  readonly terms: SwapTerms;
  /** Whose point of view. */
  readonly role: SwapRole;
  readonly seller: SellerContribution;
  readonly buyer: BuyerContribution;
  /** The indexer's view of every input of both sides (value, script, spent, assets). */
  readonly prevouts: readonly OutputInfo[];
  readonly policy: VerifyPolicy;
}

/** What the verified transaction does for me, for the "what you sign" review. */
export interface SwapSummary {
  readonly role: SwapRole;
  readonly txid: string;
  readonly fee: bigint;
  readonly vsize: number;
  /** My BTC change in sats (seller: +price; buyer: −price − fee). */
  readonly btcDelta: bigint;
  /** My change in the traded asset (seller: −amount; buyer: +amount). */
  readonly assetDelta: bigint;
  readonly runestone: Runestone;
  readonly protostone?: Protostone;
  /** Indexes of my inputs, the ones my wallet will be asked to sign. */
  readonly myInputs: readonly number[];
}

export interface VerifyFailure {
  readonly ok: false;
  readonly code: VerifyCode;
  readonly message: string;
  readonly input?: number;
  readonly output?: number;
  /** A finer code when there is one (a cenotaph flaw, a signature failure, a build failure). */
  readonly detail?: string;
}

export type VerifyResult = { readonly ok: true; readonly summary: SwapSummary; readonly built: BuiltSwap } | VerifyFailure;

interface Where {
  input?: number;
  output?: number;
  detail?: string;
}
const fail = (code: VerifyCode, message: string, where: Where = {}): VerifyFailure => ({ ok: false, code, message, ...where });

const fmtSats = (n: bigint): string => `${n} sats`;

/** Verifies `psbt` for `ctx.role`. Never throws for bad input: every problem is a `VerifyFailure`. */
export function verifySwapPsbt(psbt: Uint8Array, ctx: VerifyContext): VerifyResult {
  try {
    return verify(psbt, ctx);
  } catch (e) {
    // Defensive: a library throw on hostile bytes is a refusal, never an exception for the caller.
    return fail('PSBT_INVALID', `could not read the PSBT: ${(e as Error).message}`);
  }
}

function verify(psbt: Uint8Array, ctx: VerifyContext): VerifyResult {
  const { terms, role, seller, buyer, policy } = ctx;
  const bad = checkSwap(terms, seller, buyer);
  if (bad) return fail('TERMS_INVALID', bad.message);
  const built = buildSwapPsbt(terms, seller, buyer);
  if (!built.ok) return fail('BUILD_FAILED', built.message, { detail: built.code });

  // ---- A. shape ----
  let tx: Transaction;
  try {
    tx = Transaction.fromPSBT(psbt, PARSE_TX_OPTS);
  } catch (e) {
    return fail('PSBT_INVALID', `not a readable PSBT: ${(e as Error).message}`);
  }
  if (tx.version !== SWAP_TX_VERSION) return fail('TX_VERSION', `transaction version is ${tx.version}, agreed ${SWAP_TX_VERSION}`);
  if (tx.lockTime !== SWAP_LOCKTIME) return fail('TX_LOCKTIME', `locktime is ${tx.lockTime}, agreed ${SWAP_LOCKTIME}`);

  // ---- B. inputs ----
  const agreed: SwapInput[] = [...seller.inputs, ...buyer.inputs];
  const mine = role === 'seller' ? seller : buyer;
  const myKeys = new Set(mine.inputs.map((i) => outpointKey(i.txid, i.vout)));
  const agreedKeys = new Map(agreed.map((i, n) => [outpointKey(i.txid, i.vout), n] as const));
  const myScripts = new Set([...(policy.myScripts ?? []), ...mine.inputs.map((i) => i.scriptPubKey)].map((s) => s.toLowerCase()));
  const indexed = new Map(ctx.prevouts.map((o) => [o.outpoint.toLowerCase(), o] as const));

  const seen = new Set<string>();
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    const key = outpointKey(toHex(input.txid!), input.index!);
    if (seen.has(key)) return fail('INPUT_DUPLICATE', `input ${i} spends ${key} a second time`, { input: i });
    seen.add(key);
    if (!agreedKeys.has(key)) {
      const script = input.witnessUtxo ? toHex(input.witnessUtxo.script) : indexed.get(key)?.scriptPubKey;
      if (script !== undefined && myScripts.has(script.toLowerCase())) {
        return fail('INPUT_MINE_NOT_AGREED', `input ${i} spends my output ${key}, which I did not agree to spend`, { input: i });
      }
      return fail('INPUT_UNKNOWN', `input ${i} spends ${key}, which neither side contributed`, { input: i });
    }
  }
  for (const [key] of agreedKeys) {
    if (!seen.has(key)) return fail('INPUT_MISSING', `agreed input ${key} is not spent`);
    // The peer listing one of my outputs as its own would move my coins to it.
    const script = indexed.get(key)?.scriptPubKey;
    if (!myKeys.has(key) && script !== undefined && myScripts.has(script.toLowerCase())) {
      return fail('INPUT_MINE_NOT_AGREED', `the other side lists my output ${key} as its own input`, { input: agreedKeys.get(key)! });
    }
  }
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    const key = outpointKey(toHex(input.txid!), input.index!);
    if (agreedKeys.get(key) !== i) return fail('INPUT_ORDER', `input ${i} is ${key}; the agreed order is seller's then buyer's inputs`, { input: i });
    if ((input.sequence ?? 0xffff_ffff) !== SWAP_SEQUENCE) {
      return fail('INPUT_SEQUENCE', `input ${i} has sequence ${input.sequence}, agreed ${SWAP_SEQUENCE}`, { input: i });
    }
  }

  const prevouts: Prevout[] = [];
  const types: SpendableType[] = [];
  const minConf = policy.minConfirmations ?? 1;
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    const contributed = agreed[i]!;
    const key = outpointKey(contributed.txid, contributed.vout);
    const info = indexed.get(key);
    if (!info) return fail('PREVOUT_UNKNOWN', `the indexer knows nothing of input ${i} (${key})`, { input: i });
    const script = fromHex(info.scriptPubKey);
    if (info.value !== contributed.value || info.scriptPubKey.toLowerCase() !== contributed.scriptPubKey.toLowerCase()) {
      return fail(
        'PREVOUT_MISMATCH',
        `input ${i}: the contribution says ${fmtSats(contributed.value)}, the indexer ${fmtSats(info.value)} (or another script)`,
        { input: i },
      );
    }
    if (!input.witnessUtxo) return fail('PREVOUT_MISMATCH', `input ${i} has no witnessUtxo`, { input: i });
    if (input.witnessUtxo.amount !== info.value || !equalBytes(input.witnessUtxo.script, script)) {
      return fail(
        'PREVOUT_MISMATCH',
        `input ${i}: the PSBT claims ${fmtSats(input.witnessUtxo.amount)}, the indexer says ${fmtSats(info.value)} (or another script)`,
        { input: i },
      );
    }
    if (input.nonWitnessUtxo) {
      const prev = input.nonWitnessUtxo;
      const out = prev.outputs[input.index!];
      const prevId = rawTxid(prev);
      if (prevId !== contributed.txid.toLowerCase() || !out || out.amount !== info.value || !equalBytes(out.script, script)) {
        return fail('PREVOUT_MISMATCH', `input ${i}: nonWitnessUtxo is not the transaction that created ${key}`, { input: i });
      }
    }
    if (info.spent) return fail('INPUT_SPENT', `input ${i} (${key}) is already spent`, { input: i });
    if (info.confirmations < minConf) return fail('INPUT_UNCONFIRMED', `input ${i} has ${info.confirmations} confirmations, ${minConf} needed`, { input: i });
    if (info.inscriptions.length > 0) return fail('INPUT_INSCRIPTION', `input ${i} carries inscription ${info.inscriptions[0]}`, { input: i });
    const kind = scriptKind(script);
    if (kind !== 'p2wpkh' && kind !== 'p2tr')
      return fail('INPUT_TYPE_UNSUPPORTED', `input ${i} is ${kind}; only p2wpkh and p2tr key path are accepted`, { input: i });
    if (myKeys.has(key)) {
      const keyScript = inputKeyScript(contributed);
      if (!keyScript || !equalBytes(keyScript, script)) return fail('INPUT_TYPE_UNSUPPORTED', `input ${i} is not signable by my key`, { input: i });
      if (kind === 'p2tr') {
        const pub = fromHex(contributed.publicKey);
        const xonly = pub.length === 33 ? pub.subarray(1) : pub;
        if (!input.tapInternalKey || !equalBytes(input.tapInternalKey, xonly)) {
          return fail('INPUT_TAPROOT_KEY', `input ${i}: tapInternalKey is not my key`, { input: i });
        }
      }
    }
    if ((input.tapLeafScript?.length ?? 0) > 0 || input.tapMerkleRoot) {
      return fail('INPUT_TAPROOT_SCRIPT', `input ${i} carries a taproot script path`, { input: i });
    }
    if (input.sighashType !== undefined) {
      const allowed = input.sighashType === SIGHASH_ALL || (kind === 'p2tr' && input.sighashType === SIGHASH_DEFAULT);
      if (!allowed) return fail('SIGHASH_NOT_ALL', `input ${i} asks for sighash type 0x${input.sighashType.toString(16)}; only ALL is agreed`, { input: i });
    }
    prevouts.push({ script, amount: info.value });
    types.push(kind);
  }

  // ---- D. outputs and money ----
  const expected = built.outputs;
  if (tx.outputsLength !== expected.length) {
    return fail('OUTPUT_COUNT', `${tx.outputsLength} outputs, agreed ${expected.length}`);
  }
  const outputs = Array.from({ length: tx.outputsLength }, (_, i) => tx.getOutput(i));
  const scripts = outputs.map((o) => o.script ?? new Uint8Array());
  const opReturns = scripts.flatMap((s, i) => (isOpReturn(s) ? [i] : []));
  if (opReturns.length === 0) return fail('RUNESTONE_MISSING', 'no OP_RETURN output: the transfer has no runestone');
  if (opReturns.length > 1) return fail('OP_RETURN_COUNT', `${opReturns.length} OP_RETURN outputs; exactly one is agreed`, { output: opReturns[0]! });
  const opIndex = opReturns[0]!;
  if (opIndex !== built.opReturnIndex) return fail('OP_RETURN_POSITION', `the OP_RETURN is output ${opIndex}; agreed last`, { output: opIndex });
  if (scripts[opIndex]!.length > MAX_OP_RETURN_SCRIPT)
    return fail('OP_RETURN_TOO_LARGE', `OP_RETURN script is ${scripts[opIndex]!.length} bytes`, { output: opIndex });
  if ((outputs[opIndex]!.amount ?? 0n) !== 0n)
    return fail('OUTPUT_VALUE', `the OP_RETURN output burns ${fmtSats(outputs[opIndex]!.amount ?? 0n)}`, { output: opIndex });
  for (const [i, e] of expected.entries()) {
    if (e.role === 'op-return') continue;
    if (!equalBytes(scripts[i]!, e.script))
      return fail('OUTPUT_SCRIPT', `output ${i} (${e.role}) pays ${toHex(scripts[i]!)}, agreed ${toHex(e.script)}`, { output: i });
    const amount = outputs[i]!.amount ?? 0n;
    if (amount < dustThreshold(e.script)) return fail('OUTPUT_DUST', `output ${i} (${e.role}) is ${fmtSats(amount)}, below dust`, { output: i });
  }
  const inSum = prevouts.reduce((a, p) => a + p.amount, 0n);
  const outSum = outputs.reduce((a, o) => a + (o.amount ?? 0n), 0n);
  const fee = inSum - outSum;
  if (fee < 0n) return fail('FEE_NEGATIVE', `outputs exceed inputs by ${fmtSats(-fee)}`);
  const vsize = estimateVsize(tx.unsignedTx.length, types);
  const { min, max } = policy.feeRateBand;
  // Without buyer change, what would have been dust change goes to the fee as well (at most dust plus the
  // change output's own size at the top rate): the builder does this, so the band allows it.
  const noChangeSurplus = built.hasBuyerChange ? 0n : MAX_DUST + CHANGE_OUTPUT_VBYTES * max;
  if (fee < min * BigInt(vsize) || fee > max * BigInt(vsize) + noChangeSurplus) {
    return fail('FEE_RATE_OUT_OF_BAND', `fee ${fmtSats(fee)} for ~${vsize} vB is outside my band ${min}–${max} sat/vB`, { detail: `${fee}/${vsize}` });
  }
  for (const [i, e] of expected.entries()) {
    const amount = outputs[i]!.amount ?? 0n;
    if (amount !== e.amount) return fail('OUTPUT_VALUE', `output ${i} (${e.role}) is ${fmtSats(amount)}, agreed ${fmtSats(e.amount)}`, { output: i });
  }

  // ---- F. runestone / protostone ----
  const artifact = decipherRunestone(scripts);
  if (!artifact) return fail('RUNESTONE_MISSING', 'the OP_RETURN is not a runestone', { output: opIndex });
  if (artifact.kind === 'cenotaph') {
    return fail('RUNESTONE_CENOTAPH', `the runestone is a cenotaph (${artifact.flaw}): every rune in the inputs would be burned`, {
      output: opIndex,
      detail: artifact.flaw,
    });
  }
  const rs = artifact.runestone;
  if (rs.etching) return fail('RUNESTONE_ETCHING', 'the runestone etches a rune', { output: opIndex });
  if (rs.mint) return fail('RUNESTONE_MINT', 'the runestone mints', { output: opIndex });
  if (rs.pointer === undefined) return fail('RUNESTONE_POINTER_MISSING', 'no pointer: unallocated runes would go to output 0 (the buyer)', { output: opIndex });
  if (rs.pointer !== SELLER_ASSET_CHANGE_OUTPUT) {
    return fail('RUNESTONE_POINTER', `pointer is output ${rs.pointer}; agreed ${SELLER_ASSET_CHANGE_OUTPUT} (the seller's asset change)`, { output: opIndex });
  }
  const assetId = assetRuneId(terms.asset)!;
  const n = tx.outputsLength;
  const checkEdicts = (edicts: readonly Edict[], where: string): VerifyFailure | undefined => {
    if (edicts.length !== 1) return fail('EDICT_COUNT', `${where} has ${edicts.length} edicts; exactly one is agreed`, { output: opIndex });
    const e = edicts[0]!;
    if (!sameRuneId(e.id, assetId)) return fail('EDICT_ID', `${where} moves ${e.id.block}:${e.id.tx}, agreed ${terms.asset.id}`, { output: opIndex });
    if (e.amount === 0n) return fail('EDICT_AMOUNT', `${where} amount 0 means "everything left"; agreed ${terms.amount}`, { output: opIndex });
    if (e.amount !== terms.amount) return fail('EDICT_AMOUNT', `${where} moves ${e.amount}, agreed ${terms.amount}`, { output: opIndex });
    if (e.output === n) return fail('EDICT_OUTPUT', `${where} output ${n} splits among all outputs`, { output: opIndex });
    if (e.output < n && isOpReturn(scripts[e.output]!)) return fail('EDICT_OUTPUT', `${where} sends to the OP_RETURN (a burn)`, { output: opIndex });
    if (e.output !== BUYER_ASSET_OUTPUT)
      return fail('EDICT_OUTPUT', `${where} sends to output ${e.output}; agreed ${BUYER_ASSET_OUTPUT} (the buyer's asset output)`, { output: opIndex });
    return undefined;
  };
  const unknownTags = [...rs.otherFields.keys()].filter((t) => t !== Tag.Protocol);
  if (unknownTags.length > 0) return fail('RUNESTONE_UNKNOWN_FIELD', `the runestone carries field ${unknownTags[0]}`, { output: opIndex });
  let protostone: Protostone | undefined;
  if (terms.asset.kind === 'rune') {
    if (rs.otherFields.has(Tag.Protocol)) return fail('RUNESTONE_PROTOCOL_UNEXPECTED', 'a rune trade carries a protorune Protocol field', { output: opIndex });
    const bad = checkEdicts(rs.edicts, 'the runestone edict');
    if (bad) return bad;
  } else {
    if (rs.edicts.length > 0) return fail('EDICT_COUNT', `an alkane trade's runestone has ${rs.edicts.length} rune edicts`, { output: opIndex });
    const values = rs.otherFields.get(Tag.Protocol);
    if (!values) return fail('PROTOSTONE_MISSING', 'no protostone: the alkanes in the inputs would be stranded', { output: opIndex });
    const decoded = decodeProtostones(values);
    if (!decoded.ok) return fail('PROTOSTONE_MALFORMED', `the protostones do not decode (${decoded.error})`, { output: opIndex, detail: decoded.error });
    if (decoded.protostones.length !== 1)
      return fail('PROTOSTONE_COUNT', `${decoded.protostones.length} protostones; exactly one is agreed`, { output: opIndex });
    protostone = decoded.protostones[0]!;
    if (protostone.protocolTag !== ALKANES_PROTOCOL_TAG) {
      return fail('PROTOSTONE_MISSING', `the protostone is for protocol ${protostone.protocolTag}, not alkanes (1): the alkanes would be stranded`, {
        output: opIndex,
      });
    }
    if (protostone.otherFields.size > 0) {
      return fail('PROTOSTONE_FIELD', `the protostone carries field ${[...protostone.otherFields.keys()][0]} (message, burn or other)`, { output: opIndex });
    }
    if (protostone.pointer !== SELLER_ASSET_CHANGE_OUTPUT) {
      return fail('PROTOSTONE_POINTER', `protostone pointer is ${protostone.pointer ?? 'absent'}; agreed ${SELLER_ASSET_CHANGE_OUTPUT}`, { output: opIndex });
    }
    if (protostone.refund !== SELLER_ASSET_CHANGE_OUTPUT) {
      return fail('PROTOSTONE_REFUND', `protostone refund is ${protostone.refund ?? 'absent'}; agreed ${SELLER_ASSET_CHANGE_OUTPUT}`, { output: opIndex });
    }
    const bad = checkEdicts(protostone.edicts, 'the protostone edict');
    if (bad) return bad;
  }

  // ---- F3. simulate the transfer over every input's indexed balances ----
  const infos = agreed.map((c) => indexed.get(outpointKey(c.txid, c.vout))!);
  const toMap = (list: OutputInfo['runes']): Balances => {
    const m: Balances = new Map();
    for (const b of list) m.set(b.id, (m.get(b.id) ?? 0n) + b.amount);
    return m;
  };
  const runesIn = infos.map((o) => toMap(o.runes));
  const alkanesIn = infos.map((o) => toMap(o.alkanes));
  const sellerCount = seller.inputs.length;
  const tradedIn = terms.asset.kind === 'rune' ? runesIn : alkanesIn;
  const sellerHolds = tradedIn.slice(0, sellerCount).reduce((a, m) => a + (m.get(terms.asset.id) ?? 0n), 0n);
  if (sellerHolds < terms.amount) {
    return fail('ASSET_INSUFFICIENT', `the seller's inputs hold ${sellerHolds} of ${terms.asset.id}; the trade is ${terms.amount}`);
  }
  // Every seller input carries the asset: BTC-only inputs would have the buyer pay to consolidate the seller's coins.
  const bare = tradedIn.slice(0, sellerCount).findIndex((m) => (m.get(terms.asset.id) ?? 0n) <= 0n);
  if (bare >= 0) {
    return fail('INPUT_NO_ASSET', `the seller's input ${bare} holds none of ${terms.asset.id}; the buyer would pay its fee`, { input: bare });
  }
  // Fee fairness: the buyer pays the fee for every input, so the seller brings the fewest that hold the amount
  // (no input it could leave out) and nothing but the traded asset (no other rune or alkane to consolidate).
  const heldOf = (m: Balances): bigint => m.get(terms.asset.id) ?? 0n;
  const spare = tradedIn.slice(0, sellerCount).findIndex((m) => sellerHolds - heldOf(m) >= terms.amount);
  if (spare >= 0) {
    return fail('INPUT_NOT_NEEDED', `the seller's input ${spare} is not needed for ${terms.amount} of ${terms.asset.id}; the buyer would pay its fee`, {
      input: spare,
    });
  }
  for (let i = 0; i < sellerCount; i++) {
    const other = [...runesIn[i]!.keys()].map((id) => `rune ${id}`).concat([...alkanesIn[i]!.keys()].map((id) => `alkane ${id}`));
    const foreign = other.find((a) => a !== `${terms.asset.kind} ${terms.asset.id}`);
    if (foreign)
      return fail('INPUT_FOREIGN_ASSET', `the seller's input ${i} also carries ${foreign}; only ${terms.asset.id} may be on the seller's inputs`, { input: i });
  }
  const buyerOutputs = built.hasBuyerChange ? [BUYER_ASSET_OUTPUT, BUYER_CHANGE_OUTPUT] : [BUYER_ASSET_OUTPUT];
  const sellerOutputs = [SELLER_PAYMENT_OUTPUT, SELLER_ASSET_CHANGE_OUTPUT];
  const myDeltas = { rune: 0n, alkane: 0n };
  for (const kind of ['rune', 'alkane'] as const) {
    const inputs = kind === 'rune' ? runesIn : alkanesIn;
    const result = kind === 'rune' ? simulateRunes(artifact, inputs, scripts) : simulateAlkanes(artifact, inputs, scripts);
    if (result.unsupported) return fail('ASSET_UNSUPPORTED', `${kind} transfer: ${result.unsupported}`);
    for (const [id, amount] of result.stranded) return fail('ASSET_STRANDED', `${amount} of alkane ${id} would be stranded`, { detail: id });
    for (const [id, amount] of result.burned) return fail('ASSET_BURNED', `${amount} of ${kind} ${id} would be burned`, { detail: id });
    const ids = new Set<string>();
    for (const m of [...inputs, ...result.outputs]) for (const id of m.keys()) ids.add(id);
    for (const id of ids) {
      const got = (outs: number[]): bigint => outs.reduce((a, o) => a + (result.outputs[o]!.get(id) ?? 0n), 0n);
      const had = (from: number, to: number): bigint => inputs.slice(from, to).reduce((a, m) => a + (m.get(id) ?? 0n), 0n);
      const traded = kind === terms.asset.kind && id === terms.asset.id;
      const deltas = {
        seller: got(sellerOutputs) - had(0, sellerCount),
        buyer: got(buyerOutputs) - had(sellerCount, inputs.length),
      };
      const want = { seller: traded ? -terms.amount : 0n, buyer: traded ? terms.amount : 0n };
      for (const party of ['buyer', 'seller'] as const) {
        if (deltas[party] !== want[party]) {
          return fail('ASSET_DELTA', `the ${party} would change by ${deltas[party]} of ${kind} ${id}; agreed ${want[party]}`, { detail: `${kind}:${id}` });
        }
      }
      if (traded) myDeltas[kind] = deltas[role];
    }
  }

  // ---- E. signatures already present ----
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    if (!hasSignature(input)) continue;
    const check = checkPsbtInputSignature(tx, i, prevouts, input);
    if (!check.ok) {
      return fail(check.code === 'SIGHASH_NOT_ALL' ? 'SIGHASH_NOT_ALL' : 'SIGNATURE_INVALID', check.message, { input: i, detail: check.code });
    }
  }

  // ---- A2. the same transaction I build myself ----
  if (tx.id !== built.txid) return fail('TXID_MISMATCH', `txid ${tx.id} differs from my rebuild ${built.txid}`);

  const myOutputs = role === 'seller' ? sellerOutputs : buyerOutputs;
  const myIn = role === 'seller' ? built.sellerInputIndexes : built.buyerInputIndexes;
  const btcDelta = myOutputs.reduce((a, o) => a + (outputs[o]!.amount ?? 0n), 0n) - myIn.reduce((a, i) => a + prevouts[i]!.amount, 0n);
  return {
    ok: true,
    built,
    summary: {
      role,
      txid: tx.id,
      fee,
      vsize,
      btcDelta,
      assetDelta: myDeltas[terms.asset.kind],
      runestone: rs,
      ...(protostone ? { protostone } : {}),
      myInputs: myIn,
    },
  };
}

/** Txid (display hex) of a parsed nonWitnessUtxo: double sha256 of its witness-less serialization, reversed. */
function rawTxid(prev: NonNullable<ReturnType<Transaction['getInput']>['nonWitnessUtxo']>): string {
  const raw = RawTx.encode({ ...prev, segwitFlag: false, witnesses: undefined });
  return toHex(sha256(sha256(raw)).reverse());
}
