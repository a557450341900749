/**
 * UniSat through its injected provider, `window.unisat`: `requestAccounts()` → `[address]` (one account: the
 * wallet's current one), `getPublicKey()` → its compressed key in hex, `getChain()` → `{enum, name, network}`
 * (older versions: `getNetwork()` → `livenet`/`testnet`), and `signPsbt(hex, {autoFinalized: false,
 * toSignInputs: [{index, address, sighashTypes}]})` → the signed PSBT in hex. Errors are thrown as
 * `{code, message}` (4001: the user rejected).
 */
import * as v from 'valibot';
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
} from './adapter-common.js';
import type { BrowserWallet, BrowserWalletOptions } from './providers.js';
import { withTimeout } from './wallet-error.js';

/** What the kit calls on `window.unisat` (UniSat's documented provider API). */
export interface UnisatProvider {
  requestAccounts(): Promise<string[]>;
  getAccounts?(): Promise<string[]>;
  getPublicKey(): Promise<string>;
  getChain?(): Promise<{ enum: string; name: string; network: string }>;
  getNetwork?(): Promise<string>;
  signPsbt(psbtHex: string, options?: UnisatSignOptions): Promise<string>;
  signMessage?(message: string, type?: 'ecdsa' | 'bip322-simple'): Promise<string>;
  disconnect?(): Promise<void>;
}

export interface UnisatSignOptions {
  autoFinalized?: boolean;
  toSignInputs?: { index: number; address?: string; publicKey?: string; sighashTypes?: number[]; disableTweakSigner?: boolean }[];
}

/** UniSat's error code for a request the user rejected. */
export const UNISAT_USER_REJECTED = 4001;

/** `getChain().enum` → the kit's networks (BITCOIN_TESTNET is testnet3; Fractal is another chain). */
const CHAINS: Readonly<Record<string, BitcoinNetwork>> = {
  BITCOIN_MAINNET: 'mainnet',
  BITCOIN_TESTNET4: 'testnet4',
  BITCOIN_SIGNET: 'signet',
  BITCOIN_REGTEST: 'regtest',
};

const Chain = v.object({ enum: v.string(), name: v.optional(v.string()), network: v.optional(v.string()) });
const Accounts = v.array(v.string());

export class UnisatWallet implements BrowserWallet {
  readonly id = 'unisat';
  readonly name = 'UniSat';
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

  get #provider(): UnisatProvider {
    const p = (this.#win as { unisat?: UnisatProvider }).unisat;
    if (!p || typeof p.requestAccounts !== 'function' || typeof p.signPsbt !== 'function') throw walletError(this.#label, 'not-installed');
    return p;
  }

  async #call<T>(what: string, run: (p: UnisatProvider) => Promise<T>): Promise<T> {
    const w = this.#label;
    try {
      return await withTimeout(run(this.#provider), this.#timeoutMs, w.id, w.name, what);
    } catch (e) {
      throw fromWalletError(w, e, { rejected: [UNISAT_USER_REJECTED] });
    }
  }

  /** The wallet's network, in the kit's words (undefined: one the kit does not trade on) and in UniSat's. */
  async #walletNetwork(address: string): Promise<{ network: BitcoinNetwork | undefined; words: string }> {
    const w = this.#label;
    const p = this.#provider;
    if (typeof p.getChain === 'function') {
      const chain = v.safeParse(Chain, await this.#call('network', () => p.getChain!()));
      if (!chain.success) throw walletError(w, 'malformed', '(its getChain answer has no chain)');
      return { network: CHAINS[chain.output.enum], words: chain.output.name ?? chain.output.enum };
    }
    // Older versions only tell livenet from testnet: the address tells regtest, and testnet4 from signet it cannot.
    const name = await this.#call('network', () => (p.getNetwork ? p.getNetwork() : Promise.resolve('')));
    if (name === 'livenet') return { network: 'mainnet', words: name };
    const prefix = addressNetwork(address);
    if (name === 'testnet' && prefix === 'regtest') return { network: 'regtest', words: name };
    if (name === 'testnet' && prefix === 'testnet' && (this.network === 'testnet4' || this.network === 'signet')) return { network: this.network, words: name };
    return { network: undefined, words: String(name || 'unknown') };
  }

  async connect(): Promise<readonly WalletAccount[]> {
    const w = this.#label;
    const list = v.safeParse(Accounts, await this.#call('connect', (p) => p.requestAccounts()));
    if (!list.success) throw walletError(w, 'malformed', '(its requestAccounts answer is not a list of addresses)');
    const address = list.output[0];
    if (!address) throw walletError(w, 'locked');
    const net = await this.#walletNetwork(address);
    requireNetwork(w, net.network, net.words, this.network);
    const publicKey = await this.#call('public key', (p) => p.getPublicKey());
    this.#accounts = [readAccount(w, address, publicKey, this.network)];
    return this.#accounts;
  }

  async disconnect(): Promise<void> {
    this.#accounts = [];
    const p = (this.#win as { unisat?: UnisatProvider }).unisat;
    if (typeof p?.disconnect === 'function') await p.disconnect().catch(() => undefined);
  }

  async getAccounts(): Promise<readonly WalletAccount[]> {
    return this.#accounts.length ? this.#accounts : this.connect();
  }

  async signPsbt(psbt: Uint8Array, request: SignPsbtRequest): Promise<Uint8Array> {
    const w = this.#label;
    const plan = planSigning(w, psbt, request, this.#accounts);
    const options: UnisatSignOptions = {
      autoFinalized: false,
      toSignInputs: request.inputs.map((r) => ({ index: r.index, address: r.address, sighashTypes: [r.sighash === 'ALL' ? 0x01 : 0x00] })),
    };
    const signed = await this.#call('signature', (p) => p.signPsbt(toHex(psbt), options));
    return acceptSigned(w, psbt, decodePsbt(w, signed, 'hex'), plan);
  }

  /** A BIP-322 signature of `message` by the connected address (`signMessage(message, 'bip322-simple')`). */
  async signMessage(message: string, address: string): Promise<string> {
    const w = this.#label;
    messageAccount(w, address, this.#accounts);
    const signature = await this.#call('message signature', (p) => {
      if (typeof p.signMessage !== 'function') throw walletError(w, 'unsupported', '(no signMessage)');
      return p.signMessage(message, 'bip322-simple');
    });
    return acceptMessageSignature(w, address, message, signature, this.network);
  }
}
