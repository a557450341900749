import { attachContextRoot } from '../../context/context-root.js';
import { define } from '../../internal/define.js';
import { DarkswapGroupChat } from './group-chat.js';

define('darkswap-group-chat', DarkswapGroupChat);
attachContextRoot();

declare global {
  interface HTMLElementTagNameMap {
    'darkswap-group-chat': DarkswapGroupChat;
  }
}
