/**
 * What every browser-wallet adapter shares: reading a wallet's accounts into the kit's `WalletAccount` (the
 * public key must match the address), network checks, the signing request checked against the connected
 * accounts, and the wallet's answer checked with the kit's own rule (`checkWalletResult`: same transaction,
 * exactly the requested inputs signed, each signature valid with ALL/DEFAULT). Part of the adapters' lazy chunks.
 */
import * as v from 'valibot';
import { p2pkh, p2sh, p2tr, p2wpkh, Transaction } from '@scure/btc-signer';
import { equalBytes, fromHex, toHex } from '../bytes.js';
import { fromBase64 } from '../../core/bytes.js';
import { addressToScript, networkParams, scriptKind } from '../network.js';
import { PARSE_TX_OPTS } from '../psbt-build.js';
import type { Prevout } from '../signature.js';
import { checkWalletResult } from '../verify-then-sign.js';
import { verifyBip322Simple } from './bip322.js';
import type { AccountAddressType, SignPsbtRequest, WalletAccount } from '../wallet.js';
import type { BitcoinNetwork } from '../wire.js';
import { WalletError, walletErrorText, type WalletErrorCode } from './wallet-error.js';

export const DEFAULT_WALLET_TIMEOUT_MS = 120_000;

/** Who is talking: the adapter's id and display name, for errors. */
export interface WalletLabel {
  readonly id: string;
  readonly name: string;
}

export function walletError(
  w: WalletLabel,
  code: WalletErrorCode,
  detail = '',
  extra: { check?: string; walletCode?: number | string; cause?: unknown } = {},
): WalletError {
  return new WalletError(w.id, code, walletErrorText(code, w.name, detail), extra);
}

/** The network an address belongs to, as far as its prefix tells (`testnet` covers testnet3/4 and signet). */
export function addressNetwork(address: string): 'mainnet' | 'testnet' | 'regtest' | undefined {
  if (addressToScript(address, 'mainnet')) return 'mainnet';
  if (addressToScript(address, 'regtest')) return 'regtest';
  if (addressToScript(address, 'testnet4')) return 'testnet';
  return undefined;
}

const NETWORK_WORDS: Readonly<Record<BitcoinNetwork, string>> = { mainnet: 'mainnet', testnet4: 'testnet4', signet: 'signet', regtest: 'regtest' };

/** Throws `wrong-network` unless the wallet's network (`undefined`: unknown or not one the kit supports) is the site's. */
export function requireNetwork(w: WalletLabel, walletNetwork: BitcoinNetwork | undefined, walletWords: string, expected: BitcoinNetwork): void {
  if (walletNetwork === expected) return;
  throw walletError(w, 'wrong-network', `(${w.name}: ${walletWords}; this site: ${NETWORK_WORDS[expected]}.)`);
}

/** Strict hex of an expected byte length (or one of several), else undefined. */
function hexKey(text: unknown, lengths: readonly number[]): Uint8Array | undefined {
  if (typeof text !== 'string' || !lengths.includes(text.length / 2) || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return fromHex(text);
}

/**
 * A wallet's address and public key as a `WalletAccount` of the site's network: the address must be of that
 * network (else `wrong-network`) and the key must be the address's (else `malformed`). Taproot keys may come
 * x-only (32 bytes) or compressed (33); they are the internal key of a key-path-only output (BIP-86).
 */
export function readAccount(w: WalletLabel, address: unknown, publicKey: unknown, network: BitcoinNetwork, purpose?: WalletAccount['purpose']): WalletAccount {
  if (typeof address !== 'string' || address.length > 100) throw walletError(w, 'malformed', '(an account without an address)');
  const script = addressToScript(address, network);
  if (!script) {
    const other = addressNetwork(address);
    if (other) throw walletError(w, 'wrong-network', `(${w.name} gave a ${other} address; this site: ${NETWORK_WORDS[network]}.)`);
    throw walletError(w, 'malformed', `(“${address.slice(0, 64)}” is not a Bitcoin address)`);
  }
  const net = networkParams(network);
  const kind = scriptKind(script);
  const mismatch = () => walletError(w, 'malformed', `(the public key it gave is not the key of ${address})`);
  let addressType: AccountAddressType;
  let key: Uint8Array;
  if (kind === 'p2tr') {
    const k = hexKey(publicKey, [32, 33]);
    if (!k) throw mismatch();
    const xonly = k.length === 33 ? k.subarray(1) : k;
    if (!equalBytes(p2tr(xonly, undefined, net).script, script)) throw mismatch();
    addressType = 'p2tr';
    key = k.length === 33 ? k : Uint8Array.of(0x02, ...xonly);
  } else {
    const k = hexKey(publicKey, [33]);
    if (!k) throw mismatch();
    if (kind === 'p2wpkh' && equalBytes(p2wpkh(k, net).script, script)) addressType = 'p2wpkh';
    else if (kind === 'p2sh' && equalBytes(p2sh(p2wpkh(k, net), net).script, script)) addressType = 'p2sh-p2wpkh';
    else if (kind === 'p2pkh' && equalBytes(p2pkh(k, net).script, script)) addressType = 'p2pkh';
    else throw mismatch();
    key = k;
  }
  return { address, publicKey: toHex(key), addressType, purpose: purpose ?? (addressType === 'p2tr' ? 'ordinals' : 'payment') };
}

/** A signing request checked before it reaches the wallet: inputs exist, no index twice, only connected addresses. */
export interface SigningPlan {
  readonly tx: Transaction;
  readonly indexes: readonly number[];
  readonly prevouts: readonly Prevout[];
}

export function planSigning(w: WalletLabel, psbt: Uint8Array, request: SignPsbtRequest, accounts: readonly WalletAccount[]): SigningPlan {
  let tx: Transaction;
  try {
    tx = Transaction.fromPSBT(psbt, PARSE_TX_OPTS);
  } catch (e) {
    throw walletError(w, 'failed', `(the kit could not read its own PSBT: ${(e as Error).message})`);
  }
  if (!accounts.length) throw walletError(w, 'not-connected');
  const indexes: number[] = [];
  for (const r of request.inputs) {
    if (!Number.isSafeInteger(r.index) || r.index < 0 || r.index >= tx.inputsLength || indexes.includes(r.index)) {
      throw walletError(w, 'failed', `(input ${r.index} cannot be signed: no such input, or asked twice)`);
    }
    if (!accounts.some((a) => a.address === r.address)) {
      throw walletError(w, 'unsupported', `(input ${r.index} belongs to ${r.address}, which is not a connected account)`);
    }
    indexes.push(r.index);
  }
  const prevouts: Prevout[] = [];
  for (let i = 0; i < tx.inputsLength; i++) {
    const u = tx.getInput(i).witnessUtxo;
    if (!u) throw walletError(w, 'failed', `(input ${i} has no witness UTXO)`);
    prevouts.push({ script: u.script, amount: u.amount });
  }
  return { tx, indexes, prevouts };
}

/** Bytes of a wallet's PSBT text, else `malformed`. */
export function decodePsbt(w: WalletLabel, text: unknown, encoding: 'hex' | 'base64'): Uint8Array {
  const check = 'WALLET_RETURNED_GARBAGE';
  if (typeof text !== 'string' || !text) throw walletError(w, 'malformed', '(no PSBT in its answer)', { check });
  try {
    return encoding === 'hex' ? fromHex(text) : fromBase64(text);
  } catch {
    throw walletError(w, 'malformed', `(its PSBT is not ${encoding})`, { check });
  }
}

/**
 * The wallet's signed PSBT, accepted only if it is the same transaction with exactly the requested inputs
 * signed (valid signatures, ALL/DEFAULT): otherwise `tampered` (or `malformed` when it is no PSBT at all).
 */
export function acceptSigned(w: WalletLabel, original: Uint8Array, returned: Uint8Array, plan: SigningPlan): Uint8Array {
  const checked = checkWalletResult(original, returned, plan.indexes, plan.prevouts);
  if (checked.ok) return returned;
  if (checked.code === 'WALLET_RETURNED_GARBAGE') throw walletError(w, 'malformed', `(${checked.message})`, { check: checked.code });
  throw walletError(w, 'tampered', `(${checked.message})`, { check: checked.code });
}

/** The wallet's `{code, message}` out of whatever it threw or answered. */
export function errorBody(e: unknown): { code: number | string | undefined; message: string } {
  const o = (e && typeof e === 'object' ? e : {}) as Record<string, unknown>;
  const inner = (o.error && typeof o.error === 'object' ? o.error : o) as Record<string, unknown>;
  const code = typeof inner.code === 'number' || typeof inner.code === 'string' ? inner.code : undefined;
  const raw = typeof inner.message === 'string' ? inner.message : typeof e === 'string' ? e : e instanceof Error ? e.message : '';
  return { code, message: raw.replace(/\s+/g, ' ').trim().slice(0, 200) };
}

export interface ErrorCodes {
  readonly rejected: readonly (number | string)[];
  readonly locked?: readonly (number | string)[];
  readonly notConnected?: readonly (number | string)[];
  readonly unsupported?: readonly (number | string)[];
}

/** A wallet's error as a `WalletError`: by its documented codes first, then by the words of its message. */
export function fromWalletError(w: WalletLabel, e: unknown, codes: ErrorCodes): WalletError {
  if (e instanceof WalletError) return e;
  const { code, message } = errorBody(e);
  const has = (list: readonly (number | string)[] | undefined) => code !== undefined && !!list?.includes(code);
  const extra = { ...(code !== undefined ? { walletCode: code } : {}), cause: e };
  if (has(codes.rejected)) return walletError(w, 'rejected', '', extra);
  if (has(codes.locked) || /\block(ed)?\b|unlock/i.test(message)) return walletError(w, 'locked', '', extra);
  if (has(codes.notConnected)) return walletError(w, 'not-connected', '', extra);
  if (has(codes.unsupported)) return walletError(w, 'unsupported', message ? `(${message})` : '', extra);
  if (/user (rejected|denied|cancel+ed)|rejected by (the )?user|cancel+ed by (the )?user/i.test(message)) return walletError(w, 'rejected', '', extra);
  return walletError(w, 'failed', message ? `(“${message}”)` : '', extra);
}

/** The connected P2WPKH/P2TR account a message is to be signed by (BIP-322 simple is verified for those only). */
export function messageAccount(w: WalletLabel, address: string, accounts: readonly WalletAccount[]): WalletAccount {
  const account = accounts.find((a) => a.address === address);
  if (!account) throw walletError(w, accounts.length ? 'unsupported' : 'not-connected', accounts.length ? `(${address} is not a connected account)` : '');
  if (account.addressType !== 'p2wpkh' && account.addressType !== 'p2tr')
    throw walletError(w, 'unsupported', `(message signatures by ${account.addressType} addresses)`);
  return account;
}

/** The wallet's BIP-322 signature, accepted only if it verifies for that address and message. */
export function acceptMessageSignature(w: WalletLabel, address: string, message: string, signature: unknown, network: BitcoinNetwork): string {
  if (typeof signature !== 'string' || !signature) throw walletError(w, 'malformed', '(no signature in its answer)');
  const check = verifyBip322Simple(address, message, signature, network);
  if (!check.ok) throw walletError(w, 'tampered', `(its message signature does not verify: ${check.message})`, { check: check.code });
  return signature;
}

/** A JSON-RPC answer (Leather's provider, sats-connect wallets): a result or an error object. */
const RpcAnswer = v.union([
  v.object({ result: v.unknown() }),
  v.object({ error: v.object({ code: v.union([v.number(), v.string()]), message: v.optional(v.string()) }) }),
]);

/** The `result` of a wallet's JSON-RPC answer to `method`, or its error (or a malformed answer) as a `WalletError`. */
export function rpcResult<T>(w: WalletLabel, method: string, answer: unknown, codes: ErrorCodes): T {
  const parsed = v.safeParse(RpcAnswer, answer);
  if (!parsed.success) {
    const check = method === 'signPsbt' ? { check: 'WALLET_RETURNED_GARBAGE' } : {};
    throw walletError(w, 'malformed', `(its answer to ${method} is not a JSON-RPC response)`, check);
  }
  if ('error' in parsed.output) throw fromWalletError(w, parsed.output, codes);
  return parsed.output.result as T;
}
