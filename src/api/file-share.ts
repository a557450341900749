// <darkswap-file-share> and the file-share feature (all-in-one: loadWidget('file-share')).
export { DarkswapFileShare } from '../components/file-share/file-share.js';
export * from '../components/file-share/file-share.events.js';
export {
  FileShareEngine,
  type FileShareTransport,
  type FileShareListener,
  type TransferInfo,
  type FileProgress,
} from '../features/file-share/file-share.engine.js';
export { createFileShareSession, type FileShareSession, type FileShareSessionOptions } from '../features/file-share/file-share.headless.js';
export {
  ControlMessageSchema as FileShareMessageSchema,
  ChunkHeaderSchema as FileChunkHeaderSchema,
  checkOffer,
  type FileShareLimits,
} from '../features/file-share/file-share.protocol.js';
export {
  FILE_SHARE_CHANNEL,
  FILE_CHUNK_CHANNEL,
  DEFAULT_MAX_BYTES as FILE_SHARE_DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES as FILE_SHARE_DEFAULT_MAX_FILES,
} from '../features/file-share/file-share.types.js';
