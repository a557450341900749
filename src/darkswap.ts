// All-in-one entry: attaches one ContextRoot to the page, registers the connection, demo, network status,
// orderbook and trade elements, and exports their API (./api/base.js). The other widgets (settings, call,
// discovery, chat, file share, wallet) are lazy chunks, loaded when their tag first appears in the page (in the document
// or in open shadow roots) or by `loadWidget()`; the Bitcoin layer and the tools load with `loadBitcoin()` and
// `loadTools()`. See README, "Bundles".
import { attachContextRoot } from './context/context-root.js';
import './context/darkswap-connection.js';
import './components/demo/darkswap-demo.js';
import './components/network-status/darkswap-network-status.js';
import './components/orderbook/darkswap-orderbook.js';
import './components/trade/darkswap-trade.js';
import { watchTags } from './internal/tag-watch.js';
import { LAZY_WIDGETS, loadWidget, type LazyWidget } from './lazy-widgets.js';

attachContextRoot();

const lazy = new Set<string>(LAZY_WIDGETS);
watchTags((tag) => {
  const name = tag.slice('darkswap-'.length);
  if (!lazy.has(name)) return;
  loadWidget(name as LazyWidget).catch((error: unknown) => console.error(`[darkswap] <${tag}> could not be loaded:`, error));
});

export * from './api/base.js';
