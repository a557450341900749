import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapTrade } from './trade.js';

define('darkswap-trade', DarkswapTrade);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-trade': DarkswapTrade;
  }
}
