/**
 * What `<darkswap-wallet>` shows, in words: truncated addresses, network names, and each wallet error in
 * plain words through the localization layer.
 */
import { msg, str } from '@lit/localize';
import type { BitcoinNetwork } from '../../bitcoin/wire.js';
import type { WalletErrorCode } from '../../bitcoin/wallets/wallet-error.js';
import type { WalletAccount } from '../../bitcoin/wallet.js';

export { truncateAddress } from '../../internal/bound-address.js';

export function networkName(network: BitcoinNetwork): string {
  switch (network) {
    case 'mainnet':
      return msg('Mainnet');
    case 'testnet4':
      return msg('Testnet4');
    case 'signet':
      return msg('Signet');
    default:
      return msg('Regtest');
  }
}

/** An account's role in words. */
export function accountLabel(a: WalletAccount): string {
  return a.purpose === 'ordinals' ? msg('Ordinals') : msg('Payment');
}

/** The payment account first, then the rest in the wallet's order. */
export function orderedAccounts(accounts: readonly WalletAccount[]): WalletAccount[] {
  return [...accounts].sort((a, b) => Number(a.purpose !== 'payment') - Number(b.purpose !== 'payment'));
}

/** A wallet error for the user, localized (the adapter's English message stays in the event and the console). */
export function errorText(code: WalletErrorCode, name: string): string {
  switch (code) {
    case 'not-installed':
      return msg(str`${name} is not installed in this browser, or it is disabled.`);
    case 'rejected':
      return msg(str`You declined the request in ${name}.`);
    case 'wrong-network':
      return msg(str`${name} is on another network than this site. Switch networks in ${name} and connect again.`);
    case 'locked':
      return msg(str`${name} is locked. Unlock it and try again.`);
    case 'not-connected':
      return msg(str`This site is not connected to ${name}. Connect again.`);
    case 'timeout':
      return msg(str`${name} did not answer in time. Open ${name} and try again.`);
    case 'malformed':
      return msg(str`${name} answered something unexpected.`);
    case 'tampered':
      return msg(str`${name} returned a different transaction than the one you reviewed. It was refused.`);
    case 'unsupported':
      return msg(str`${name} cannot do what this site needs.`);
    default:
      return msg(str`${name} reported an error.`);
  }
}
