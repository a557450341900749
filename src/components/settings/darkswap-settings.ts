import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapSettings } from './settings.js';

define('darkswap-settings', DarkswapSettings);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-settings': DarkswapSettings;
  }
}
