/**
 * The kit's own spend verifier (TRADING.md §8): neither @scure/btc-signer nor bitcoinjs-lib checks
 * signatures, so before a wallet's or a peer's signature is trusted, and before broadcast, every input is
 * checked here. Pure, no DOM.
 *
 * - P2WPKH: witness exactly [signature, pubkey]; compressed pubkey; hash160(pubkey) = the program; strict
 *   DER (BIP 66) with low S; hash type ALL; ECDSA over the BIP-143 sighash.
 * - P2TR key path: witness exactly one 64-byte signature (or 65 with hash type ALL); no annex; Schnorr
 *   (BIP 340) under the output key over the BIP-341 sighash.
 * - Both: empty scriptSig.
 * Sighash digests come from @scure/btc-signer's BIP-143/341 preimage code, checked in the tests against the
 * published BIP-143 and BIP-341 vectors.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Transaction } from '@scure/btc-signer';
import { concat, equalBytes } from './bytes.js';
import { scriptKind } from './network.js';

export const SIGHASH_DEFAULT = 0x00;
export const SIGHASH_ALL = 0x01;

/** A spent output: what the input's signature commits to. */
export interface Prevout {
  readonly script: Uint8Array;
  readonly amount: bigint;
}

export const SIGNATURE_FAILURES = [
  'SIGNATURE_MISSING',
  'WITNESS_MALFORMED',
  'SCRIPTSIG_NOT_EMPTY',
  'PUBKEY_MISMATCH',
  'SIGNATURE_ENCODING',
  'SIGHASH_NOT_ALL',
  'SIGNATURE_INVALID',
  'INPUT_TYPE_UNSUPPORTED',
] as const;
export type SignatureFailure = (typeof SIGNATURE_FAILURES)[number];

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly code: SignatureFailure; readonly message: string };

const fail = (code: SignatureFailure, message: string): SignatureCheck => ({ ok: false, code, message });
const OK: SignatureCheck = { ok: true };

export const hash160 = (data: Uint8Array): Uint8Array => ripemd160(sha256(data));

/** BIP 66 strict DER, on a signature that still ends with its hash-type byte (Bitcoin Core's rule). */
export function isStrictDer(sig: Uint8Array): boolean {
  if (sig.length < 9 || sig.length > 73) return false;
  if (sig[0] !== 0x30 || sig[1] !== sig.length - 3) return false;
  const lenR = sig[3]!;
  if (5 + lenR >= sig.length) return false;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 7 !== sig.length) return false;
  if (sig[2] !== 0x02 || lenR === 0 || sig[4]! & 0x80) return false;
  if (lenR > 1 && sig[4] === 0x00 && !(sig[5]! & 0x80)) return false;
  if (sig[lenR + 4] !== 0x02 || lenS === 0 || sig[lenR + 6]! & 0x80) return false;
  if (lenS > 1 && sig[lenR + 6] === 0x00 && !(sig[lenR + 7]! & 0x80)) return false;
  return true;
}

/** BIP-143 scriptCode of a P2WPKH program. */
const p2wpkhScriptCode = (program: Uint8Array): Uint8Array => concat(Uint8Array.of(0x76, 0xa9, 0x14), program, Uint8Array.of(0x88, 0xac));

/**
 * Checks one input's witness stack against its prevout (and every prevout, for taproot), on the unsigned
 * transaction `tx` (signatures do not change what is signed).
 */
export function checkWitness(
  tx: Transaction,
  index: number,
  prevouts: readonly Prevout[],
  witness: readonly Uint8Array[] | undefined,
  scriptSig?: Uint8Array,
): SignatureCheck {
  const prevout = prevouts[index];
  if (!prevout) return fail('WITNESS_MALFORMED', `input ${index}: no prevout`);
  if (!witness || witness.length === 0) return fail('SIGNATURE_MISSING', `input ${index} is not signed`);
  if (scriptSig && scriptSig.length > 0) return fail('SCRIPTSIG_NOT_EMPTY', `input ${index}: a native segwit spend has an empty scriptSig`);
  const kind = scriptKind(prevout.script);
  try {
    if (kind === 'p2wpkh') {
      if (witness.length !== 2) return fail('WITNESS_MALFORMED', `input ${index}: P2WPKH witness must be [signature, pubkey]`);
      const [sig, pubkey] = witness as [Uint8Array, Uint8Array];
      if (pubkey.length !== 33 || (pubkey[0] !== 2 && pubkey[0] !== 3)) return fail('PUBKEY_MISMATCH', `input ${index}: pubkey is not compressed`);
      const program = prevout.script.subarray(2);
      if (!equalBytes(hash160(pubkey), program)) return fail('PUBKEY_MISMATCH', `input ${index}: pubkey does not hash to the output's program`);
      if (!isStrictDer(sig)) return fail('SIGNATURE_ENCODING', `input ${index}: signature is not strict DER`);
      const hashType = sig[sig.length - 1]!;
      if (hashType !== SIGHASH_ALL) return fail('SIGHASH_NOT_ALL', `input ${index}: sighash type 0x${hashType.toString(16)} is not ALL`);
      const digest = tx.preimageWitnessV0(index, p2wpkhScriptCode(program), hashType, prevout.amount);
      const valid = secp256k1.verify(sig.subarray(0, -1), digest, pubkey, { prehash: false, format: 'der', lowS: true });
      return valid ? OK : fail('SIGNATURE_INVALID', `input ${index}: ECDSA signature does not verify`);
    }
    if (kind === 'p2tr') {
      if (witness.length !== 1) {
        const annex = witness.length >= 2 && witness[witness.length - 1]![0] === 0x50;
        return fail('WITNESS_MALFORMED', `input ${index}: ${annex ? 'an annex is not accepted' : 'only key-path spends are accepted'}`);
      }
      const sig = witness[0]!;
      let hashType = SIGHASH_DEFAULT;
      if (sig.length === 65) {
        hashType = sig[64]!;
        if (hashType === SIGHASH_DEFAULT) return fail('SIGNATURE_ENCODING', `input ${index}: a 65-byte signature cannot carry hash type 0`);
      } else if (sig.length !== 64) return fail('SIGNATURE_ENCODING', `input ${index}: Schnorr signature must be 64 or 65 bytes`);
      if (hashType !== SIGHASH_DEFAULT && hashType !== SIGHASH_ALL) {
        return fail('SIGHASH_NOT_ALL', `input ${index}: sighash type 0x${hashType.toString(16)} is not DEFAULT or ALL`);
      }
      const digest = tx.preimageWitnessV1(
        index,
        prevouts.map((p) => p.script),
        hashType,
        prevouts.map((p) => p.amount),
      );
      const valid = schnorr.verify(sig.subarray(0, 64), digest, prevout.script.subarray(2));
      return valid ? OK : fail('SIGNATURE_INVALID', `input ${index}: Schnorr signature does not verify`);
    }
  } catch (e) {
    return fail('SIGNATURE_INVALID', `input ${index}: ${(e as Error).message}`);
  }
  return fail('INPUT_TYPE_UNSUPPORTED', `input ${index}: ${kind} inputs are not supported`);
}

/** The PSBT fields a (not yet finalized) signature lives in. */
export interface PartialSignatures {
  readonly partialSig?: readonly (readonly [Uint8Array, Uint8Array])[] | undefined;
  readonly tapKeySig?: Uint8Array | undefined;
  readonly finalScriptWitness?: readonly Uint8Array[] | undefined;
  readonly finalScriptSig?: Uint8Array | undefined;
}

/** True when the PSBT input carries any signature (partial or final). */
export const hasSignature = (input: PartialSignatures): boolean =>
  (input.partialSig?.length ?? 0) > 0 || input.tapKeySig !== undefined || (input.finalScriptWitness?.length ?? 0) > 0;

/** The witness a PSBT input's signature would finalize to. */
export function witnessOf(input: PartialSignatures, prevout: Prevout): readonly Uint8Array[] | undefined {
  if (input.finalScriptWitness && input.finalScriptWitness.length > 0) return input.finalScriptWitness;
  const kind = scriptKind(prevout.script);
  if (kind === 'p2tr') return input.tapKeySig ? [input.tapKeySig] : undefined;
  if (kind === 'p2wpkh') {
    const sigs = input.partialSig ?? [];
    if (sigs.length === 0) return undefined;
    if (sigs.length > 1) return [];
    const [pubkey, sig] = sigs[0]!;
    return [sig, pubkey];
  }
  return undefined;
}

/** Checks the signature a PSBT input carries (partial or finalized). */
export function checkPsbtInputSignature(tx: Transaction, index: number, prevouts: readonly Prevout[], input: PartialSignatures): SignatureCheck {
  const prevout = prevouts[index];
  if (!prevout) return fail('WITNESS_MALFORMED', `input ${index}: no prevout`);
  const witness = witnessOf(input, prevout);
  if (witness && witness.length === 0) return fail('WITNESS_MALFORMED', `input ${index}: more than one partial signature`);
  return checkWitness(tx, index, prevouts, witness, input.finalScriptSig);
}
