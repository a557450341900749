/**
 * Chain adapters: the kit's `AssetIndexer` and `ChainSource` (plus broadcast and fee estimates) over an
 * Esplora-compatible HTTP API, the ord server's JSON API and an alkanes JSON-RPC indexer. This module is small;
 * each adapter is its own module, fetched by `connectChain` only when the configuration names it. No defaults:
 * the kit never talks to a server the page did not name.
 */
import type { BitcoinNetwork } from '../wire.js';
import type { ChainIndexer } from './chain-indexer.js';
import type { HttpOptions } from './http.js';

export { ChainError, CHAIN_ERROR_CODES, isChainError, type ChainErrorCode } from './chain-error.js';
export { GENESIS_HASHES } from './networks.js';
export type { ChainIndexer } from './chain-indexer.js';
export type { HttpOptions } from './http.js';
export type { EsploraClient } from './esplora.js';
export type { OrdClient } from './ord.js';
export type { AlkanesClient } from './alkanes.js';

/** One server: its base URL, with optional per-server HTTP settings. */
export type ChainEndpoint = string | ({ readonly url: string } & HttpOptions);

export interface ChainConfig {
  /** The network every server must serve (and the wallet must be on). */
  readonly network: BitcoinNetwork;
  /** Esplora base URL, e.g. `http://127.0.0.1:3002/api` (required: BTC values, spends, broadcast, fees). */
  readonly esplora: ChainEndpoint;
  /** ord server base URL (runes and inscriptions); without it the indexer reports no runes. */
  readonly ord?: ChainEndpoint | undefined;
  /** Alkanes JSON-RPC URL; without it the indexer reports no alkanes. */
  readonly alkanes?: ChainEndpoint | undefined;
  /** Block 0 of a custom signet. */
  readonly genesisHash?: string | undefined;
  /** HTTP settings for every server (each endpoint's own win). */
  readonly http?: HttpOptions | undefined;
  /** Check every server's network before resolving (default true). */
  readonly checkNetwork?: boolean | undefined;
}

const split = (e: ChainEndpoint, common: HttpOptions | undefined): [string, HttpOptions] =>
  typeof e === 'string' ? [e, { ...common }] : [e.url, { ...common, ...e }];

/**
 * Loads the adapters the configuration names (each its own chunk) and returns one `ChainIndexer` over them,
 * after checking that every server serves `config.network` (a `wrong-network` ChainError otherwise).
 */
export async function connectChain(config: ChainConfig): Promise<ChainIndexer> {
  const [{ EsploraClient }, ord, alkanes, { ChainIndexer }] = await Promise.all([
    import('./esplora.js'),
    config.ord ? import('./ord.js') : undefined,
    config.alkanes ? import('./alkanes.js') : undefined,
    import('./chain-indexer.js'),
  ]);
  const genesis = config.genesisHash ? { genesisHash: config.genesisHash } : {};
  const settings = (e: ChainEndpoint): [string, HttpOptions & { network: BitcoinNetwork }] => {
    const [url, http] = split(e, config.http);
    return [url, { ...http, network: config.network }];
  };
  const [esploraUrl, esploraHttp] = settings(config.esplora);
  const clients = {
    esplora: new EsploraClient(esploraUrl, { ...esploraHttp, ...genesis }),
    ord: config.ord && ord ? new ord.OrdClient(...settings(config.ord)) : undefined,
    alkanes: config.alkanes && alkanes ? new alkanes.AlkanesClient(settings(config.alkanes)[0], { ...settings(config.alkanes)[1], ...genesis }) : undefined,
  };
  const indexer = new ChainIndexer(clients);
  if (config.checkNetwork !== false) await indexer.checkNetwork();
  return indexer;
}
