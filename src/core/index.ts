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
export { applySendConstraints, ladderStepFor, MEDIA_HEADROOM, MEDIA_LADDER, type MediaLadderStep } from './media-constraints.js';
export { BulkChannel, BULK_HIGH_WATER, BULK_LOW_WATER, type BulkChannelOptions, type BulkHandler } from './bulk.js';
export {
  createIdentityWithBackup,
  identityBackup,
  restoreIdentity,
  IdentityBackupError,
  IdentityBackupSchema,
  MIN_PASSPHRASE,
  type IdentityBackup,
  type IdentityBackupErrorCode,
} from './identity-backup.js';
export { createIdentity, domainMessage, importIdentity, isPublicKey, loadIdentity, shortAuthString, verifySignature, type Identity } from './identity.js';
export type { PeerIdentity } from './link.js';
export { DEFAULT_LIMITS, type LinkLimits } from './rate-limit.js';
export { createSessionToken, isValidPeerId, parseSignalingUrl, resolveConfig, type ConnectionConfig, type ResolvedConfig } from './config.js';
export { CONNECTION_ERROR_CODES, DarkswapConnectionError, isConnectionError, type ConnectionErrorCode } from './errors.js';
export * from './events.js';
export { ICE_PRESETS, iceConfiguration, validateIceServers, type IcePreset, type IceSettings } from './ice.js';
export { fetchIceCredentials, type IceCredentials, type IceCredentialSource } from './ice-credentials.js';
export { natMapping, probeIceServer, probeNat, type IceProbeResult, type Reflexive } from './ice-probe.js';
export { splitTurn, turnKey, type TurnEntry, type TurnServerReport } from './turn-pool.js';
export { FINDING_CODES, findings, type Finding, type FindingCode } from './doctor.js';
export { VERDICT_THRESHOLDS, verdictOf, type LinkSample, type StatsListener, type Verdict } from './link-stats.js';
export { SIGNAL_DROP_REASONS, type SignalDrop } from './signaling-drops.js';
export type { OfferRates } from './signaling-guard.js';
export { MAX_FRAME_BYTES, REJECT_REASONS, utf8Length, type RejectReason } from './frame.js';
