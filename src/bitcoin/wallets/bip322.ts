/**
 * BIP-322 "simple" message signatures, verified for P2WPKH and P2TR key-path addresses, and the kit's identity
 * binding: a statement, signed by a wallet address, that a DarkSwap identity key trades from that address
 * (issue 19 item 4). Pure; @scure/btc-signer and noble through the kit's signature checks.
 *
 * BIP-322: `to_spend` (version 0, one input spending 000…000:0xFFFFFFFF with scriptSig `OP_0 PUSH32
 * tagged_hash("BIP0322-signed-message", message)`, one 0-value output paying the address) and `to_sign`
 * (version 0, spending `to_spend:0` with sequence 0, one 0-value OP_RETURN output); the "simple" signature is
 * `to_sign`'s input witness, serialized and base64-encoded. It verifies when that witness is a valid spend of
 * the address's output: here, with SIGHASH ALL (P2WPKH) or DEFAULT/ALL (P2TR), strict DER and low S.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Transaction } from '@scure/btc-signer';
import { fromBase64 } from '../../core/bytes.js';
import { concat, toHex } from '../bytes.js';
import { addressToScript, scriptKind } from '../network.js';
import { checkWitness, type SignatureCheck } from '../signature.js';
import type { WalletAdapter } from '../wallet.js';
import type { BitcoinNetwork } from '../wire.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** BIP-340 tagged hash `BIP0322-signed-message` of the message (UTF-8). */
export function bip322MessageHash(message: string | Uint8Array): Uint8Array {
  const tag = sha256(utf8('BIP0322-signed-message'));
  return sha256(concat(tag, tag, typeof message === 'string' ? utf8(message) : message));
}

const le32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);

function compactSize(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n);
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >>> 8);
  return concat(Uint8Array.of(0xfe), le32(n));
}

/** The txid of `to_spend` for this output script and message, in display (big-endian) order. */
export function bip322ToSpendTxid(script: Uint8Array, message: string | Uint8Array): Uint8Array {
  const raw = concat(
    le32(0), // version
    Uint8Array.of(1), // one input
    new Uint8Array(32),
    le32(0xffffffff),
    Uint8Array.of(34, 0x00, 0x20),
    bip322MessageHash(message),
    le32(0), // sequence
    Uint8Array.of(1), // one output
    new Uint8Array(8), // value 0
    compactSize(script.length),
    script,
    le32(0), // lock time
  );
  return sha256(sha256(raw)).reverse();
}

/** The unsigned `to_sign` transaction of BIP-322 for this output script and message. */
export function bip322ToSign(script: Uint8Array, message: string | Uint8Array): Transaction {
  const tx = new Transaction({ version: 0, lockTime: 0, allowUnknownOutputs: true, allowUnknownVersion: true, disableScriptCheck: true });
  tx.addInput({ txid: bip322ToSpendTxid(script, message), index: 0, sequence: 0, witnessUtxo: { script, amount: 0n } });
  tx.addOutput({ script: Uint8Array.of(0x6a), amount: 0n });
  return tx;
}

/** A serialized witness stack (count, then each item with its length), or undefined when it is not exactly that. */
export function decodeWitness(bytes: Uint8Array): Uint8Array[] | undefined {
  let at = 0;
  const size = (): number | undefined => {
    const b = bytes[at++];
    if (b === undefined) return undefined;
    if (b < 0xfd) return b;
    if (b === 0xfd && at + 2 <= bytes.length) {
      const n = bytes[at]! | (bytes[at + 1]! << 8);
      at += 2;
      return n;
    }
    return undefined; // larger items have no place in a single-key signature
  };
  const count = size();
  if (count === undefined || count > 4) return undefined;
  const items: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const n = size();
    if (n === undefined || at + n > bytes.length) return undefined;
    items.push(bytes.slice(at, at + n));
    at += n;
  }
  return at === bytes.length ? items : undefined;
}

/** Serializes a witness stack (the "simple" signature's bytes). */
export function encodeWitness(items: readonly Uint8Array[]): Uint8Array {
  return concat(compactSize(items.length), ...items.flatMap((i) => [compactSize(i.length), i]));
}

/** Verifies a BIP-322 simple signature (base64) by a P2WPKH or P2TR (key path) address of `network`. */
export function verifyBip322Simple(address: string, message: string | Uint8Array, signature: string, network: BitcoinNetwork): SignatureCheck {
  const script = addressToScript(address, network);
  if (!script) return { ok: false, code: 'INPUT_TYPE_UNSUPPORTED', message: `${address} is not a ${network} address` };
  const kind = scriptKind(script);
  if (kind !== 'p2wpkh' && kind !== 'p2tr')
    return { ok: false, code: 'INPUT_TYPE_UNSUPPORTED', message: `${kind} addresses are not supported (P2WPKH and P2TR only)` };
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(signature);
  } catch {
    return { ok: false, code: 'SIGNATURE_ENCODING', message: 'the signature is not base64' };
  }
  const witness = decodeWitness(bytes);
  if (!witness) return { ok: false, code: 'WITNESS_MALFORMED', message: 'the signature is not a serialized witness' };
  return checkWitness(bip322ToSign(script, message), 0, [{ script, amount: 0n }], witness);
}

// ---- identity binding --------------------------------------------------------------------------------------

/** What the wallet signs: domain-tagged, naming the identity key, the address, the network and what it is for. */
export interface IdentityBinding {
  readonly v: 1;
  /** The DarkSwap identity public key (Ed25519, 64 hex) the statement binds. */
  readonly identity: string;
  readonly address: string;
  readonly network: BitcoinNetwork;
  /** ISO 8601 time of signing. */
  readonly issued: string;
  /** BIP-322 simple signature of `identityBindingMessage(…)` by `address`, base64. */
  readonly signature: string;
}

/** The exact text a wallet signs for a binding (also what it shows the user). */
export function identityBindingMessage(b: Pick<IdentityBinding, 'identity' | 'address' | 'network' | 'issued'>): string {
  return [
    'darkswap/identity-binding/v1',
    'I control this Bitcoin address and trade on DarkSwap with this identity key.',
    'Peers may show my identity as controlling this address. This signature moves no funds.',
    `identity: ${b.identity}`,
    `address: ${b.address}`,
    `network: ${b.network}`,
    `issued: ${b.issued}`,
  ].join('\n');
}

/** Why a binding was refused: its shape, the key it binds, its network, its time, or its signature. */
export type BindingRejectCode = 'malformed' | 'identity' | 'network' | 'future' | 'stale' | 'signature';

export type BindingCheck = { readonly ok: true; readonly address: string } | { readonly ok: false; readonly code: BindingRejectCode; readonly reason: string };

/**
 * Checks a binding a peer sent: for the identity key the link authenticated, on this network, not issued in
 * the future (5 minutes of clock skew) nor older than `maxAgeMs`, signed by its address (BIP-322 simple).
 */
export function verifyIdentityBinding(binding: unknown, expect: { identity: string; network: BitcoinNetwork; now?: number; maxAgeMs?: number }): BindingCheck {
  const b = binding as Partial<IdentityBinding> | null;
  if (!b || typeof b !== 'object' || b.v !== 1) return { ok: false, code: 'malformed', reason: 'not an identity binding' };
  for (const k of ['identity', 'address', 'network', 'issued', 'signature'] as const) {
    if (typeof b[k] !== 'string' || b[k]!.length > 1000) return { ok: false, code: 'malformed', reason: `${k} missing` };
  }
  if (b.identity!.toLowerCase() !== expect.identity.toLowerCase()) return { ok: false, code: 'identity', reason: 'it binds another identity key' };
  if (b.network !== expect.network) return { ok: false, code: 'network', reason: `it is for ${b.network}, not ${expect.network}` };
  const issued = Date.parse(b.issued!);
  const now = expect.now ?? Date.now();
  if (!Number.isFinite(issued) || new Date(issued).toISOString() !== b.issued) return { ok: false, code: 'malformed', reason: 'issued is not an ISO time' };
  if (issued > now + 5 * 60_000) return { ok: false, code: 'future', reason: 'issued in the future' };
  if (expect.maxAgeMs !== undefined && now - issued > expect.maxAgeMs) return { ok: false, code: 'stale', reason: 'too old' };
  const check = verifyBip322Simple(b.address!, identityBindingMessage(b as IdentityBinding), b.signature!, expect.network);
  return check.ok ? { ok: true, address: b.address! } : { ok: false, code: 'signature', reason: `signature: ${check.message}` };
}

/** Hex of a message hash (tests, display). */
export const bip322MessageHashHex = (message: string): string => toHex(bip322MessageHash(message));

/**
 * Asks `wallet` to sign the binding of `identity` to `address` (the wallet shows the statement) and returns it,
 * checked. The wallet must offer `signMessage` (BIP-322).
 */
export async function bindIdentity(wallet: WalletAdapter, o: { identity: string; address: string; now?: number }): Promise<IdentityBinding> {
  if (!wallet.signMessage) throw new Error(`${wallet.id} cannot sign messages`);
  const fields = { identity: o.identity.toLowerCase(), address: o.address, network: wallet.network, issued: new Date(o.now ?? Date.now()).toISOString() };
  const signature = await wallet.signMessage(identityBindingMessage(fields), o.address);
  const binding: IdentityBinding = { v: 1, ...fields, signature };
  const check = verifyIdentityBinding(binding, { identity: fields.identity, network: wallet.network, now: o.now ?? Date.now() });
  if (!check.ok) throw new Error(`the wallet's binding does not verify: ${check.reason}`);
  return binding;
}
