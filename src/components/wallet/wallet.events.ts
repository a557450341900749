/** Public events of `<darkswap-wallet>`: bubble, cross shadow roots, typed detail. */
import type { BitcoinNetwork } from '../../bitcoin/wire.js';
import type { WalletErrorCode } from '../../bitcoin/wallets/wallet-error.js';
import { DarkswapEvent } from '../../internal/events.js';

export interface WalletConnectedDetail {
  /** The adapter's id: `xverse`, `unisat`, `leather` or `sats-connect:<provider id>`. */
  wallet: string;
  /** The wallet's display name. */
  name: string;
  network: BitcoinNetwork;
  /** The connected addresses (payment first). */
  addresses: string[];
}

export interface WalletDisconnectedDetail {
  wallet: string;
  name: string;
}

export interface WalletErrorDetail {
  wallet: string;
  name: string;
  /** What went wrong: `not-installed`, `rejected`, `wrong-network`, `locked`, `not-connected`, `timeout`, `malformed`, `tampered`, `unsupported`, `failed`. */
  code: WalletErrorCode;
  /** The same in plain words. */
  message: string;
}

/** The user connected a wallet: the widget provides it to the trade widgets through the wallet context. */
export class DarkswapWalletConnectedEvent extends DarkswapEvent<WalletConnectedDetail> {
  static readonly type = 'darkswap-wallet-connected';
  constructor(detail: WalletConnectedDetail) {
    super(DarkswapWalletConnectedEvent.type, detail);
  }
}

/** The user disconnected the wallet: it is no longer provided. */
export class DarkswapWalletDisconnectedEvent extends DarkswapEvent<WalletDisconnectedDetail> {
  static readonly type = 'darkswap-wallet-disconnected';
  constructor(detail: WalletDisconnectedDetail) {
    super(DarkswapWalletDisconnectedEvent.type, detail);
  }
}

/** Connecting failed (declined, locked, another network, not installed, no answer…). */
export class DarkswapWalletErrorEvent extends DarkswapEvent<WalletErrorDetail> {
  static readonly type = 'darkswap-wallet-error';
  constructor(detail: WalletErrorDetail) {
    super(DarkswapWalletErrorEvent.type, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'darkswap-wallet-connected': DarkswapWalletConnectedEvent;
    'darkswap-wallet-disconnected': DarkswapWalletDisconnectedEvent;
    'darkswap-wallet-error': DarkswapWalletErrorEvent;
  }
}
