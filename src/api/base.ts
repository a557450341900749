// The eager public API: the connection service, context, base element, and the demo, network status, orderbook and
// trade widgets. The all-in-one (darkswap.ts) exports exactly this and loads the other widgets' APIs with
// loadWidget(); the npm package's main entry (index.ts, through api.ts) exports everything.
export * from '../core/api.js';
export { connectionContext } from '../context/connection-context.js';
export { ConnectionController, type BulkBinding, type ChannelBinding } from '../context/connection-controller.js';
export { DarkswapConnection } from '../context/connection-provider.js';
export { provideConnection, type ConnectionProvision } from '../context/provide-connection.js';
export { attachContextRoot } from '../context/context-root.js';
export { DarkswapElement } from '../internal/base-element.js';
export { define } from '../internal/define.js';
export { adoptDocumentTokens, baseStyles, tokens } from '../internal/tokens.styles.js';
export { VERSION } from '../internal/version.js';
export * from '../internal/events.js';
export { DarkswapDemo } from '../components/demo/demo.js';
export * from '../components/demo/demo.events.js';
export { DemoMessageSchema, DEMO_MAX_BYTES, type DemoMessage } from '../components/demo/demo.model.js';
export { DEMO_CHANNEL } from '../components/demo/demo.types.js';
export { settingsContext, provideSettings, type SettingsProvision } from '../context/settings-context.js';
export { DarkswapNetworkStatus } from '../components/network-status/network-status.js';
export * from '../components/network-status/network-status.events.js';

export { DarkswapOrderbook } from '../components/orderbook/orderbook.js';
export * from '../components/orderbook/orderbook.events.js';
export { OrderbookStore, OrderbookError, type OrderbookStoreOptions } from '../features/orderbook/orderbook.store.js';
export type { OrderbookIndexer, IndexedOutput } from '../features/orderbook/assets.model.js';
export { OrderbookSync, SyncMessageSchema } from '../features/orderbook/sync.model.js';
export { OrderWireSchema, CancelWireSchema } from '../features/orderbook/order.model.js';

export {
  DarkswapTrade,
  type ProposeRequest,
  walletContext,
  provideWallet,
  type WalletProvision,
  proposalToTerms,
  isTradeProposal,
  TradeProposalSchema,
  type TradeProposal,
  TradeStore,
  verifyAuditExport,
  type AuditExport,
  TradeMessageSchema,
  type TradeRecord,
  TRADE_CHANNEL,
  TRADE_STATES,
  FAILURE_CODES as TRADE_FAILURE_CODES,
  type TradeState,
  type TradeFailure,
  DarkswapTradeProposedEvent,
  DarkswapTradeAcceptedEvent,
  DarkswapTradeSignedEvent,
  DarkswapTradeCompletedEvent,
  DarkswapTradeFailedEvent,
  type TradeProposedDetail,
  type TradeAcceptedDetail,
  type TradeSignedDetail,
  type TradeCompletedDetail,
  type TradeFailedDetail,
} from '../components/trade/index.js';

export { loadBitcoin, loadTools, type BitcoinLayer, type Tools } from '../lazy.js';
export { loadWidget, LAZY_WIDGETS, type LazyWidget, type WidgetApi } from '../lazy-widgets.js';
