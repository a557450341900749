/**
 * Leather through its RPC provider, `window.LeatherProvider.request(method, params)` (types: @leather.io/rpc):
 * `getAddresses` → `{addresses: [{symbol: 'BTC', type: 'p2wpkh' | 'p2tr', address, publicKey, derivationPath},
 * {symbol: 'STX', …}]}` and `signPsbt {hex, signAtIndex, allowedSighash, network, broadcast: false}` →
 * `{hex, txid?}`. Leather answers with a JSON-RPC envelope and rejects the promise with one on error
 * (`{error: {code, message}}`; 4001: the user rejected).
 *
 * Leather's addresses do not say which network: the address prefix does (mainnet `bc1`, regtest `bcrt1`;
 * `tb1` is any test network, taken as the site's testnet4 or signet).
 */
import * as v from 'valibot';
import type { RpcErrorCode } from '@leather.io/rpc';
import { toHex } from '../bytes.js';
import type { SignPsbtRequest, WalletAccount } from '../wallet.js';
import type { BitcoinNetwork } from '../wire.js';
import {
  acceptMessageSignature,
  acceptSigned,
  addressNetwork,
  DEFAULT_WALLET_TIMEOUT_MS,
  decodePsbt,
  fromWalletError,
  messageAccount,
  planSigning,
  readAccount,
  requireNetwork,
  walletError,
  type WalletLabel,
  rpcResult,
} from './adapter-common.js';
import type { BrowserWallet, BrowserWalletOptions } from './providers.js';
import { withTimeout } from './wallet-error.js';

/** Leather's `RpcErrorCode`s that mean something to the user (values from @leather.io/rpc). */
export const LEATHER_ERRORS = {
  USER_REJECTION: 4001 satisfies RpcErrorCode.USER_REJECTION,
  METHOD_NOT_SUPPORTED: 4002 satisfies RpcErrorCode.METHOD_NOT_SUPPORTED,
  PERMISSION_DENIED: 7 satisfies RpcErrorCode.PERMISSION_DENIED,
  UNAUTHENTICATED: 16 satisfies RpcErrorCode.UNAUTHENTICATED,
  METHOD_NOT_FOUND: -32601 satisfies RpcErrorCode.METHOD_NOT_FOUND,
} as const;

/** Leather's network names for the `network` parameter. */
const LEATHER_NETWORK: Readonly<Record<BitcoinNetwork, string>> = { mainnet: 'mainnet', testnet4: 'testnet', signet: 'signet', regtest: 'regtest' };

const Addresses = v.object({
  addresses: v.array(v.looseObject({ symbol: v.optional(v.string()), type: v.optional(v.string()), address: v.string(), publicKey: v.optional(v.string()) })),
});
const Signed = v.object({ hex: v.string(), txid: v.optional(v.string()) });

const ERROR_CODES = {
  rejected: [LEATHER_ERRORS.USER_REJECTION],
  locked: [LEATHER_ERRORS.UNAUTHENTICATED],
  notConnected: [LEATHER_ERRORS.PERMISSION_DENIED],
  unsupported: [LEATHER_ERRORS.METHOD_NOT_SUPPORTED, LEATHER_ERRORS.METHOD_NOT_FOUND],
};

interface LeatherRequest {
  request(method: string, params?: unknown): Promise<unknown>;
}

export class LeatherWallet implements BrowserWallet {
  readonly id = 'leather';
  readonly name = 'Leather';
  readonly network: BitcoinNetwork;
  readonly #win: object;
  readonly #timeoutMs: number;
  #accounts: readonly WalletAccount[] = [];

  constructor(options: BrowserWalletOptions) {
    this.network = options.network;
    this.#win = options.win ?? globalThis;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_WALLET_TIMEOUT_MS;
  }

  get accounts(): readonly WalletAccount[] {
    return this.#accounts;
  }

  get #label(): WalletLabel {
    return { id: this.id, name: this.name };
  }

  async #call<T>(method: string, params: unknown, what: string): Promise<T> {
    const w = this.#label;
    const provider = (this.#win as { LeatherProvider?: LeatherRequest }).LeatherProvider;
    if (typeof provider?.request !== 'function') throw walletError(w, 'not-installed');
    let answer: unknown;
    try {
      answer = await withTimeout(params === undefined ? provider.request(method) : provider.request(method, params), this.#timeoutMs, w.id, w.name, what);
    } catch (e) {
      throw fromWalletError(w, e, ERROR_CODES);
    }
    return rpcResult<T>(w, method, answer, ERROR_CODES);
  }

  async connect(): Promise<readonly WalletAccount[]> {
    const w = this.#label;
    const parsed = v.safeParse(Addresses, await this.#call<unknown>('getAddresses', undefined, 'connect'));
    if (!parsed.success) throw walletError(w, 'malformed', '(its getAddresses answer has no address list)');
    const btc = parsed.output.addresses.filter((a) => a.symbol === 'BTC' && (a.type === 'p2wpkh' || a.type === 'p2tr'));
    if (!btc.length) throw walletError(w, 'unsupported', '(it shared no native segwit or taproot address)');
    const prefix = addressNetwork(btc[0]!.address);
    const walletNetwork: BitcoinNetwork | undefined =
      prefix === 'mainnet' || prefix === 'regtest'
        ? prefix
        : prefix === 'testnet' && this.network !== 'mainnet' && this.network !== 'regtest'
          ? this.network
          : undefined;
    requireNetwork(w, walletNetwork, prefix ?? 'an unknown network', this.network);
    this.#accounts = btc.map((a) => readAccount(w, a.address, a.publicKey, this.network, a.type === 'p2tr' ? 'ordinals' : 'payment'));
    return this.#accounts;
  }

  async disconnect(): Promise<void> {
    this.#accounts = [];
  }

  async getAccounts(): Promise<readonly WalletAccount[]> {
    return this.#accounts.length ? this.#accounts : this.connect();
  }

  async signPsbt(psbt: Uint8Array, request: SignPsbtRequest): Promise<Uint8Array> {
    const w = this.#label;
    const plan = planSigning(w, psbt, request, this.#accounts);
    const allowedSighash = [...new Set(request.inputs.map((r) => (r.sighash === 'ALL' ? 0x01 : 0x00)))];
    const params = { hex: toHex(psbt), signAtIndex: [...plan.indexes], allowedSighash, network: LEATHER_NETWORK[this.network], broadcast: false };
    const parsed = v.safeParse(Signed, await this.#call<unknown>('signPsbt', params, 'signature'));
    if (!parsed.success) throw walletError(w, 'malformed', '(its signPsbt answer has no PSBT)', { check: 'WALLET_RETURNED_GARBAGE' });
    return acceptSigned(w, psbt, decodePsbt(w, parsed.output.hex, 'hex'), plan);
  }

  /** A BIP-322 signature of `message` by a connected address (`signMessage {message, paymentType, network}`). */
  async signMessage(message: string, address: string): Promise<string> {
    const w = this.#label;
    const account = messageAccount(w, address, this.#accounts);
    const params = { message, paymentType: account.addressType, network: LEATHER_NETWORK[this.network] };
    const raw = await this.#call<{ signature?: unknown }>('signMessage', params, 'message signature');
    return acceptMessageSignature(w, address, message, raw?.signature, this.network);
  }
}
