import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapAvCall } from './av-call.js';

define('darkswap-av-call', DarkswapAvCall);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-av-call': DarkswapAvCall;
  }
}
