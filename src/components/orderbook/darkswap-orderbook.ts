import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapOrderbook } from './orderbook.js';

define('darkswap-orderbook', DarkswapOrderbook);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-orderbook': DarkswapOrderbook;
  }
}
