/**
 * DarkSwap's framework-free Bitcoin layer: swap terms, runestone and protostone codecs, the swap PSBT
 * builder and verifier, signature checks, finalization, the host wallet/indexer interfaces and in-memory
 * implementations of them. No DOM, no keys (except the in-memory test wallet's). Load it lazily: it pulls in
 * @scure/btc-signer and noble.
 */
export * from './bytes.js';
export * from './leb128.js';
export * from './network.js';
export * from './runestone.js';
export * from './protostone.js';
export * from './simulate.js';
export * from './terms.js';
export * from './wallet.js';
export * from './signature.js';
export * from './psbt-build.js';
export * from './psbt-verify.js';
export * from './finalize.js';
export * from './verify-then-sign.js';
export * from './cancel.js';
export * from './memory-wallet.js';
export * from './swap-scenario.js';
export * from './tab-ledger.js';
export * from './chain/index.js';
