/**
 * Xverse, and every wallet that speaks the sats-connect protocol (Magic Eden, Fordefi… whatever registers in
 * `window.btc_providers`): the kit's `WalletAdapter` over the provider's JSON-RPC `request(method, params)`.
 *
 * It makes the same calls as sats-connect's `request()` (`getAddresses`, `wallet_getNetwork`, `signPsbt`,
 * `wallet_renouncePermissions`), typed by sats-connect's own declarations, but does not bundle sats-connect:
 * its `request()` alone is ~25 KB min+gzip (jsontokens, a Buffer polyfill and a second valibot come with it),
 * its default export ~69 KB (the wallet-selector UI), and this adapter is ~2 KB. A page that already bundles
 * sats-connect can pass its `request` (`satsConnectRequest`) and every call goes through it instead.
 *
 * `signPsbt` has no per-input sighash parameter: the wallet signs each input with the sighash type its PSBT
 * input names. The kit's PSBT names none (taproot: DEFAULT); for the inputs the kit wants signed with ALL
 * (segwit v0) the adapter writes ALL into the copy it hands the wallet.
 */
import * as v from 'valibot';
import type { GetAddressesParams, GetAddressesResult, SignPsbtParams, SignPsbtResult } from 'sats-connect';
import { SigHash } from '@scure/btc-signer';
import { toBase64 } from '../../core/bytes.js';
import type { SignPsbtRequest, WalletAccount } from '../wallet.js';
import type { BitcoinNetwork } from '../wire.js';
import {
  acceptMessageSignature,
  acceptSigned,
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
import { providerAt, XVERSE_PROVIDER_ID, type BrowserWallet, type BrowserWalletOptions } from './providers.js';
import { withTimeout } from './wallet-error.js';

/** sats-connect's `RpcErrorCode`s that mean something to the user. */
export const SATS_CONNECT_ERRORS = {
  USER_REJECTION: -32000,
  METHOD_NOT_SUPPORTED: -32001,
  ACCESS_DENIED: -32002,
  METHOD_NOT_FOUND: -32601,
} as const;

/** sats-connect's `request(method, params, providerId)` result shape. */
export type SatsConnectResult = { status: 'success'; result: unknown } | { status: 'error'; error: { code: number; message: string } };

export interface XverseWalletOptions extends BrowserWalletOptions {
  /** The provider's path on `window` (default Xverse's, `XverseProviders.BitcoinProvider`). */
  readonly providerId?: string;
  /** Display name (default "Xverse"). */
  readonly name?: string;
  /** Adapter id (default `xverse`). */
  readonly id?: string;
  /** sats-connect's `request`, if the page bundles it: every call then goes through it. */
  readonly satsConnectRequest?: (method: string, params: unknown, providerId?: string) => Promise<SatsConnectResult>;
}

const AddressEntry = v.object({
  address: v.string(),
  publicKey: v.string(),
  purpose: v.string(),
  addressType: v.optional(v.string()),
});
const NetworkAnswer = v.object({ bitcoin: v.object({ name: v.string() }) });
const AddressesAnswer = v.object({ addresses: v.array(AddressEntry), network: v.optional(NetworkAnswer) });
const SignAnswer = v.object({ psbt: v.string(), txid: v.optional(v.string()) });

/** sats-connect's `BitcoinNetworkType` → the kit's networks (`Testnet` is testnet3, which the kit does not trade on). */
const NETWORKS: Readonly<Record<string, BitcoinNetwork>> = { Mainnet: 'mainnet', Testnet4: 'testnet4', Signet: 'signet', Regtest: 'regtest' };

const ERROR_CODES = {
  rejected: [SATS_CONNECT_ERRORS.USER_REJECTION],
  notConnected: [SATS_CONNECT_ERRORS.ACCESS_DENIED],
  unsupported: [SATS_CONNECT_ERRORS.METHOD_NOT_SUPPORTED, SATS_CONNECT_ERRORS.METHOD_NOT_FOUND],
};

export class XverseWallet implements BrowserWallet {
  readonly id: string;
  readonly name: string;
  readonly network: BitcoinNetwork;
  readonly #providerId: string;
  readonly #win: object;
  readonly #timeoutMs: number;
  readonly #satsConnect: XverseWalletOptions['satsConnectRequest'];
  #accounts: readonly WalletAccount[] = [];

  constructor(options: XverseWalletOptions) {
    this.network = options.network;
    this.#providerId = options.providerId ?? XVERSE_PROVIDER_ID;
    this.name = options.name ?? 'Xverse';
    this.id = options.id ?? 'xverse';
    this.#win = options.win ?? globalThis;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_WALLET_TIMEOUT_MS;
    this.#satsConnect = options.satsConnectRequest;
  }

  get accounts(): readonly WalletAccount[] {
    return this.#accounts;
  }

  get #label(): WalletLabel {
    return { id: this.id, name: this.name };
  }

  /** One JSON-RPC call: the `result`, or the wallet's error as a `WalletError`. */
  async #call<T>(method: string, params: unknown, what: string): Promise<T> {
    const w = this.#label;
    let answer: unknown;
    try {
      if (this.#satsConnect) {
        const r = await withTimeout(this.#satsConnect(method, params, this.#providerId), this.#timeoutMs, w.id, w.name, what);
        answer = r && typeof r === 'object' && 'status' in r ? (r.status === 'success' ? { result: r.result } : { error: r.error }) : r;
      } else {
        const provider = providerAt(this.#win, this.#providerId) as { request?: (m: string, p: unknown) => Promise<unknown> } | undefined;
        if (typeof provider?.request !== 'function') throw walletError(w, 'not-installed');
        answer = await withTimeout(provider.request(method, params), this.#timeoutMs, w.id, w.name, what);
      }
    } catch (e) {
      throw fromWalletError(w, e, ERROR_CODES);
    }
    return rpcResult<T>(w, method, answer, ERROR_CODES);
  }

  async connect(): Promise<readonly WalletAccount[]> {
    const w = this.#label;
    const params: GetAddressesParams = {
      purposes: ['payment', 'ordinals'] as GetAddressesParams['purposes'],
      message: 'Connect your wallet to trade with DarkSwap',
    };
    const raw = await this.#call<GetAddressesResult>('getAddresses', params, 'connect');
    const parsed = v.safeParse(AddressesAnswer, raw);
    if (!parsed.success) throw walletError(w, 'malformed', '(its getAddresses answer has no address list)');
    let networkName = parsed.output.network?.bitcoin.name;
    if (networkName === undefined) {
      // Older wallets answer getAddresses without the network: ask for it (and rely on the addresses if they cannot say).
      try {
        const net = v.safeParse(NetworkAnswer, await this.#call<unknown>('wallet_getNetwork', null, 'network'));
        if (net.success) networkName = net.output.bitcoin.name;
      } catch {
        /* the address check below still refuses another network's addresses */
      }
    }
    if (networkName !== undefined) requireNetwork(w, NETWORKS[networkName], networkName, this.network);
    const accounts = parsed.output.addresses
      .filter((a) => a.purpose === 'payment' || a.purpose === 'ordinals')
      .map((a) => readAccount(w, a.address, a.publicKey, this.network, a.purpose as WalletAccount['purpose']));
    if (!accounts.length) throw walletError(w, 'unsupported', '(it shared no Bitcoin address)');
    this.#accounts = accounts;
    return accounts;
  }

  async disconnect(): Promise<void> {
    this.#accounts = [];
    try {
      await this.#call('wallet_renouncePermissions', null, 'disconnect');
    } catch {
      /* older wallets have no such method: forgetting the accounts is what matters */
    }
  }

  async getAccounts(): Promise<readonly WalletAccount[]> {
    return this.#accounts.length ? this.#accounts : this.connect();
  }

  async signPsbt(psbt: Uint8Array, request: SignPsbtRequest): Promise<Uint8Array> {
    const w = this.#label;
    const plan = planSigning(w, psbt, request, this.#accounts);
    const handed = plan.tx;
    for (const r of request.inputs) if (r.sighash === 'ALL') handed.updateInput(r.index, { sighashType: SigHash.ALL }, true);
    const bytes = handed.toPSBT(0);
    const signInputs: Record<string, number[]> = {};
    for (const r of request.inputs) (signInputs[r.address] ??= []).push(r.index);
    const params: SignPsbtParams = { psbt: toBase64(bytes), signInputs, broadcast: false };
    const raw = await this.#call<SignPsbtResult>('signPsbt', params, 'signature');
    const parsed = v.safeParse(SignAnswer, raw);
    if (!parsed.success) throw walletError(w, 'malformed', '(its signPsbt answer has no PSBT)', { check: 'WALLET_RETURNED_GARBAGE' });
    return acceptSigned(w, bytes, decodePsbt(w, parsed.output.psbt, 'base64'), plan);
  }

  /** A BIP-322 signature of `message` by a connected P2WPKH or P2TR address (`signMessage`, protocol BIP322). */
  async signMessage(message: string, address: string): Promise<string> {
    const w = this.#label;
    messageAccount(w, address, this.#accounts);
    const raw = await this.#call<{ signature?: unknown }>('signMessage', { address, message, protocol: 'BIP322' }, 'message signature');
    return acceptMessageSignature(w, address, message, raw?.signature, this.network);
  }
}
