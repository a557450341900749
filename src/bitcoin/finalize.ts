/**
 * The end of a swap: take the peer's signatures (only theirs, each checked), finalize, extract, and check
 * every input's signature of the final transaction against the real prevouts (TRADING.md §4 G). Pure.
 */
import { Transaction } from '@scure/btc-signer';
import { equalBytes, fromHex, toHex } from './bytes.js';
import { PARSE_TX_OPTS } from './psbt-build.js';
import { checkPsbtInputSignature, checkWitness, hasSignature, type Prevout, type SignatureFailure } from './signature.js';

/** Consensus limit on a transaction's weight (and policy's standard limit). */
export const MAX_STANDARD_WEIGHT = 400_000;

export type FinalizeCode = 'PSBT_INVALID' | 'TXID_MISMATCH' | 'WEIGHT_TOO_HIGH' | 'FINALIZE_FAILED' | SignatureFailure;

export interface FinalizeFailure {
  readonly ok: false;
  readonly code: FinalizeCode;
  readonly message: string;
  readonly input?: number;
}

const fail = (code: FinalizeCode, message: string, input?: number): FinalizeFailure =>
  input === undefined ? { ok: false, code, message } : { ok: false, code, message, input };

function parse(psbt: Uint8Array): Transaction | FinalizeFailure {
  try {
    return Transaction.fromPSBT(psbt, PARSE_TX_OPTS);
  } catch (e) {
    return fail('PSBT_INVALID', `not a readable PSBT: ${(e as Error).message}`);
  }
}

/**
 * Copies the peer's signatures for `peerInputs` from `peer` into `mine`, after checking that both PSBTs are
 * the same unsigned transaction and that each of those signatures verifies. Nothing else is taken from
 * the peer's PSBT.
 */
export function takePeerSignatures(
  mine: Uint8Array,
  peer: Uint8Array,
  peerInputs: readonly number[],
  prevouts: readonly Prevout[],
): { ok: true; psbt: Uint8Array } | FinalizeFailure {
  const a = parse(mine);
  if (!(a instanceof Transaction)) return a;
  const b = parse(peer);
  if (!(b instanceof Transaction)) return b;
  if (!equalBytes(a.unsignedTx, b.unsignedTx)) return fail('TXID_MISMATCH', `peer's transaction ${b.id} is not mine ${a.id}`);
  for (const i of peerInputs) {
    const input = b.getInput(i);
    const check = checkPsbtInputSignature(b, i, prevouts, input);
    if (!check.ok) return fail(check.code, `peer's signature: ${check.message}`, i);
    a.updateInput(
      i,
      {
        ...(input.partialSig ? { partialSig: input.partialSig } : {}),
        ...(input.tapKeySig ? { tapKeySig: input.tapKeySig } : {}),
        ...(input.finalScriptWitness ? { finalScriptWitness: input.finalScriptWitness } : {}),
      },
      true,
    );
  }
  return { ok: true, psbt: a.toPSBT(0) };
}

/** Checks every input signature of a raw transaction against its prevouts (one per input, in order). */
export function verifyTransactionSignatures(raw: Uint8Array, prevouts: readonly Prevout[]): { ok: true } | FinalizeFailure {
  let tx: Transaction;
  try {
    tx = Transaction.fromRaw(raw, PARSE_TX_OPTS);
  } catch (e) {
    return fail('PSBT_INVALID', `not a readable transaction: ${(e as Error).message}`);
  }
  if (prevouts.length !== tx.inputsLength) return fail('SIGNATURE_MISSING', `${tx.inputsLength} inputs but ${prevouts.length} prevouts`);
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    const check = checkWitness(tx, i, prevouts, input.finalScriptWitness, input.finalScriptSig);
    if (!check.ok) return fail(check.code, check.message, i);
  }
  return { ok: true };
}

export interface FinalizedSwap {
  readonly ok: true;
  readonly txid: string;
  readonly txHex: string;
  readonly weight: number;
  readonly vsize: number;
}

/**
 * Checks every input's signature, finalizes the inputs that are not final yet, extracts the transaction,
 * re-parses it and checks every signature again, its weight, and (when given) that its txid is the agreed one.
 */
export function finalizeSwap(psbt: Uint8Array, prevouts: readonly Prevout[], expectedTxid?: string): FinalizedSwap | FinalizeFailure {
  const tx = parse(psbt);
  if (!(tx instanceof Transaction)) return tx;
  if (expectedTxid !== undefined && tx.id !== expectedTxid) return fail('TXID_MISMATCH', `transaction ${tx.id} is not the agreed ${expectedTxid}`);
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    if (!hasSignature(input)) return fail('SIGNATURE_MISSING', `input ${i} is not signed`, i);
    const check = checkPsbtInputSignature(tx, i, prevouts, input);
    if (!check.ok) return fail(check.code, check.message, i);
  }
  let raw: Uint8Array;
  try {
    for (let i = 0; i < tx.inputsLength; i++) if (!tx.getInput(i).finalScriptWitness) tx.finalizeIdx(i);
    raw = tx.extract();
  } catch (e) {
    return fail('FINALIZE_FAILED', (e as Error).message);
  }
  const again = verifyTransactionSignatures(raw, prevouts);
  if (!again.ok) return again;
  const final = Transaction.fromRaw(raw, PARSE_TX_OPTS);
  if (final.weight > MAX_STANDARD_WEIGHT) return fail('WEIGHT_TOO_HIGH', `weight ${final.weight} exceeds ${MAX_STANDARD_WEIGHT}`);
  if (expectedTxid !== undefined && final.id !== expectedTxid) return fail('TXID_MISMATCH', `extracted ${final.id}, agreed ${expectedTxid}`);
  return { ok: true, txid: final.id, txHex: toHex(raw), weight: final.weight, vsize: final.vsize };
}

/** Prevouts (script + amount) from indexer-style hex data, in input order. */
export const prevoutsFrom = (list: readonly { scriptPubKey: string; value: bigint }[]): Prevout[] =>
  list.map((o) => ({ script: fromHex(o.scriptPubKey), amount: o.value }));
