import { attachContextRoot } from './context-root.js';
import { define } from '../internal/define.js';
import { DarkswapConnection } from './connection-provider.js';

define('darkswap-connection', DarkswapConnection);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-connection': DarkswapConnection;
  }
}
