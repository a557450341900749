// Public API without side effects: classes, helpers and types. Import a `darkswap-*.js` define
// file (or `darkswap.js`) to register elements.
export * from './api.js';
export * from './tools.js';

/** The framework-free Bitcoin layer: swap PSBT build/verify, runestones, protostones, in-memory wallet. */
export * as bitcoin from './bitcoin/index.js';

/** The browser-wallet adapters themselves (the widget and `loadWallet()` fetch them on first use). */
export { XverseWallet, SATS_CONNECT_ERRORS, type XverseWalletOptions, type SatsConnectResult } from './bitcoin/wallets/xverse.js';
export { UnisatWallet, UNISAT_USER_REJECTED, type UnisatProvider, type UnisatSignOptions } from './bitcoin/wallets/unisat.js';
export { LeatherWallet, LEATHER_ERRORS } from './bitcoin/wallets/leather.js';
export {
  bip322MessageHash,
  verifyBip322Simple,
  identityBindingMessage,
  verifyIdentityBinding,
  bindIdentity,
  type IdentityBinding,
  type BindingCheck,
  type BindingRejectCode,
} from './bitcoin/wallets/bip322.js';
/** Identity bound to a wallet: one engine per service on the `binding` channel (what `<darkswap-wallet>` proves). */
export {
  BindingEngine,
  BINDING_FEATURE,
  BINDING_CHANNEL,
  BindingMessageSchema,
  IdentityBindingSchema,
  type BindingEngineOptions,
  type BindingReject,
  type BindingRejects,
  type PeerBinding,
} from './features/binding/binding.engine.js';
