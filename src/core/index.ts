export { ConnectionService } from './connection-service.js';
export type { ConnectionApi, RejectCounts } from './connection-api.js';
export { Channel, DEFAULT_MAX_BYTES, type ChannelOptions, type MessageHandler, type MessageSchema } from './channel.js';
export { createSessionToken, isValidPeerId, parseSignalingUrl, resolveConfig, type ConnectionConfig, type ResolvedConfig } from './config.js';
export { CONNECTION_ERROR_CODES, DarkswapConnectionError, isConnectionError, type ConnectionErrorCode } from './errors.js';
export * from './events.js';
export { MAX_FRAME_BYTES, REJECT_REASONS, type RejectReason } from './frame.js';
