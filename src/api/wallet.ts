// <darkswap-wallet> and the browser-wallet detection and errors (all-in-one: loadWidget('wallet')). The adapters
// themselves load on first use (loadWallet()); the npm main entry also exports their classes.
export { DarkswapWallet } from '../components/wallet/wallet.js';
export * from '../components/wallet/wallet.events.js';
export {
  detectWallets,
  loadWallet,
  WALLET_KINDS,
  XVERSE_PROVIDER_ID,
  type BrowserWallet,
  type BrowserWalletOptions,
  type WalletKind,
  type WalletOption,
} from '../bitcoin/wallets/providers.js';
export { isWalletError, WalletError, walletErrorText, WALLET_ERROR_CODES, type WalletErrorCode } from '../bitcoin/wallets/wallet-error.js';
