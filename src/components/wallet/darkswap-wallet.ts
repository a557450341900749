import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapWallet } from './wallet.js';

define('darkswap-wallet', DarkswapWallet);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-wallet': DarkswapWallet;
  }
}
