/**
 * `ChainIndexer`: the kit's `AssetIndexer` and `ChainSource` over real servers — Esplora for BTC values, spent
 * state, transaction status, fee estimates and broadcast; ord for runes and inscriptions; an alkanes indexer
 * for alkanes. Where two servers answer the same question (value, script, spent), they must agree, or the
 * output is refused as inconsistent. Every server's network is checked against the configured one before its
 * first answer is used.
 */
import { addressToScript } from '../network.js';
import type { BitcoinNetwork } from '../wire.js';
import type { AssetIndexer, AssetInfo, ChainSource, OutputInfo, SpendInfo, TxStatus } from '../wallet.js';
import { ChainError } from './chain-error.js';
import type { AlkanesClient } from './alkanes.js';
import type { EsploraClient } from './esplora.js';
import type { OrdClient } from './ord.js';
import { parseOutpoint, pool } from './outpoint.js';

/** Requests in flight per `getOutputs` call (each outpoint asks every server). */
const CONCURRENCY = 6;

export interface ChainClients {
  readonly esplora: EsploraClient;
  readonly ord?: OrdClient | undefined;
  readonly alkanes?: AlkanesClient | undefined;
}

export class ChainIndexer implements AssetIndexer, ChainSource {
  readonly network: BitcoinNetwork;
  readonly esplora: EsploraClient;
  readonly ord: OrdClient | undefined;
  readonly alkanes: AlkanesClient | undefined;

  constructor(clients: ChainClients) {
    this.esplora = clients.esplora;
    this.ord = clients.ord;
    this.alkanes = clients.alkanes;
    this.network = this.esplora.network;
    for (const c of [this.ord, this.alkanes]) {
      if (c && c.network !== this.network)
        throw new ChainError('chain', 'wrong-network', `the ${c.http.source} adapter is set up for ${c.network}, Esplora for ${this.network}`);
    }
  }

  /** Checks every server's network (resolves once all serve the configured one). */
  async checkNetwork(signal?: AbortSignal): Promise<void> {
    await Promise.all([this.esplora.checkNetwork(signal), this.ord?.checkNetwork(signal), this.alkanes?.checkNetwork(signal)]);
  }

  /** Throws a `wrong-network` ChainError unless the wallet is on this indexer's network. */
  assertWalletNetwork(walletNetwork: BitcoinNetwork): void {
    if (walletNetwork !== this.network)
      throw new ChainError('chain', 'wrong-network', `the wallet is on ${walletNetwork}, the chain adapters on ${this.network}`);
  }

  async #one(outpoint: string, signal?: AbortSignal): Promise<OutputInfo | undefined> {
    const o = parseOutpoint('chain', outpoint);
    const key = `${o.txid}:${o.vout}`;
    const [base, ord, alkanes] = await Promise.all([this.esplora.output(o, signal), this.ord?.output(key, signal), this.alkanes?.protorunes(key, signal)]);
    if (!base) return undefined;
    if (ord) {
      if (ord.value !== base.value) throw new ChainError('chain', 'inconsistent', `${key}: Esplora says ${base.value} sats, ord ${ord.value}`);
      if (ord.scriptPubKey !== base.scriptPubKey) throw new ChainError('chain', 'inconsistent', `${key}: Esplora and ord disagree on the output script`);
    } else if (this.ord) {
      throw new ChainError('ord', 'behind', `${key}: Esplora knows this output, ord does not (yet)`);
    }
    return {
      outpoint: key,
      value: base.value,
      scriptPubKey: base.scriptPubKey,
      ...(base.address ? { address: base.address } : {}),
      spent: base.spent || ord?.spent === true,
      confirmations: base.confirmations,
      runes: ord?.runes ?? [],
      alkanes: alkanes ?? [],
      inscriptions: ord?.inscriptions ?? [],
    };
  }

  /** See `AssetIndexer.getOutputs`; unknown outpoints are left out. */
  async getOutputs(outpoints: readonly string[], signal?: AbortSignal): Promise<readonly OutputInfo[]> {
    const found = await pool(outpoints, CONCURRENCY, (o) => this.#one(o, signal));
    return found.filter((x): x is OutputInfo => x !== undefined);
  }

  /** Unspent outputs paying `address`, with their assets; the address must belong to this network. */
  async listSpendable(address: string, signal?: AbortSignal): Promise<readonly OutputInfo[]> {
    if (!addressToScript(address, this.network)) throw new ChainError('chain', 'wrong-network', `${address.slice(0, 90)} is not a ${this.network} address`);
    const utxos = await this.esplora.utxos(address, signal);
    const outputs = await this.getOutputs(
      utxos.map((u) => u.outpoint),
      signal,
    );
    return outputs.filter((o) => !o.spent && (o.address === undefined || o.address === address));
  }

  async getAssetInfo(id: string): Promise<AssetInfo | undefined> {
    return this.ord?.rune(id);
  }

  getPrevTx(txid: string): Promise<string | undefined> {
    return this.esplora.txHex(txid);
  }

  tipHeight(): Promise<number> {
    return this.esplora.tipHeight();
  }

  txStatus(txid: string): Promise<TxStatus> {
    return this.esplora.txStatus(txid);
  }

  spentBy(outpoint: string): Promise<SpendInfo | undefined> {
    return this.esplora.spentBy(outpoint);
  }

  /** Esplora's fee rate for `targetBlocks` (sat/vB), or undefined when it has no estimate. */
  feeRate(targetBlocks?: number): Promise<bigint | undefined> {
    return this.esplora.feeRate(targetBlocks);
  }

  /** Publishes through Esplora (once); forgets every cached read afterwards. */
  async broadcast(txHex: string): Promise<string> {
    try {
      return await this.esplora.broadcast(txHex);
    } finally {
      this.ord?.http.clearCache();
      this.alkanes?.http.clearCache();
    }
  }
}
