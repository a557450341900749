// The parts of the public API that are fetched on first use: chunks of their own in bundles. The all-in-one
// `cdn/darkswap.js` offers the Bitcoin layer and the tools only through these; the npm package's main entry
// also exports them directly (`bitcoin`, and each tool by name).

/** The Bitcoin layer's module (what `bitcoin` is in the npm package's main entry). */
export type BitcoinLayer = typeof import('./bitcoin/index.js');

/** The tools module (src/tools.ts). */
export type Tools = typeof import('./tools.js');

/**
 * Loads the framework-free Bitcoin layer: swap PSBT build/verify, runestones, protostones, signatures, the
 * in-memory wallet. About 65 KB min+gzip with @scure/btc-signer and noble.
 */
export function loadBitcoin(): Promise<BitcoinLayer> {
  return import('./bitcoin/index.js');
}

/**
 * Loads the tools: the connection doctor (`findings`) and ICE probes, `fetchIceCredentials`, TURN and
 * link-statistics helpers, media send constraints, identity backups, and the kit's stores (list, clear, export,
 * import, persistent storage).
 */
export function loadTools(): Promise<Tools> {
  return import('./tools.js');
}
