// The core's public API apart from its tools (tools.ts): what every page's code needs at hand, and the types
// of everything. core/index.ts exports both.
export { ConnectionService } from './connection-service.js';
export type { ConnectionApi, RejectCounts } from './connection-api.js';
export {
  Channel,
  CHANNEL_PRIORITIES,
  DEFAULT_MAX_BYTES,
  type ChannelOptions,
  type ChannelPriority,
  type MessageHandler,
  type MessageSchema,
} from './channel.js';
export { BandwidthBudget, BURST_MS, MAX_BULK_FRAME, type BandwidthPause, type BandwidthSettings, type BandwidthState, type BudgetTimers } from './bandwidth.js';
export { type UsageCounts, type UsagePeriod, type UsageReport } from './bandwidth-usage.js';
export type { MediaLadderStep } from './media-constraints.js';
export type { MediaPath, MediaKind } from './link-media.js';
export type { MediaSample } from './media-stats.js';
export type { BeaconHandle } from './rendezvous.js';
export { BulkChannel, BULK_HIGH_WATER, BULK_LOW_WATER, type BulkChannelOptions, type BulkHandler } from './bulk.js';
export type { IdentityBackup, IdentityBackupErrorCode } from './identity-backup.js';
export { MIN_PASSPHRASE } from './passphrase.js';
export { createIdentity, domainMessage, importIdentity, isPublicKey, shortAuthString, verifySignature, type Identity } from './identity.js';
export { loadIdentity } from './identity-store.js';
export type { PeerIdentity } from './link.js';
export { DEFAULT_LIMITS, type LinkLimits } from './rate-limit.js';
export {
  createSessionToken,
  isValidPeerId,
  parseSignalingUrl,
  resolveConfig,
  splitSignalingUrls,
  type ConnectionConfig,
  type ResolvedConfig,
  type SignalingEndpoint,
} from './config.js';
export { CONNECTION_ERROR_CODES, DarkswapConnectionError, isConnectionError, type ConnectionErrorCode } from './errors.js';
export * from './events.js';
export { ICE_PRESETS, iceConfiguration, validateIceServers, type IcePreset, type IceSettings } from './ice.js';
export type { IceCredentials, IceCredentialSource } from './ice-credentials.js';
export type { IceProbeResult, Reflexive } from './ice-probe.js';
export type { TurnEntry, TurnServerReport } from './turn-pool.js';
export type { Finding, FindingCode } from './doctor.js';
export type { LinkSample, StatsListener, Verdict } from './link-stats.js';
export { SIGNAL_DROP_REASONS, type SignalDrop } from './signaling-drops.js';
export type { OfferRates } from './signaling-guard.js';
export { MAX_FRAME_BYTES, REJECT_REASONS, utf8Length, type RejectReason } from './frame.js';
