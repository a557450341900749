// The public API except the Bitcoin layer and the tools: classes, helpers and types, without side effects.
// Exported by both `index.ts` (the npm package, which adds the tools and the `bitcoin` namespace) and
// `darkswap.ts` (the all-in-one, which keeps those behind `loadTools()` and `loadBitcoin()`).
export * from './core/api.js';
export { connectionContext } from './context/connection-context.js';
export { ConnectionController, type BulkBinding, type ChannelBinding } from './context/connection-controller.js';
export { DarkswapConnection } from './context/connection-provider.js';
export { provideConnection, type ConnectionProvision } from './context/provide-connection.js';
export { attachContextRoot } from './context/context-root.js';
export { DarkswapElement } from './internal/base-element.js';
export { define } from './internal/define.js';
export { adoptDocumentTokens, baseStyles, tokens } from './internal/tokens.styles.js';
export { VERSION } from './internal/version.js';
export * from './internal/events.js';
export { DarkswapDemo } from './components/demo/demo.js';
export * from './components/demo/demo.events.js';
export { DemoMessageSchema, DEMO_MAX_BYTES, type DemoMessage } from './components/demo/demo.model.js';
export { DEMO_CHANNEL } from './components/demo/demo.types.js';
export { settingsContext, provideSettings, type SettingsProvision } from './context/settings-context.js';
export { SettingsStore, SettingsChangeEvent, type SettingsFile } from './features/settings/settings.store.js';
export {
  SettingsSchema,
  SettingsError,
  DEFAULT_SETTINGS,
  SETTINGS_VERSION,
  SETTINGS_SECTIONS,
  applyPatch,
  migrate as migrateSettings,
  validateSettings,
  type Settings,
  type SettingsPatch,
  type SettingsSection,
  type SettingsErrorCode,
} from './features/settings/settings.model.js';
export { bindSettings, DATA_SAVER_BULK_BPS, type SettingsTarget, type BindOptions } from './features/settings/settings.apply.js';
export {
  BandwidthProfileSchema,
  BandwidthProfilesSchema,
  parseBandwidthProfiles,
  activeProfile,
  isProfileActive,
  nextBoundary,
  ProfileScheduler,
  type BandwidthProfile,
  type SchedulerOptions,
} from './features/settings/bandwidth-schedule.js';
export {
  suggestDataSaver,
  watchNetworkInfo,
  navigatorConnection,
  recommendSettings,
  RECOMMEND_RULES,
  type NetworkInfo,
  type NetworkConnectionInfo,
  type NetworkConnectionTarget,
  type DataSaverSuggestion,
  type Recommendation,
  type ThroughputSample,
} from './features/settings/network-info.js';
export { DarkswapSettings } from './components/settings/settings.js';
export * from './components/settings/settings.events.js';
export type { KitStore, StorageUse } from './features/settings/settings.data.js';
export type { BackupFile } from './features/settings/settings.backup.js';
export { DarkswapAvCall } from './components/av-call/av-call.js';
export * from './components/av-call/av-call.events.js';
export { CallEngine, CallEngineEvent, CALL_FEATURE, type LegQuality } from './features/call/call.engine.js';
export { CallMediaError, LocalMedia, mediaError, type MediaErrorKind } from './features/call/call.media.js';
export { END_REASONS, type Call, type Leg, type EndReason, type CallOutcome } from './features/call/call.model.js';
export { loadHistory as loadCallHistory, clearHistory as clearCallHistory, type HistoryEntry as CallHistoryEntry } from './features/call/call.history.js';
export { DarkswapPeerDiscovery } from './components/peer-discovery/peer-discovery.js';
export * from './components/peer-discovery/peer-discovery.events.js';
export { DiscoveryEngine, DISCOVERY_FEATURE, DEFAULT_FEATURES, type RoomPeer, type DiscoveryOptions } from './features/discovery/discovery.engine.js';
export {
  roomToken,
  beaconIds,
  checkAnnouncement,
  signAnnouncement,
  ANNOUNCE_REJECTS,
  type Announcement,
  type AnnounceReject,
} from './features/discovery/discovery.protocol.js';
export { inviteLink, parseInvite, INVITE_PARAM, type Invite } from './features/discovery/invite.js';
export type { Contact, LastPeer } from './features/discovery/contacts.js';
export { DarkswapGroupChat } from './components/group-chat/group-chat.js';
export * from './components/group-chat/group-chat.events.js';
export {
  ChatEngine,
  CHAT_FEATURE,
  ChatEngineEvent,
  ChatError,
  CHAT_ERROR_CODES,
  type ChatErrorCode,
  type ChatEngineOptions,
  type ChatGroupSummary,
} from './features/chat/chat.engine.js';
export {
  CHAT_CHANNEL,
  CHAT_REJECT_REASONS,
  ChatMessageSchema,
  ItemSchema as ChatItemSchema,
  MAX_TEXT as CHAT_MAX_TEXT,
  signItem as signChatItem,
  verifyItem as verifyChatItem,
  parseItem as parseChatItem,
  groupIdFor as chatGroupIdFor,
  dmIdFor as chatDirectIdFor,
  type ChatItem,
  type ChatMessage,
  type ChatOp,
  type ChatRejectReason,
} from './features/chat/chat.protocol.js';
export { authorOf as chatAuthorOf, fingerprint as keyFingerprint, type Author as ChatAuthor, type MemberStatus } from './features/chat/chat.model.js';
export { idbChatStore, MemoryChatStore, type ChatPersistence } from './features/chat/chat.store.js';
export { DarkswapWallet } from './components/wallet/wallet.js';
export * from './components/wallet/wallet.events.js';
export {
  detectWallets,
  loadWallet,
  WALLET_KINDS,
  XVERSE_PROVIDER_ID,
  type BrowserWallet,
  type BrowserWalletOptions,
  type WalletKind,
  type WalletOption,
} from './bitcoin/wallets/providers.js';
export { isWalletError, WalletError, walletErrorText, WALLET_ERROR_CODES, type WalletErrorCode } from './bitcoin/wallets/wallet-error.js';
export { DarkswapNetworkStatus } from './components/network-status/network-status.js';
export * from './components/network-status/network-status.events.js';

export { DarkswapFileShare } from './components/file-share/file-share.js';
export * from './components/file-share/file-share.events.js';
export {
  FileShareEngine,
  type FileShareTransport,
  type FileShareListener,
  type TransferInfo,
  type FileProgress,
} from './features/file-share/file-share.engine.js';
export { createFileShareSession, type FileShareSession, type FileShareSessionOptions } from './features/file-share/file-share.headless.js';
export {
  ControlMessageSchema as FileShareMessageSchema,
  ChunkHeaderSchema as FileChunkHeaderSchema,
  checkOffer,
  type FileShareLimits,
} from './features/file-share/file-share.protocol.js';
export {
  FILE_SHARE_CHANNEL,
  FILE_CHUNK_CHANNEL,
  DEFAULT_MAX_BYTES as FILE_SHARE_DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES as FILE_SHARE_DEFAULT_MAX_FILES,
} from './features/file-share/file-share.types.js';

export { DarkswapOrderbook } from './components/orderbook/orderbook.js';
export * from './components/orderbook/orderbook.events.js';
export { OrderbookStore, OrderbookError, type OrderbookStoreOptions } from './features/orderbook/orderbook.store.js';
export type { OrderbookIndexer, IndexedOutput } from './features/orderbook/assets.model.js';
export { OrderbookSync, SyncMessageSchema } from './features/orderbook/sync.model.js';
export { OrderWireSchema, CancelWireSchema } from './features/orderbook/order.model.js';

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
} from './components/trade/index.js';

export { loadBitcoin, loadTools, type BitcoinLayer, type Tools } from './lazy.js';
