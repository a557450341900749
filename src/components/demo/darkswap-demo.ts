import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapDemo } from './demo.js';

define('darkswap-demo', DarkswapDemo);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-demo': DarkswapDemo;
  }
}
