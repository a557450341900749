/**
 * The wallet context: a host provides its `WalletAdapter` and `AssetIndexer` (and optionally a broadcaster)
 * once for the page or a subtree; every `<darkswap-trade>` below picks them up. Properties set on an element
 * win over the context. Created from a global, versioned symbol so two copies of the kit agree.
 */
import { ContextProvider, createContext } from '@lit/context';
import type { AssetIndexer, WalletAdapter } from '../bitcoin/wallet.js';

export interface WalletProvision {
  readonly wallet?: WalletAdapter | undefined;
  readonly indexer?: AssetIndexer | undefined;
  /** Publishes a raw transaction (hex); resolves to its txid. Default: the wallet's own `broadcast`. */
  readonly broadcast?: ((txHex: string) => Promise<string>) | undefined;
}

export const walletContext = createContext<WalletProvision | undefined>(Symbol.for('darkswap.wallet.v1'));

export interface WalletProvider {
  set(value: WalletProvision | undefined): void;
}

/** Provide a wallet and indexer to every trade widget inside `target` (an element, or `document.body`). */
export function provideWallet(target: HTMLElement, value: WalletProvision | undefined): WalletProvider {
  const provider = new ContextProvider(target, { context: walletContext, initialValue: value });
  // A plain element has no controller lifecycle: announce the provider, so widgets that asked before it
  // existed (and were parked by the page's ContextRoot) are served now.
  if (target.isConnected) provider.hostConnected();
  return { set: (next) => provider.setValue(next) };
}
