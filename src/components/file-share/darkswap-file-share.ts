import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapFileShare } from './file-share.js';

define('darkswap-file-share', DarkswapFileShare);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-file-share': DarkswapFileShare;
  }
}
