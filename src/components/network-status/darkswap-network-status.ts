import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapNetworkStatus } from './network-status.js';

define('darkswap-network-status', DarkswapNetworkStatus);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-network-status': DarkswapNetworkStatus;
  }
}
