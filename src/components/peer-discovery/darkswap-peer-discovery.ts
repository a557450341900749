import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapPeerDiscovery } from './peer-discovery.js';

define('darkswap-peer-discovery', DarkswapPeerDiscovery);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-peer-discovery': DarkswapPeerDiscovery;
  }
}
