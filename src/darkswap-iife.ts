// The classic-script bundle (cdn/darkswap.iife.js, global `DarkSwap`): one file with everything, so it registers
// every element at once and exports the whole API (an IIFE cannot load chunks; what import() loads is inlined).
import { attachContextRoot } from './context/context-root.js';
import './context/darkswap-connection.js';
import './components/demo/darkswap-demo.js';
import './components/network-status/darkswap-network-status.js';
import './components/settings/darkswap-settings.js';
import './components/file-share/darkswap-file-share.js';
import './components/orderbook/darkswap-orderbook.js';
import './components/trade/darkswap-trade.js';
import './components/av-call/darkswap-av-call.js';
import './components/peer-discovery/darkswap-peer-discovery.js';
import './components/group-chat/darkswap-group-chat.js';
import './components/wallet/darkswap-wallet.js';

attachContextRoot();

export * from './api.js';
