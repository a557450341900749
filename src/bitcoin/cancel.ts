/**
 * Cancel on chain: once my signature on a swap has left, the counterparty holds a transaction it may publish
 * whenever the price suits it (a free option). The way out is to spend my own swap inputs back to my own
 * address first, at a higher fee, so a late broadcast of the swap is refused (or, in a mempool that takes
 * replace-by-fee, replaced).
 *
 * Layout: my swap inputs in the swap's order (nSequence 0xfffffffd, version 2, locktime 0); output 0 pays all
 * of it, minus the fee, to my own address; when the inputs carry runes or alkanes, a last OP_RETURN output
 * holds a runestone with `pointer 0` (alkanes: plus one tag-1 protostone with `pointer 0, refund 0`), so every
 * asset comes back to output 0. Fee: at least `feeRate × vsize`, and more than `replaceFee` (the swap's own
 * fee) plus 1 sat/vB of this transaction's size (BIP125 rules 3–4).
 *
 * Like every PSBT the kit hands a wallet, it is verified first (`verifyCancelPsbt`): the inputs are exactly
 * mine, each confirmed by the indexer (value and script), not spent in a block; the only paying output is my
 * own script; the fee is within what was planned; the assets all come back (simulated, nothing burned or
 * stranded); and the txid is my own rebuild.
 */
import { Transaction } from '@scure/btc-signer';
import { equalBytes, fromHex, outpointKey, toHex } from './bytes.js';
import { addressToScript, dustThreshold, scriptKind, type BitcoinNetwork } from './network.js';
import { ALKANES_PROTOCOL_TAG, encodeProtostones } from './protostone.js';
import { estimateVsize, PARSE_TX_OPTS, SWAP_TX_OPTS } from './psbt-build.js';
import { decipherRunestone, encodeRunestone, isOpReturn, type RunestoneSpec } from './runestone.js';
import { simulateAlkanes, simulateRunes, type Balances } from './simulate.js';
import { SWAP_SEQUENCE, type SwapInput } from './terms.js';
import { finalizeSwap, prevoutsFrom } from './finalize.js';
import { checkWalletResult, onlySignatures, signRequest } from './verify-then-sign.js';
import type { OutputInfo, SignInputRequest, WalletAdapter } from './wallet.js';

/** BIP125: a replacement pays at least this much more per vbyte of its own size. */
export const INCREMENTAL_FEE_RATE = 1n;

export interface CancelPlan {
  readonly network: BitcoinNetwork;
  /** My inputs of the swap, in the swap's order. */
  readonly inputs: readonly SwapInput[];
  /** My address that receives everything. */
  readonly destination: string;
  /** sat/vB at least (the swap's rate plus a margin). */
  readonly feeRate: bigint;
  /** The fee of the transaction to replace (the swap's); 0 when there is none. */
  readonly replaceFee: bigint;
  /** Which assets the inputs carry, per the indexer: decides the runestone. */
  readonly carries: { readonly runes: boolean; readonly alkanes: boolean };
}

export interface BuiltCancel {
  readonly ok: true;
  readonly psbt: Uint8Array;
  readonly txid: string;
  readonly fee: bigint;
  readonly vsize: number;
  /** Sats that come back to my address. */
  readonly value: bigint;
}

export type CancelCode =
  | 'CANCEL_NO_INPUTS'
  | 'CANCEL_DESTINATION'
  | 'CANCEL_TOO_SMALL'
  | 'CANCEL_PSBT_INVALID'
  | 'CANCEL_INPUTS'
  | 'CANCEL_PREVOUT'
  | 'CANCEL_CONFIRMED_SPEND'
  | 'CANCEL_OUTPUTS'
  | 'CANCEL_FEE'
  | 'CANCEL_ASSETS'
  | 'CANCEL_TXID';

export interface CancelFailure {
  readonly ok: false;
  readonly code: CancelCode;
  readonly message: string;
}

const fail = (code: CancelCode, message: string): CancelFailure => ({ ok: false, code, message });

function cancelRunestone(carries: CancelPlan['carries']): RunestoneSpec | undefined {
  if (!carries.runes && !carries.alkanes) return undefined;
  if (!carries.alkanes) return { pointer: 0, edicts: [] };
  return { pointer: 0, protocol: encodeProtostones([{ protocolTag: ALKANES_PROTOCOL_TAG, pointer: 0, refund: 0, edicts: [] }]) };
}

function assemble(plan: CancelPlan, value: bigint): Transaction {
  const tx = new Transaction(SWAP_TX_OPTS);
  for (const input of plan.inputs) {
    const key = fromHex(input.publicKey);
    tx.addInput({
      txid: fromHex(input.txid),
      index: input.vout,
      sequence: SWAP_SEQUENCE,
      witnessUtxo: { script: fromHex(input.scriptPubKey), amount: input.value },
      ...(input.addressType === 'p2tr' ? { tapInternalKey: key.length === 33 ? key.subarray(1) : key } : {}),
    });
  }
  tx.addOutput({ script: addressToScript(plan.destination, plan.network)!, amount: value });
  const stone = cancelRunestone(plan.carries);
  if (stone) tx.addOutput({ script: encodeRunestone(stone), amount: 0n });
  return tx;
}

/** Builds the unsigned cancel PSBT, deterministically from the plan. */
export function buildCancelPsbt(plan: CancelPlan): BuiltCancel | CancelFailure {
  if (plan.inputs.length === 0) return fail('CANCEL_NO_INPUTS', 'no inputs of mine to take back');
  const script = addressToScript(plan.destination, plan.network);
  if (!script) return fail('CANCEL_DESTINATION', `${plan.destination} is not a ${plan.network} address`);
  const total = plan.inputs.reduce((a, i) => a + i.value, 0n);
  const vsize = estimateVsize(
    assemble(plan, 0n).unsignedTx.length,
    plan.inputs.map((i) => i.addressType),
  );
  const byRate = plan.feeRate * BigInt(vsize);
  const toReplace = plan.replaceFee > 0n ? plan.replaceFee + INCREMENTAL_FEE_RATE * BigInt(vsize) + 1n : 0n;
  const fee = byRate > toReplace ? byRate : toReplace;
  const value = total - fee;
  if (value < dustThreshold(script)) return fail('CANCEL_TOO_SMALL', `my inputs hold ${total} sats: too little to pay a ${fee}-sat fee and keep an output`);
  const tx = assemble(plan, value);
  return { ok: true, psbt: tx.toPSBT(0), txid: tx.id, fee, vsize, value };
}

export interface CancelContext {
  readonly plan: CancelPlan;
  /** The indexer's view of every input. */
  readonly prevouts: readonly OutputInfo[];
  /** Inputs spent by a transaction that is already in a block (nothing left to cancel), if any. */
  readonly confirmedSpends: ReadonlySet<string>;
  /** Hex scripts of my wallet: the destination must be one of them. */
  readonly myScripts: readonly string[];
}

/** Verifies a cancel PSBT before the wallet signs it. Never throws for bad bytes. */
export function verifyCancelPsbt(psbt: Uint8Array, ctx: CancelContext): { ok: true; built: BuiltCancel } | CancelFailure {
  const built = buildCancelPsbt(ctx.plan);
  if (!built.ok) return built;
  let tx: Transaction;
  try {
    tx = Transaction.fromPSBT(psbt, PARSE_TX_OPTS);
  } catch (e) {
    return fail('CANCEL_PSBT_INVALID', `not a readable PSBT: ${(e as Error).message}`);
  }
  const { plan } = ctx;
  if (tx.inputsLength !== plan.inputs.length) return fail('CANCEL_INPUTS', `${tx.inputsLength} inputs, I have ${plan.inputs.length} to take back`);
  const indexed = new Map(ctx.prevouts.map((o) => [o.outpoint.toLowerCase(), o] as const));
  const runesIn: Balances[] = [];
  const alkanesIn: Balances[] = [];
  const toMap = (list: OutputInfo['runes']): Balances => new Map(list.map((b) => [b.id, b.amount] as const));
  for (const [i, mine] of plan.inputs.entries()) {
    const input = tx.getInput(i);
    const key = outpointKey(mine.txid, mine.vout);
    if (outpointKey(toHex(input.txid!), input.index!) !== key) return fail('CANCEL_INPUTS', `input ${i} is not my ${key}`);
    const info = indexed.get(key);
    if (!info) return fail('CANCEL_PREVOUT', `the indexer knows nothing of ${key}`);
    if (info.value !== mine.value || info.scriptPubKey.toLowerCase() !== mine.scriptPubKey.toLowerCase()) {
      return fail('CANCEL_PREVOUT', `${key}: the indexer says ${info.value} sats (or another script)`);
    }
    if (!input.witnessUtxo || input.witnessUtxo.amount !== info.value || !equalBytes(input.witnessUtxo.script, fromHex(info.scriptPubKey))) {
      return fail('CANCEL_PREVOUT', `input ${i}: witnessUtxo differs from the indexer`);
    }
    if (ctx.confirmedSpends.has(key)) return fail('CANCEL_CONFIRMED_SPEND', `${key} is already spent in a block: there is nothing to cancel`);
    const kind = scriptKind(fromHex(info.scriptPubKey));
    if (kind !== 'p2wpkh' && kind !== 'p2tr') return fail('CANCEL_INPUTS', `input ${i} is ${kind}`);
    runesIn.push(toMap(info.runes));
    alkanesIn.push(toMap(info.alkanes));
  }
  const scripts = Array.from({ length: tx.outputsLength }, (_, i) => tx.getOutput(i).script ?? new Uint8Array());
  const destination = toHex(scripts[0] ?? new Uint8Array());
  if (!ctx.myScripts.map((s) => s.toLowerCase()).includes(destination)) return fail('CANCEL_OUTPUTS', 'output 0 does not pay my own address');
  if (scripts.slice(1).some((s) => !isOpReturn(s))) return fail('CANCEL_OUTPUTS', 'the cancel pays an output that is not mine');
  const inSum = plan.inputs.reduce((a, i) => a + i.value, 0n);
  const outSum = Array.from({ length: tx.outputsLength }, (_, i) => tx.getOutput(i).amount ?? 0n).reduce((a, b) => a + b, 0n);
  if (inSum - outSum !== built.fee) return fail('CANCEL_FEE', `fee ${inSum - outSum} sats, planned ${built.fee}`);
  const artifact = decipherRunestone(scripts);
  for (const [kind, result] of [
    ['rune', simulateRunes(artifact, runesIn, scripts)],
    ['alkane', simulateAlkanes(artifact, alkanesIn, scripts)],
  ] as const) {
    const lost = [...result.burned, ...result.stranded];
    if (result.unsupported || lost.length)
      return fail('CANCEL_ASSETS', `${kind}s would not all come back: ${result.unsupported ?? lost.map(([id, n]) => `${n} of ${id}`).join(', ')}`);
    for (let o = 1; o < result.outputs.length; o++) if (result.outputs[o]!.size) return fail('CANCEL_ASSETS', `${kind}s would go to output ${o}`);
  }
  if (tx.id !== built.txid) return fail('CANCEL_TXID', `txid ${tx.id} differs from my rebuild ${built.txid}`);
  return { ok: true, built };
}

export interface SignedCancel {
  readonly ok: true;
  readonly txid: string;
  readonly txHex: string;
  readonly fee: bigint;
  readonly value: bigint;
}

export interface CancelSignFailure {
  readonly ok: false;
  readonly stage: 'verify' | 'wallet' | 'wallet-result' | 'finalize';
  readonly code: string;
  readonly message: string;
}

/**
 * Build, verify, then (only then) ask the wallet to sign every input of the cancel; check what it returns
 * (the same transaction, every input signed with ALL/DEFAULT) and finalize. Broadcasting is the caller's.
 */
export async function cancelThenSign(wallet: WalletAdapter, ctx: CancelContext): Promise<SignedCancel | CancelSignFailure> {
  const built = buildCancelPsbt(ctx.plan);
  if (!built.ok) return { ok: false, stage: 'verify', code: built.code, message: built.message };
  const checked = verifyCancelPsbt(built.psbt, ctx);
  if (!checked.ok) return { ok: false, stage: 'verify', code: checked.code, message: checked.message };
  const requests: SignInputRequest[] = ctx.plan.inputs.map((input, index) => signRequest(input, index, ctx.plan.network));
  let returned: Uint8Array;
  try {
    returned = await wallet.signPsbt(built.psbt, { inputs: requests, finalize: false });
  } catch (e) {
    return { ok: false, stage: 'wallet', code: 'WALLET_REJECTED', message: (e as Error).message };
  }
  const prevouts = prevoutsFrom(ctx.plan.inputs);
  const result = checkWalletResult(
    built.psbt,
    returned,
    requests.map((r) => r.index),
    prevouts,
  );
  if (!result.ok) return { ok: false, stage: 'wallet-result', code: result.code, message: result.message };
  const final = finalizeSwap(
    onlySignatures(
      built.psbt,
      result.signed,
      requests.map((r) => r.index),
    ),
    prevouts,
    built.txid,
  );
  if (!final.ok) return { ok: false, stage: 'finalize', code: final.code, message: final.message };
  return { ok: true, txid: final.txid, txHex: final.txHex, fee: built.fee, value: built.value };
}
