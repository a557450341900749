/**
 * What the host page supplies: a `WalletAdapter` (keys stay in the wallet; the kit only asks it to sign
 * PSBTs it has verified) and an `AssetIndexer` (what an outpoint holds). Interfaces only; no DOM.
 */
import type { BitcoinNetwork } from './network.js';

export const ACCOUNT_ADDRESS_TYPES = ['p2tr', 'p2wpkh', 'p2sh-p2wpkh', 'p2pkh'] as const;
export type AccountAddressType = (typeof ACCOUNT_ADDRESS_TYPES)[number];

export interface WalletAccount {
  readonly address: string;
  /** Hex, compressed (33 bytes); the x-only key of a p2tr account is its last 32 bytes. */
  readonly publicKey: string;
  readonly addressType: AccountAddressType;
  readonly purpose: 'payment' | 'ordinals';
}

/** One input the wallet is asked to sign. */
export interface SignInputRequest {
  readonly index: number;
  readonly address: string;
  readonly publicKey: string;
  /** `DEFAULT` (taproot only) or `ALL`: the kit never asks for anything else. */
  readonly sighash: 'ALL' | 'DEFAULT';
}

export interface SignPsbtRequest {
  /** Exactly the caller's own inputs. */
  readonly inputs: readonly SignInputRequest[];
  /** Always false: the kit finalizes after checking every signature. */
  readonly finalize: false;
}

/** An asset balance held by an outpoint. */
export interface AssetBalance {
  /** `block:tx` */
  readonly id: string;
  readonly amount: bigint;
}

/** What an indexer knows about one output. */
export interface OutputInfo {
  /** `txid:vout` */
  readonly outpoint: string;
  readonly value: bigint;
  /** Hex. */
  readonly scriptPubKey: string;
  readonly address?: string;
  readonly spent: boolean;
  readonly confirmations: number;
  readonly runes: readonly AssetBalance[];
  readonly alkanes: readonly AssetBalance[];
  readonly inscriptions: readonly string[];
}

export interface WalletAdapter {
  /** e.g. 'unisat', 'xverse', 'leather', 'memory'. */
  readonly id: string;
  readonly network: BitcoinNetwork;
  getAccounts(): Promise<readonly WalletAccount[]>;
  /** The wallet's spendable outputs, when it can list them (otherwise the indexer's `listSpendable`). */
  listUtxos?(): Promise<readonly OutputInfo[]>;
  /** Signs exactly the requested inputs of a PSBT the kit built and verified; returns the PSBT bytes. */
  signPsbt(psbt: Uint8Array, request: SignPsbtRequest): Promise<Uint8Array>;
  /** Pushes a raw transaction; resolves to its txid. */
  broadcast?(txHex: string): Promise<string>;
  /** A BIP-322 simple signature (base64) of `message` by `address`, one of the wallet's (to prove control of it). */
  signMessage?(message: string, address: string): Promise<string>;
}

export interface AssetInfo {
  readonly id: string;
  readonly name: string;
  readonly divisibility: number;
  readonly symbol?: string;
}

export interface AssetIndexer {
  /** Value, script, spent state and asset balances of each outpoint (`txid:vout`), in order; unknown ones omitted. */
  getOutputs(outpoints: readonly string[]): Promise<readonly OutputInfo[]>;
  /** Unspent outputs paying to an address, for coin selection. */
  listSpendable(address: string): Promise<readonly OutputInfo[]>;
  getAssetInfo?(id: string): Promise<AssetInfo | undefined>;
  getPrevTx?(txid: string): Promise<string | undefined>;
  tipHeight?(): Promise<number>;
}

/** What the chain says about a transaction. */
export interface TxStatus {
  /** `unknown`: neither in the mempool nor in a block (never seen, or replaced and gone). */
  readonly state: 'unknown' | 'mempool' | 'confirmed';
  readonly confirmations: number;
}

/** The transaction that spends an output, as far as the chain source knows. */
export interface SpendInfo {
  readonly txid: string;
  /** 0 while the spending transaction is in the mempool (it may still be replaced). */
  readonly confirmations: number;
}

/**
 * What a trade needs to see settlement on chain (an Esplora-style API answers both): where a transaction is,
 * and which transaction spends an output. `MemoryIndexer` and `TabLedger` implement it, with a mempool that
 * accepts replace-by-fee.
 */
export interface ChainSource {
  txStatus(txid: string): Promise<TxStatus>;
  spentBy(outpoint: string): Promise<SpendInfo | undefined>;
}

/** Whether an indexer (or any object) is also a chain source. */
export function isChainSource(value: unknown): value is ChainSource {
  const v = value as Partial<ChainSource> | undefined;
  return typeof v?.txStatus === 'function' && typeof v?.spentBy === 'function';
}
